// The builder webview <-> extension host protocol: every message both ways, declared once, imported by both
// sides. Requests that expect an answer carry a `requestId`; the answer repeats it. Everything here is plain JSON
// (postMessage serialises it), so family definitions travel as FamilyJson, not as the codec's Maps.
import type { AttrDef, MessageDef, OpDef, StructDef, SubMessageVariant } from '../netlink/index';
import type { BuilderState } from '../../../webview/src/model/state';

// ---------------------------------------------------------------------------------------------
// Family definitions as JSON: the host serialises its FamilyRegistry, the webview rebuilds one from it.

export interface AttrSetJson {
  readonly name: string;
  readonly attrs: readonly (readonly [number, AttrDef])[];
}

export interface EnumJson {
  readonly name: string;
  readonly flags: boolean;
  readonly entries: readonly (readonly [number, string])[];
}

export interface SubMessageJson {
  readonly name: string;
  readonly variants: readonly SubMessageVariant[];
}

export interface FamilyJson {
  readonly name: string;
  readonly protocol: number;
  readonly genl: boolean;
  readonly source: string;
  readonly messages: readonly MessageDef[];
  readonly attrSets: readonly AttrSetJson[];
  readonly structs: readonly StructDef[];
  readonly enums: readonly EnumJson[];
  readonly subMessages: readonly SubMessageJson[];
  readonly mcastGroups?: readonly string[];
  /** A spec family's operations (do / dump and the attributes each request lists): the builder's op picker. */
  readonly operations?: readonly OpDef[];
}

export interface CatalogJson {
  readonly families: readonly FamilyJson[];
  /** Generic netlink family ids the host knows, [id, family name]. */
  readonly genlIds: readonly (readonly [number, string])[];
}

// ---------------------------------------------------------------------------------------------
// Exchanges and their history.

/** The kernel's error in an exchange's result (its message is among the replies). */
export interface KernelErrorJson {
  /** Positive errno. */
  readonly errno: number;
  readonly name: string;
  /** The extended-ack message; '' when the kernel gave none. */
  readonly message: string;
}

/**
 * A Send's result: `replies` is the host's ExchangeResult (extension/src/exchange/exchanger.ts) under the same field
 * names, bytes as hex; `failed` is its TransportError (or no target), as the sentence to show.
 */
export type SendResult =
  | {
      readonly kind: 'replies';
      /** Every reply message as lowercase hex, in the order received (all parts of a dump, acks, errors). */
      readonly replies: readonly string[];
      /** 'timeout': the answers were not complete in time; `replies` holds what came. */
      readonly outcome: 'done' | 'timeout';
      /** Set when the kernel answered with an error. */
      readonly kernelError?: KernelErrorJson;
      readonly elapsedMs: number;
      /** Replies received but not kept (very long dumps). */
      readonly droppedReplies?: number;
    }
  | { readonly kind: 'failed'; readonly message: string };

export interface HistoryEntry {
  readonly id: string;
  /** Milliseconds since the epoch, when the request was sent. */
  readonly time: number;
  readonly target: string;
  readonly protocol: number;
  readonly requestHex: string;
  /** One line naming the request ("RTM_GETLINK NLM_F_REQUEST|NLM_F_DUMP seq=1"). */
  readonly summary: string;
  /** The form as it was sent, to restore it; absent for requests that did not come from the form. */
  readonly state?: BuilderState;
  readonly result: SendResult;
}

/** Bytes to put into the form, from `netlink.openInBuilder` or another command. */
export interface LoadRequest {
  readonly hex: string;
  /** Protocol to decode with; the form's current protocol when absent. */
  readonly protocol?: number;
  /** Where the bytes came from, shown to the user ("log.txt:12"). */
  readonly source: string;
}

// ---------------------------------------------------------------------------------------------
// Webview -> host.

/** The webview script started (first load, or reloaded after being hidden): the host answers with `init`. */
export interface ReadyMessage {
  readonly type: 'ready';
}

export interface SendMessage {
  readonly type: 'send';
  readonly requestId: number;
  readonly protocol: number;
  readonly hex: string;
  readonly timeoutMs: number;
  readonly summary: string;
  readonly state?: BuilderState;
}

/** Ask the target's kernel for a generic netlink family id (CTRL_CMD_GETFAMILY). */
export interface ResolveFamilyMessage {
  readonly type: 'resolveFamily';
  readonly requestId: number;
  readonly name: string;
}

export interface CopyMessage {
  readonly type: 'copy';
  readonly text: string;
  /** What was copied, for the status message ("C array"). */
  readonly what: string;
}

/** "Export as C Program": the host writes the program for these bytes where the user says (a save dialog). */
export interface ExportCMessage {
  readonly type: 'exportC';
  readonly protocol: number;
  readonly hex: string;
  readonly summary: string;
  /** Generic netlink: the family's name, which the program resolves to an id at run time. */
  readonly genlFamily?: string;
  /** Where the message comes from, for the file's header ("the message builder", "the history, 12:03:04"). */
  readonly origin: string;
  /** The program's default timeout, ms. */
  readonly timeoutMs: number;
}

export interface ClearHistoryMessage {
  readonly type: 'clearHistory';
}

export interface DeleteHistoryMessage {
  readonly type: 'deleteHistory';
  readonly id: string;
}

export type WebviewToHost =
  | ReadyMessage
  | SendMessage
  | ResolveFamilyMessage
  | CopyMessage
  | ExportCMessage
  | ClearHistoryMessage
  | DeleteHistoryMessage;

// ---------------------------------------------------------------------------------------------
// Host -> webview.

export interface InitMessage {
  readonly type: 'init';
  readonly catalog: CatalogJson;
  readonly history: readonly HistoryEntry[];
  /** Name of the target a send goes to; undefined when none is available. */
  readonly target: string | undefined;
  /** Bytes waiting to be loaded (a command ran while the view was closed). */
  readonly load?: LoadRequest;
}

export interface CatalogMessage {
  readonly type: 'catalog';
  readonly catalog: CatalogJson;
}

export interface HistoryMessage {
  readonly type: 'history';
  readonly entries: readonly HistoryEntry[];
}

export interface TargetMessage {
  readonly type: 'target';
  readonly target: string | undefined;
}

export interface LoadMessage {
  readonly type: 'load';
  readonly load: LoadRequest;
}

export interface SendResultMessage {
  readonly type: 'sendResult';
  readonly requestId: number;
  readonly entry: HistoryEntry;
}

export interface ResolveFamilyResultMessage {
  readonly type: 'resolveFamilyResult';
  readonly requestId: number;
  readonly result: { readonly id: number } | { readonly error: string };
}

export type HostToWebview =
  | InitMessage
  | CatalogMessage
  | HistoryMessage
  | TargetMessage
  | LoadMessage
  | SendResultMessage
  | ResolveFamilyResultMessage;

/** Default and limits of a send's timeout (the helper accepts 0-600000 ms). */
export const DEFAULT_TIMEOUT_MS = 2000;
export const MAX_TIMEOUT_MS = 600000;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Checks a message from the webview before the host acts on it (a webview is a web page: its messages are
 * input, not trusted calls). Returns the message typed, or an error naming what is wrong.
 */
export function checkWebviewMessage(x: unknown): { message: WebviewToHost } | { error: string } {
  if (!isRecord(x) || typeof x['type'] !== 'string') return { error: 'message without a type' };
  const int = (k: string): boolean => Number.isInteger(x[k]);
  const str = (k: string): boolean => typeof x[k] === 'string';
  switch (x['type']) {
    case 'ready':
    case 'clearHistory':
      return { message: x as unknown as WebviewToHost };
    case 'deleteHistory':
      return str('id') ? { message: x as unknown as WebviewToHost } : { error: 'deleteHistory: id must be a string' };
    case 'copy':
      return str('text') && str('what')
        ? { message: x as unknown as WebviewToHost }
        : { error: 'copy: text and what must be strings' };
    case 'resolveFamily':
      return int('requestId') && str('name')
        ? { message: x as unknown as WebviewToHost }
        : { error: 'resolveFamily: requestId and name required' };
    case 'exportC': {
      const protocol = x['protocol'];
      if (!Number.isInteger(protocol) || (protocol as number) < 0 || (protocol as number) > 31)
        return { error: 'exportC: protocol must be 0-31' };
      if (!str('hex') || !/^([0-9a-f]{2})+$/i.test(x['hex'] as string))
        return { error: 'exportC: hex must be non-empty contiguous hex' };
      const t = x['timeoutMs'];
      if (!Number.isInteger(t) || (t as number) < 0 || (t as number) > MAX_TIMEOUT_MS)
        return { error: `exportC: timeoutMs must be 0-${MAX_TIMEOUT_MS}` };
      if (!str('summary') || !str('origin')) return { error: 'exportC: summary and origin must be strings' };
      if (x['genlFamily'] !== undefined && !str('genlFamily')) return { error: 'exportC: genlFamily must be a string' };
      return { message: x as unknown as WebviewToHost };
    }
    case 'send': {
      if (!int('requestId')) return { error: 'send: requestId must be an integer' };
      const protocol = x['protocol'];
      if (!Number.isInteger(protocol) || (protocol as number) < 0 || (protocol as number) > 31)
        return { error: 'send: protocol must be 0-31' };
      if (!str('hex') || !/^([0-9a-f]{2})+$/i.test(x['hex'] as string))
        return { error: 'send: hex must be non-empty contiguous hex' };
      const t = x['timeoutMs'];
      if (!Number.isInteger(t) || (t as number) < 0 || (t as number) > MAX_TIMEOUT_MS)
        return { error: `send: timeoutMs must be 0-${MAX_TIMEOUT_MS}` };
      if (!str('summary')) return { error: 'send: summary must be a string' };
      return { message: x as unknown as WebviewToHost };
    }
    default:
      return { error: `unknown message type ${JSON.stringify(x['type'])}` };
  }
}
