// The viewer's filter: the query's terms (`proto:`, `family:`, `type:`, `port:`, `seq:`, `error`, and free words
// matched in the decoded message) turned into the codec's CaptureFilter (netlink/capture/filter.ts, the CLI's
// filter too) and into a list of matching rows. Header terms are checked on the index alone; names and words need
// the message decoded, read back from the file, in slices so the host stays responsive.
import type { FileHandle } from 'node:fs/promises';
import { headerMatches, isEmptyFilter, messageMatches, type CaptureFilter } from '../netlink/capture/filter';
import { parseProtocol, type FamilyRegistry } from '../netlink/index';
import type { CaptureIndex } from './captureIndex';
import { BIT_CODE } from './indexBatch';
import { decodeOne, MAX_DETAIL_BYTES, readMessage } from './rows';

export interface ParsedFilter {
  readonly protocol?: number;
  readonly family?: string;
  /** A number (nlmsg_type) or a name (RTM_NEWLINK, CTRL_CMD_GETFAMILY: the type or the genl command). */
  readonly type?: number | string;
  readonly port?: number;
  readonly seq?: number;
  readonly errorOnly: boolean;
  /** Lowercase words, each must appear in the decoded message's text. */
  readonly words: readonly string[];
}

function uint(v: string, what: string): number | { error: string } {
  const n = /^(0x[0-9a-f]+|\d+)$/i.test(v) ? Number(v) : Number.NaN;
  return Number.isSafeInteger(n) && n <= 0xffffffff ? n : { error: `${what}: "${v}" is not a number` };
}

export function parseFilter(text: string): ParsedFilter | { error: string } {
  const f: { -readonly [K in keyof ParsedFilter]: ParsedFilter[K] } = { errorOnly: false, words: [] };
  const words: string[] = [];
  for (const term of text
    .trim()
    .split(/\s+/)
    .filter((t) => t !== '')) {
    const m = /^(proto|protocol|family|type|port|pid|seq):(.+)$/i.exec(term);
    if (!m) {
      if (/^errors?$/i.test(term)) f.errorOnly = true;
      else words.push(term.toLowerCase());
      continue;
    }
    const key = m[1]!.toLowerCase();
    const value = m[2]!;
    if (key === 'proto' || key === 'protocol') {
      const p = parseProtocol(value);
      if ('error' in p) return { error: `proto: ${p.error}` };
      f.protocol = p.protocol;
    } else if (key === 'family') f.family = value.toLowerCase();
    else if (key === 'type') {
      const n = uint(value, 'type');
      f.type = typeof n === 'number' ? n : value.toUpperCase();
    } else {
      const n = uint(value, key);
      if (typeof n !== 'number') return n;
      if (key === 'seq') f.seq = n;
      else f.port = n;
    }
  }
  f.words = words;
  return f;
}

/** The query as the codec's filter (free words: one text, as typed, matched in the decoded fields). */
export function captureFilterOf(f: ParsedFilter): CaptureFilter {
  return {
    ...(f.protocol !== undefined ? { protocol: f.protocol } : {}),
    ...(f.family !== undefined ? { family: f.family } : {}),
    ...(f.type !== undefined ? { type: String(f.type) } : {}),
    ...(f.port !== undefined ? { port: f.port } : {}),
    ...(f.seq !== undefined ? { seq: f.seq } : {}),
    ...(f.errorOnly ? { errorsOnly: true } : {}),
    ...(f.words.length > 0 ? { grep: f.words.join(' ') } : {}),
  };
}

/** Whether the header alone decides (no decode needed). */
function headerOnly(f: ParsedFilter): boolean {
  return f.family === undefined && typeof f.type !== 'string' && f.words.length === 0 && !f.errorOnly;
}

/** The header terms on the index's numbers (and the error code, so only errors are decoded for `error`). */
function indexMatches(index: CaptureIndex, row: number, f: ParsedFilter, cf: CaptureFilter): boolean {
  const c = index.columns;
  // Problem and marker rows are what `error` alone looks for too.
  if (index.kind(row) !== 'message') return f.errorOnly && isEmptyFilter({ ...cf, errorsOnly: false });
  if (cf.protocol !== undefined && c.protocol[row] !== cf.protocol) return false;
  if (!headerMatches(cf, c.type[row]!, c.pid[row]!, c.seq[row]!)) return false;
  if (f.errorOnly && !(c.bits[row]! & BIT_CODE && c.code[row]! !== 0)) return false;
  return true;
}

/** Rows checked between two yields to the event loop. */
const SLICE = 2000;

/**
 * The rows of [0, index.size) that match, in order. `cancelled()` is asked between slices (a newer query wins);
 * `progress` gets the matches so far.
 */
export async function filterRows(
  index: CaptureIndex,
  f: ParsedFilter,
  file: FileHandle,
  registry: FamilyRegistry,
  cancelled: () => boolean,
  progress: (matches: Uint32Array, count: number) => void,
  from = 0,
  into: { matches: Uint32Array; count: number } = { matches: new Uint32Array(1024), count: 0 },
): Promise<{ matches: Uint32Array; count: number; checked: number }> {
  let { matches, count } = into;
  const push = (row: number): void => {
    if (count === matches.length) {
      const bigger = new Uint32Array(matches.length * 2);
      bigger.set(matches);
      matches = bigger;
    }
    matches[count++] = row;
  };
  const cf = captureFilterOf(f);
  const decodeNeeded = !headerOnly(f);
  const end = index.size;
  for (let start = from; start < end; start += SLICE) {
    if (cancelled()) break;
    for (let row = start; row < Math.min(end, start + SLICE); row++) {
      if (!indexMatches(index, row, f, cf)) continue;
      if (decodeNeeded) {
        if (index.kind(row) !== 'message') {
          push(row);
          continue;
        }
        const protocol = index.columns.protocol[row]!;
        const m = decodeOne(
          await readMessage(file, index, row, MAX_DETAIL_BYTES),
          protocol < 0 ? 0 : protocol,
          registry,
        );
        if (!m || !messageMatches(cf, protocol < 0 ? undefined : protocol, m)) continue;
      }
      push(row);
    }
    progress(matches, count);
    await new Promise((r) => setImmediate(r));
  }
  return { matches, count, checked: end };
}
