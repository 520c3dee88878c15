// Runs parseHexText on one 2.7 MB input named on the command line and prints what came back, for
// scan-strict-bounded.test.ts, which runs this under a small heap limit: an input the parser reads too much of
// does not fit.
import { parseHexText } from '../../extension/src/netlink/scan/index';

export const INPUTS: Readonly<Record<string, () => string>> = {
  /** A typo at character 6, then 540,000 hex words: a run each. */
  'typo-then-words': () => `4142 4g42 ${'4142 '.repeat(539_998)}`,
  /** A stray word on the first line, then 900,000 lines of one byte each: a run each. */
  'stray-then-lines': () => `00 01 zz\n${'41\n'.repeat(900_000)}`,
  /** A character no byte form has, then 900,000 colon-separated bytes. */
  'bad-char-then-colons': () => `00:01 % ${'41:'.repeat(900_000)}41`,
  /** Valid: 540,000 lines of one hex word each. */
  'valid-word-lines': () => '4142\n'.repeat(540_000),
};

const name = process.argv[2];
if (name !== undefined) {
  const input = INPUTS[name]!();
  const started = performance.now();
  const r = parseHexText(input);
  const ms = performance.now() - started;
  const summary =
    'error' in r
      ? { error: r.error, offset: r.offset }
      : { bytes: r.bytes.length, isUint8Array: r.bytes instanceof Uint8Array };
  process.stdout.write(JSON.stringify({ input: input.length, keys: Object.keys(r), ...summary, ms }));
}
