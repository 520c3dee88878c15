// The viewer's rows: the index's numbers plus the names only the codec knows (message type, flags by the message's
// kind, family, error), read back from the file for the rows on screen only.
import type { FileHandle } from 'node:fs/promises';
import { decodeMessages, NLMSG_ERROR, protocolName, type DecodedMessage, type FamilyRegistry } from '../netlink/index';
import type { RowConversation, RowJson } from '../protocol/captureViewer';
import type { CaptureIndex } from './captureIndex';
import { isFoldable } from './foldView';

/** Whether a dump group is folded in the view (the session's fold state). */
export type IsFolded = (conversation: number) => boolean;

const NOTHING_FOLDED: IsFolded = () => false;

/** Enough of a message to name it (header, family header, the first attributes); the detail reads it all. */
const NAME_BYTES = 512;
/** Most bytes of one message the viewer decodes and shows. */
export const MAX_DETAIL_BYTES = 1 << 20;

export async function readMessage(
  file: FileHandle,
  index: CaptureIndex,
  row: number,
  max: number,
): Promise<Uint8Array> {
  const length = Math.min(index.columns.length[row]!, max);
  const bytes = new Uint8Array(length);
  if (length > 0) await file.read(bytes, 0, length, index.columns.offset[row]!);
  return bytes;
}

export function decodeOne(bytes: Uint8Array, protocol: number, registry: FamilyRegistry): DecodedMessage | undefined {
  return decodeMessages(bytes, { protocol, registry, maxMessages: 1 })[0];
}

function conversationJson(index: CaptureIndex, row: number, isFolded: IsFolded): RowConversation | undefined {
  const c = index.conversationOf(row);
  if (!c) return undefined;
  const { conversation: v, role } = c;
  const flags: string[] = [];
  if (v.dumpIntr) flags.push('dump-intr');
  if (v.noDone) flags.push('no-done');
  if (v.lost) flags.push('lost');
  if (v.errorCode) flags.push('error');
  if (v.extAck) flags.push('ext-ack');
  if (!v.complete && !v.noDone) flags.push('open');
  return {
    id: v.id,
    role,
    ...(v.latencyMs !== undefined ? { latencyMs: v.latencyMs } : {}),
    flags,
    size: v.replies + (v.requestRow !== undefined ? 1 : 0),
    firstRow: v.requestRow ?? v.firstReplyRow ?? row,
    ...(isFoldable(v)
      ? { group: { folded: isFolded(v.id), ...(v.doneRow !== undefined ? { doneRow: v.doneRow } : {}) } }
      : {}),
  };
}

/** The row as the table shows it; `decoded` names the message (undefined: numbers only). */
export function rowJson(
  index: CaptureIndex,
  row: number,
  decoded: DecodedMessage | undefined,
  isFolded: IsFolded = NOTHING_FOLDED,
): RowJson {
  const c = index.columns;
  const kind = index.kind(row);
  const time = c.time[row]!;
  const base = { row, kind, record: c.record[row]!, offset: c.offset[row]!, ...(Number.isNaN(time) ? {} : { time }) };
  if (kind !== 'message') return { ...base, text: index.text(row) ?? kind };
  const protocol = c.protocol[row]!;
  const conversation = conversationJson(index, row, isFolded);
  const typeName = decoded
    ? decoded.command
      ? `${decoded.typeName} ${decoded.command}`
      : decoded.typeName
    : String(c.type[row]);
  // An ack is an NLMSG_ERROR with code 0; a DONE's 0 is just the end of the dump.
  const code = decoded?.error?.code;
  const error =
    code === undefined
      ? undefined
      : code !== 0
        ? decoded!.error!.name
        : decoded!.type === NLMSG_ERROR
          ? 'ACK'
          : undefined;
  return {
    ...base,
    direction: index.direction(row),
    ...(protocol >= 0 ? { protocol, protocolName: protocolName(protocol) } : {}),
    ...(decoded?.family ? { family: decoded.family } : {}),
    typeName,
    flags: decoded
      ? decoded.flagNames.length > 0
        ? decoded.flagNames.join('|')
        : '0'
      : `0x${c.flags[row]!.toString(16)}`,
    seq: c.seq[row]!,
    pid: c.pid[row]!,
    length: c.length[row]!,
    ...(error ? { error } : {}),
    ...(conversation ? { conversation } : {}),
  };
}

/** Most bytes one read of the rows on screen may span; farther apart rows are read apart. */
const SPAN_BYTES = 4 << 20;

/**
 * Rows for the table: each message's first bytes read and named. Rows on screen lie close together in the file, so
 * each run of them is one read (one wait for the disk, not one a row while the index is still coming in).
 */
export async function rowsFor(
  file: FileHandle,
  index: CaptureIndex,
  rows: readonly number[],
  registry: FamilyRegistry,
  isFolded: IsFolded = NOTHING_FOLDED,
): Promise<RowJson[]> {
  const c = index.columns;
  const out: RowJson[] = [];
  let i = 0;
  while (i < rows.length) {
    const row = rows[i]!;
    if (index.kind(row) !== 'message') {
      out.push(rowJson(index, row, undefined));
      i++;
      continue;
    }
    // The run: following message rows whose bytes end within SPAN_BYTES of this one's start.
    const start = c.offset[row]!;
    let end = start + Math.min(c.length[row]!, NAME_BYTES);
    let j = i + 1;
    for (; j < rows.length; j++) {
      const r = rows[j]!;
      if (index.kind(r) !== 'message') break;
      const e = c.offset[r]! + Math.min(c.length[r]!, NAME_BYTES);
      if (c.offset[r]! < start || e - start > SPAN_BYTES) break;
      end = Math.max(end, e);
    }
    const span = new Uint8Array(end - start);
    await file.read(span, 0, span.length, start);
    for (let k = i; k < j; k++) {
      const r = rows[k]!;
      const from = c.offset[r]! - start;
      const bytes = span.subarray(from, from + Math.min(c.length[r]!, NAME_BYTES));
      const protocol = c.protocol[r]!;
      out.push(rowJson(index, r, decodeOne(bytes, protocol < 0 ? 0 : protocol, registry), isFolded));
    }
    i = j;
  }
  return out;
}
