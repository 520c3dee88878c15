// `decode --pcap FILE`: a pcap or pcapng capture of netlink traffic decoded record by record, streaming. The file
// (or stdin with `-`) is read in chunks through the bounded reader's rules (a regular file, or stdin), pushed
// into the capture reader, and each record's messages are decoded and written as they come: memory holds one
// chunk, at most one partial record and one chunk of output, whatever the capture's size. Records no filter
// condition can match are not decoded at all (their raw headers say so).
import { closeSync } from 'node:fs';
import { openRegularFile, readChunkSync } from './boundedRead';
import type { ChunkedWriter } from './chunkedWriter';
import { messageDirection, recordDirection } from './netlink/capture/direction';
import { isEmptyFilter, messageMatches, recordCouldMatch } from './netlink/capture/filter';
import type { CaptureFilter } from './netlink/capture/filter';
import { CaptureReader } from './netlink/capture/reader';
import type { CaptureMarker, CaptureProblem, CaptureRecord } from './netlink/capture/reader';
import { CTRL_CMD_NEWFAMILY, GENL_ID_CTRL, NETLINK_GENERIC, NLMSG_HDRLEN } from './netlink/constants';
import { escapeControls } from './netlink/escape';
import { decodeMessages, protocolName, renderMessageText } from './netlink/index';
import type { DecodedAttr, DecodedMessage, FamilyRegistry } from './netlink/index';
import { parseProtocol } from './netlink/protocols';
import { JsonBytesWriter } from './netlink/render/jsonBytes';

export const PCAP_USAGE = `       netlink-decode decode --pcap FILE|- [--json] [--protocol P] [--spec-dir DIR]... [--genl-id NAME=ID]...
           [--filter-protocol P] [--family NAME] [--type NAME|N] [--port N] [--seq N] [--errors-only] [--grep TEXT]
  Decodes a pcap or pcapng capture of netlink traffic (LINKTYPE_NETLINK as nlmon writes it, Linux cooked SLL/SLL2),
  streaming, from FILE or stdin (-). Text: a line per record (index, time, direction, protocol), then each message.
  --json: JSON Lines, one object per message: the object decode --json prints plus "record", "time" (seconds since
  the epoch), "direction" ("to-kernel"/"to-user") and "protocol"; malformed input as {"problem":...,"offset":N}
  lines and monitor overruns as {"marker":"overrun",...} lines, in file order. Problems also go to stderr.
  Filters (all must hold): --filter-protocol the record's protocol, --family the decoding family, --type a type
  name or number, --port nlmsg_pid, --seq, --errors-only (NLMSG_ERROR/DONE with an error), --grep decoded text.
  Generic netlink family ids are bound from nlctrl replies seen earlier in the capture (and --genl-id).`;

export interface PcapArgs {
  file?: string;
  filter: { -readonly [K in keyof CaptureFilter]: CaptureFilter[K] };
}

export class PcapUsageError extends Error {}

/** Read size: large enough that a read costs little, small enough that one read's output stays in young memory. */
const CHUNK_BYTES = 128 * 1024;
/** Output is encoded into buffers of this size, each handed to the writer once full (or at the end). */
const OUT_BYTES = 256 * 1024;
/** Problems written to stderr at most (a hostile file can hold millions); the rest are counted. */
const MAX_STDERR_PROBLEMS = 1000;

function nonNegativeInt(option: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 0xffffffff)
    throw new PcapUsageError(`${option} takes a number 0-4294967295, got "${text}"`);
  return Number(text);
}

/** Takes a `decode --pcap` option; false when `a` is not one (the caller's parser goes on). */
export function takePcapOption(a: string, value: () => string, o: PcapArgs): boolean {
  switch (a) {
    case '--pcap':
      o.file = value();
      return true;
    case '--filter-protocol': {
      const p = parseProtocol(value());
      if ('error' in p) throw new PcapUsageError(p.error);
      o.filter.protocol = p.protocol;
      return true;
    }
    case '--family':
      o.filter.family = value();
      return true;
    case '--type':
      o.filter.type = value();
      return true;
    case '--port':
      o.filter.port = nonNegativeInt(a, value());
      return true;
    case '--seq':
      o.filter.seq = nonNegativeInt(a, value());
      return true;
    case '--errors-only':
      o.filter.errorsOnly = true;
      return true;
    case '--grep':
      o.filter.grep = value();
      return true;
    default:
      return false;
  }
}

/** Refuses filters without --pcap: they mean nothing for hex. */
export function checkPcapArgs(o: PcapArgs): void {
  if (o.file === undefined && !isEmptyFilter(o.filter))
    throw new PcapUsageError('the filters (--filter-protocol, --family, --type, --port, --seq, ...) need --pcap');
}

/** The time as an ISO date with microseconds, UTC. */
function isoTime(t: number): string {
  let sec = Math.floor(t);
  let usec = Math.round((t - sec) * 1e6);
  if (usec >= 1e6) {
    sec += 1;
    usec -= 1e6;
  }
  const d = new Date(sec * 1000);
  if (Number.isNaN(d.getTime())) return String(t);
  return `${d.toISOString().slice(0, 19)}.${String(usec).padStart(6, '0')}Z`;
}

/** An nlctrl CTRL_CMD_NEWFAMILY record (from its raw header): decoded even when filtered out, for its binding. */
function isNewFamily(protocol: number, bytes: Uint8Array): boolean {
  return (
    protocol === NETLINK_GENERIC &&
    bytes.length > NLMSG_HDRLEN &&
    (bytes[4]! | (bytes[5]! << 8)) === GENL_ID_CTRL &&
    bytes[NLMSG_HDRLEN] === CTRL_CMD_NEWFAMILY
  );
}

/** Binds the family id an nlctrl reply announces, for the records after it. */
function bindFamilies(registry: FamilyRegistry, messages: readonly DecodedMessage[]): void {
  for (const m of messages) {
    if (m.family !== 'nlctrl' || m.command !== 'CTRL_CMD_NEWFAMILY') continue;
    const find = (name: string): DecodedAttr | undefined => m.attrs.find((a) => a.name === name);
    const id = find('CTRL_ATTR_FAMILY_ID')?.value;
    const name = find('CTRL_ATTR_FAMILY_NAME')?.value;
    if (typeof id === 'number' && typeof name === 'string') registry.bindGenlId(id, name);
  }
}

/**
 * Decodes the capture `file` ('-': stdin) to `out`. Returns the exit code: 2 when the file cannot be read or is
 * not a capture, else 0 (problems inside a capture are reported, not fatal).
 */
export async function decodePcap(
  file: string,
  o: { readonly json: boolean; readonly protocol: number; readonly filter: CaptureFilter },
  registry: FamilyRegistry,
  out: ChunkedWriter,
): Promise<number> {
  const shownName = escapeControls(file === '-' ? 'stdin' : file);
  const opened = file === '-' ? { fd: 0 } : openRegularFile(file);
  if ('error' in opened) throw new PcapUsageError(`${shownName}: ${opened.error}`);
  const filter = o.filter;
  const filtering = !isEmptyFilter(filter);
  const output = new Utf8Output(out);
  let stderrProblems = 0;
  let moreProblems = 0;

  const record = (r: CaptureRecord): void => {
    const protocol = r.protocol ?? o.protocol;
    const wanted = !filtering || recordCouldMatch(filter, protocol, r.bytes);
    const binds = isNewFamily(protocol, r.bytes);
    if (!wanted && !binds) return;
    const messages = decodeMessages(r.bytes, { protocol, registry });
    if (binds) bindFamilies(registry, messages);
    if (!wanted) return;
    let headed = false;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      if (filtering && !messageMatches(filter, protocol, m)) continue;
      if (o.json) {
        // The record's fields, then the message's own members: one object, written as bytes without a copy.
        output.json.merged(
          {
            record: r.index,
            time: r.time,
            direction: messageDirection(m.flags),
            protocol,
            comment: r.comment,
          },
          m,
        );
        output.json.text('\n');
        continue;
      }
      if (!headed) {
        headed = true;
        const cut = r.bytes.length < r.originalLength ? `  (cut: ${r.bytes.length} of ${r.originalLength} bytes)` : '';
        const comment = r.comment === undefined ? '' : `\n   comment: ${escapeControls(r.comment)}`;
        output.text(
          `== record ${r.index}  ${isoTime(r.time)}  ${recordDirection(r.bytes)}  ${protocolName(protocol)}  offset ${r.offset}${cut}${comment}\n`,
        );
      }
      output.text(`${renderMessageText(m, i)}\n`);
    }
  };

  let notCapture = false;
  const problem = (p: CaptureProblem): void => {
    const where = `offset ${p.offset}: ${p.record === undefined ? '' : `record ${p.record}: `}`;
    if (stderrProblems < MAX_STDERR_PROBLEMS) {
      stderrProblems++;
      process.stderr.write(`netlink-decode: ${shownName}: ${where}${escapeControls(p.message)}\n`);
    } else moreProblems++;
    if (reader.format === undefined) notCapture = true;
    // In JSON Lines the problem is also a line of the stream, in file order; text goes to a terminal, where the
    // stderr line already says it.
    if (o.json) {
      const rec = p.record === undefined ? '' : `,"record":${p.record}`;
      output.text(`{"problem":${JSON.stringify(p.message)},"offset":${p.offset}${rec}}\n`);
    }
  };

  const marker = (m: CaptureMarker): void => {
    if (o.json) {
      output.text(
        `${JSON.stringify({ marker: m.kind, offset: m.offset, time: m.time, text: m.text, dropped: m.dropped })}\n`,
      );
      return;
    }
    const dropped = m.dropped === undefined ? '' : ` (${m.dropped} dropped)`;
    const time = m.time === undefined ? '' : `  ${isoTime(m.time)}`;
    output.text(`== ${m.kind} at offset ${m.offset}${time}: ${escapeControls(m.text)}${dropped}\n`);
  };

  const reader = new CaptureReader({ record, problem, marker });
  const buf = new Uint8Array(CHUNK_BYTES);
  try {
    for (;;) {
      const n = readChunkSync(opened.fd, buf);
      if (typeof n !== 'number') throw new PcapUsageError(`${shownName}: ${n.error}`);
      if (n === 0) break;
      // The records are views into buf: each is decoded and written out before the next read reuses it.
      reader.push(buf.subarray(0, n));
      await output.drain(false);
      if (notCapture) break;
    }
    if (!notCapture) reader.end();
    await output.drain(true);
    await out.flush();
  } finally {
    if (file !== '-') closeQuietly(opened.fd);
  }
  if (moreProblems > 0)
    process.stderr.write(`netlink-decode: ${shownName}: ${moreProblems} more problems not shown here\n`);
  return notCapture ? 2 : 0;
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed or never valid: nothing to release.
  }
}

/**
 * The output, encoded as UTF-8 straight into buffers as it is produced (JSON by the byte writer, text too): no
 * string of a whole chunk's output is joined and then encoded again. Full buffers wait in a short list for
 * drain(), which hands them to the writer (and so waits for a slow reader): at most one read chunk's output is
 * held. Written buffers go back to the byte writer to be filled again (fresh memory for every buffer costs page
 * faults on every byte of output).
 */
class Utf8Output {
  readonly json: JsonBytesWriter;
  private full: Uint8Array[] = [];

  constructor(private readonly out: ChunkedWriter) {
    this.json = new JsonBytesWriter((b) => this.full.push(b), 0, OUT_BYTES);
  }

  text(s: string): void {
    this.json.text(s);
  }

  /** Hands the full buffers to the writer; with `all`, the one being filled too. */
  async drain(all: boolean): Promise<void> {
    if (all || this.json.pending >= OUT_BYTES / 2) this.json.flush();
    const ready = this.full;
    this.full = [];
    for (const b of ready) {
      await this.out.writeBytes(b);
      // Written (writeBytes waits for that): its memory can take the next output.
      this.json.recycle(b);
    }
  }
}
