// Run-level rules that keep hex-looking words out of the results when scanning arbitrary text. parseHexText does
// not apply them: what the user typed is meant as bytes.
//
// - contiguous: at least 8 digits (4 bytes), an even count; with a 0x prefix more than 16 digits, since 0xdeadbeef
//   or a u64 constant is a number, not a byte string; and unless there are 16 digits or more, both letters and
//   decimal digits, so that words (`deadbeef`, `cafebabe`) and numbers (`20240101`) are not bytes.
// - spaced (and od -An): at least 4 tokens; at least 8 when no token has a decimal digit (`ad be ef ab` in prose).
// - colon: at least 6 tokens: a MAC address passes (the decoder decides), times (12:30:45) do not; IPv6 groups never
//   parse as tokens (their groups are longer than two digits or follow "::").
// - C arrays, escaped strings, dumps with offsets and mnl output carry their own syntax and need no rule.
import type { RunStats } from './assemble';

function looksLikeBytes(run: RunStats): boolean {
  const count = run.byteCount;
  switch (run.family) {
    case 'contiguous': {
      const digits = run.decimalDigits + run.letterDigits;
      if (digits < 8) return false;
      if (run.prefixed) return digits > 16;
      return digits >= 16 || (run.decimalDigits > 0 && run.letterDigits > 0);
    }
    case 'spaced':
      return count >= 4 && (run.decimalDigits > 0 || count >= 8);
    case 'colon':
      return count >= 6;
    default:
      return count > 0;
  }
}

/** The filter for scanning: the rules above and a minimum size. */
export function scanFilter(minBytes: number): (run: RunStats) => boolean {
  return (run) => run.byteCount >= minBytes && looksLikeBytes(run);
}
