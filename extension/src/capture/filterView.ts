// The viewer's filter: the query's terms (`proto:`, `family:`, `type:`, `port:`, `seq:`, `error`, and free words
// matched in the decoded message) turned into a list of matching rows. Number terms are checked on the index
// alone; names and words need the message decoded, read back from the file, in slices so the host stays responsive.
import type { FileHandle } from 'node:fs/promises';
import { parseProtocol, renderText, type FamilyRegistry } from '../netlink/index';
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

/** Whether the numbers alone decide (no decode needed). */
function numbersOnly(f: ParsedFilter): boolean {
  return f.family === undefined && typeof f.type !== 'string' && f.words.length === 0;
}

function numbersMatch(index: CaptureIndex, row: number, f: ParsedFilter): boolean {
  const c = index.columns;
  if (index.kind(row) !== 'message') return f.errorOnly && f.protocol === undefined && numbersOnly(f);
  if (f.protocol !== undefined && c.protocol[row] !== f.protocol) return false;
  if (typeof f.type === 'number' && c.type[row] !== f.type) return false;
  if (f.port !== undefined && c.pid[row] !== f.port) return false;
  if (f.seq !== undefined && c.seq[row] !== f.seq) return false;
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
  const decodeNeeded = !numbersOnly(f);
  const end = index.size;
  for (let start = from; start < end; start += SLICE) {
    if (cancelled()) break;
    for (let row = start; row < Math.min(end, start + SLICE); row++) {
      if (!numbersMatch(index, row, f)) continue;
      if (decodeNeeded) {
        if (index.kind(row) !== 'message') continue;
        const protocol = index.columns.protocol[row]!;
        const m = decodeOne(
          await readMessage(file, index, row, MAX_DETAIL_BYTES),
          protocol < 0 ? 0 : protocol,
          registry,
        );
        if (!m) continue;
        if (f.family !== undefined && m.family?.toLowerCase() !== f.family) continue;
        if (typeof f.type === 'string' && m.typeName.toUpperCase() !== f.type && m.command?.toUpperCase() !== f.type)
          continue;
        if (f.words.length > 0) {
          const text = renderText([m]).toLowerCase();
          if (!f.words.every((w) => text.includes(w))) continue;
        }
      }
      push(row);
    }
    progress(matches, count);
    await new Promise((r) => setImmediate(r));
  }
  return { matches, count, checked: end };
}
