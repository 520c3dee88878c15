// The floor under the CLI's text path (textpath.bench.ts): a node process that does only what `decode --json`
// must do besides decoding and building JSON. It starts, reads stdin and turns the spaced hex into bytes with the
// CLI's own functions. Given a file, it also copies that file (the CLI's output of the same run) to stdout in
// 256 KiB pieces, the size the CLI writes in. Run bundled, as the CLI is: `node floor.js [OUTPUT_FILE]`.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { MAX_HEX_TEXT_BYTES, readFdBounded } from '../../extension/src/boundedRead';
import { parseSpacedHexBytes } from '../../extension/src/netlink/scan/spacedBytes';

const read = readFdBounded(0, MAX_HEX_TEXT_BYTES);
if ('error' in read) throw new Error(read.error);
const bytes = parseSpacedHexBytes(read.bytes);
if (bytes === undefined) throw new Error('stdin is not spaced hex');

const copyFrom = process.argv[2];
if (copyFrom !== undefined) {
  const piece = Buffer.allocUnsafe(256 * 1024);
  const fd = openSync(copyFrom, 'r');
  for (let n = readSync(fd, piece); n > 0; n = readSync(fd, piece)) writeSync(1, piece, 0, n);
  closeSync(fd);
}
