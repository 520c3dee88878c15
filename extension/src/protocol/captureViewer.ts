// The capture viewer webview <-> extension host protocol: every message both ways, declared once, imported by
// both sides. The host owns the file and its index; the viewer asks for the rows it shows and for the one message
// it decodes. Plain JSON (postMessage serialises it): bytes travel as hex, only for the selected message.
import type { CatalogJson } from './webview';

/** What a row is: a netlink message, a malformed stretch of the file, or an in-band marker (an overrun). */
export type RowKind = 'message' | 'problem' | 'marker';

/** The conversation a message belongs to, as the row shows it. */
export interface RowConversation {
  readonly id: number;
  readonly role: 'request' | 'reply' | 'done' | 'ack' | 'error' | 'notification';
  /** Request to first reply, milliseconds. */
  readonly latencyMs?: number;
  /** Why the group stands out: 'dump-intr', 'no-done', 'lost', 'error', 'ext-ack', 'open'. */
  readonly flags: readonly string[];
  /** Rows in the group (request and replies) and the group's first row (position in the unfiltered index). */
  readonly size: number;
  readonly firstRow: number;
  /** A multi-part dump: one group from its first row to its NLMSG_DONE, which can fold to its first row. */
  readonly group?: { readonly folded: boolean; readonly doneRow?: number };
}

export interface RowJson {
  /** Position in the index (unfiltered), the row's identity. */
  readonly row: number;
  readonly kind: RowKind;
  /** Packet record number in the file (messages: the record holding them). */
  readonly record: number;
  /** File offset of the message (or problem, marker). */
  readonly offset: number;
  /** Seconds since the epoch; undefined when unknown (a problem). */
  readonly time?: number;
  readonly direction?: 'to-kernel' | 'to-user';
  readonly protocol?: number;
  readonly protocolName?: string;
  readonly family?: string;
  readonly typeName?: string;
  readonly flags?: string;
  readonly seq?: number;
  readonly pid?: number;
  readonly length?: number;
  /** Error name for an NLMSG_ERROR / DONE with an error ("ENOENT"), "ACK" for an ack. */
  readonly error?: string;
  /** A problem's or marker's sentence. */
  readonly text?: string;
  readonly conversation?: RowConversation;
}

/** The filter box's query, parsed by the host (`netlink/capture/filter.ts` when the codec has it). */
export interface FilterQuery {
  /** The text as typed: `proto:0 type:RTM_NEWLINK port:123 seq:5 family:nlctrl error words...`. */
  readonly text: string;
}

// ---------------------------------------------------------------------------------------------
// Viewer -> host.

export type ViewerToHost =
  | { readonly type: 'ready' }
  /** Rows [start, start+count) of the current (filtered) view. */
  | { readonly type: 'rows'; readonly requestId: number; readonly start: number; readonly count: number }
  /** Decode the message at index row `row`. */
  | { readonly type: 'select'; readonly requestId: number; readonly row: number }
  | { readonly type: 'filter'; readonly requestId: number; readonly query: FilterQuery }
  /** Where record `record` (or the row `row`) sits in the current view. */
  | { readonly type: 'goto'; readonly requestId: number; readonly record: number }
  /** Fold (or unfold) the dump group that index row `row` belongs to. */
  | { readonly type: 'fold'; readonly requestId: number; readonly row: number }
  | { readonly type: 'openInBuilder'; readonly row: number }
  /** Export rows (index positions) as a pcap file. */
  | { readonly type: 'export'; readonly rows: readonly number[] }
  | { readonly type: 'copy'; readonly text: string; readonly what: string }
  | { readonly type: 'stop' };

// ---------------------------------------------------------------------------------------------
// Host -> viewer.

export interface ProgressJson {
  /** Rows in the index so far (messages, problems, markers). */
  readonly rows: number;
  readonly bytesRead: number;
  /** The file's size when it was last looked at (grows while following). */
  readonly totalBytes: number;
  /** The pass over the file is complete (for a followed file: until it grows again). */
  readonly indexed: boolean;
  /** The file is being followed (a live capture writing it). */
  readonly following: boolean;
  readonly problems: number;
  readonly format?: 'pcap' | 'pcapng';
  /** Why indexing stopped early (the file could not be read); undefined when it did not. */
  readonly failed?: string;
}

export type HostToViewer =
  | {
      readonly type: 'init';
      readonly file: string;
      readonly catalog: CatalogJson;
      /** Whether Stop applies (a capture this window started is writing the file). */
      readonly live: boolean;
    }
  | { readonly type: 'progress'; readonly progress: ProgressJson; readonly viewRows: number }
  | { readonly type: 'rows'; readonly requestId: number; readonly start: number; readonly rows: readonly RowJson[] }
  | {
      readonly type: 'detail';
      readonly requestId: number;
      readonly row: RowJson;
      /** The message's bytes as captured (lowercase hex); empty for problem rows. */
      readonly hex: string;
      /** Bytes the message had on the wire, when the capture cut it. */
      readonly originalLength?: number;
    }
  | {
      readonly type: 'filterResult';
      readonly requestId: number;
      /** Rows the filtered view holds (so far: a text filter keeps matching as it decodes). */
      readonly viewRows: number;
      readonly error?: string;
    }
  | { readonly type: 'gotoResult'; readonly requestId: number; readonly position: number | undefined }
  /** A group folded or unfolded: the view's rows are new (`requestId` the fold's), the group's first at `position`. */
  | {
      readonly type: 'folded';
      readonly requestId: number;
      readonly viewRows: number;
      readonly position: number | undefined;
    }
  | { readonly type: 'catalog'; readonly catalog: CatalogJson }
  | { readonly type: 'live'; readonly live: boolean };

/** Most rows one `rows` request may ask for (a screen is a few dozen). */
export const MAX_ROWS_PER_REQUEST = 500;
/** Most rows one export may name. */
export const MAX_EXPORT_ROWS = 1_000_000;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const isIndex = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/**
 * Checks a message from the viewer before the host acts on it (the webview is a web page: its messages are input,
 * not trusted calls). Returns the message typed, or an error naming what is wrong.
 */
export function checkViewerMessage(x: unknown): { message: ViewerToHost } | { error: string } {
  if (!isRecord(x) || typeof x['type'] !== 'string') return { error: 'message without a type' };
  const ok = { message: x as unknown as ViewerToHost };
  const type = x['type'];
  switch (type) {
    case 'ready':
    case 'stop':
      return ok;
    case 'rows':
      return isIndex(x['requestId']) &&
        isIndex(x['start']) &&
        isIndex(x['count']) &&
        (x['count'] as number) <= MAX_ROWS_PER_REQUEST
        ? ok
        : { error: `rows: requestId, start and count (at most ${MAX_ROWS_PER_REQUEST}) must be integers >= 0` };
    case 'select':
      return isIndex(x['requestId']) && isIndex(x['row']) ? ok : { error: 'select: requestId and row required' };
    case 'fold':
      return isIndex(x['requestId']) && isIndex(x['row']) ? ok : { error: 'fold: requestId and row required' };
    case 'goto':
      return isIndex(x['requestId']) && isIndex(x['record']) ? ok : { error: 'goto: requestId and record required' };
    case 'filter': {
      const q = x['query'];
      return isIndex(x['requestId']) && isRecord(q) && typeof q['text'] === 'string' && q['text'].length <= 1000
        ? ok
        : { error: 'filter: requestId and query.text (at most 1000 characters) required' };
    }
    case 'openInBuilder':
      return isIndex(x['row']) ? ok : { error: 'openInBuilder: row required' };
    case 'export': {
      const rows = x['rows'];
      return Array.isArray(rows) && rows.length > 0 && rows.length <= MAX_EXPORT_ROWS && rows.every(isIndex)
        ? ok
        : { error: `export: rows must be 1-${MAX_EXPORT_ROWS} row numbers` };
    }
    case 'copy':
      return typeof x['text'] === 'string' && typeof x['what'] === 'string'
        ? ok
        : { error: 'copy: text and what must be strings' };
    default:
      return { error: `unknown message type ${JSON.stringify(type)}` };
  }
}
