// The protocol a hex run was sent on, when the text around it says so: "protocol=16", "protocol: generic",
// "NETLINK_GENERIC", "proto 31" on the run's first line (before the hex) or on the two lines above it. Only
// those few lines are read, never the document.
import { parseProtocol } from '../netlink/protocols';

const HINT = /\b(?:netlink[_ ]?protocol|protocol|proto)\s*[=:]?\s*(NETLINK_\w+|\w+)|\b(NETLINK_[A-Z_]+)\b/gi;

/** Protocol named in text[lineStart of the line above-above .. runStart), or undefined. */
export function protocolHint(text: string, runStart: number): number | undefined {
  let from = runStart;
  for (let i = 0; i < 3 && from > 0; i++) {
    const nl = text.lastIndexOf('\n', from - 1 - (i === 0 ? 0 : 1));
    from = nl < 0 ? 0 : nl + 1;
    if (nl < 0) break;
  }
  const window = text.slice(Math.max(from, runStart - 600), runStart);
  let found: number | undefined;
  for (const m of window.matchAll(HINT)) {
    const p = parseProtocol(m[1] ?? m[2] ?? '');
    if (!('error' in p)) found = p.protocol; // the nearest mention wins
  }
  return found;
}
