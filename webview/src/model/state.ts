// The builder's form state: plain JSON (it goes through vscode.setState, the history in workspaceState and
// postMessage), every value kept as the text the user typed so that a half-typed number is never lost.
// What the text means is decided by schema.ts / encode.ts against the family definitions.
import type { AttrKind } from '../../../extension/src/netlink/index';

/** How the payload after the fixed header is given. */
export type PayloadMode = 'attrs' | 'text' | 'hex';

export interface AttrNode {
  /** Stable within one state: form fields and byte spans are keyed by it. */
  id: number;
  /** Attribute name from the enclosing set, or a type number (0-16383). */
  type: string;
  /** Value text for the kind's editor; unused for flags and nests. */
  value: string;
  /** How to encode it when the type has no definition, or to override the definition (e.g. raw hex). */
  kind?: AttrKind;
  /** Set NLA_F_NET_BYTEORDER (and write scalars big-endian). */
  netByteOrder?: boolean;
  /** Nests only: leave NLA_F_NESTED clear, as some senders do (loaded bytes keep their exact form). */
  noNestedFlag?: boolean;
  children: AttrNode[];
}

export interface BuilderState {
  version: 1;
  /** "route", "generic", "module", a NETLINK_* name or a number 0-31 (parseProtocol). */
  protocol: string;
  /** Generic netlink: the family by name and its id (empty: the id bound in the registry). */
  genlFamily: string;
  genlFamilyId: string;
  /**
   * Classic protocols: the family by name when it is not the protocol's default (rt-link rather than the built-in
   * rtnetlink on NETLINK_ROUTE); absent or empty: the default.
   */
  classicFamily?: string;
  /** Message type name or number; for generic netlink the command name or number. */
  messageType: string;
  flags: number;
  seq: string;
  /** Increment seq after every send. */
  autoSeq: boolean;
  pid: string;
  /** genlmsghdr.version. */
  genlVersion: string;
  /** Fixed header (ifinfomsg, rtmsg, ...) field values by field name. */
  header: Record<string, string>;
  payloadMode: PayloadMode;
  attrs: AttrNode[];
  payloadText: string;
  /** Text mode: end the text with a NUL byte. */
  payloadTextNul: boolean;
  payloadHex: string;
  /** Next AttrNode id. */
  nextId: number;
}

/** An RTM_GETLINK dump request: what most people send first. */
export function initialState(): BuilderState {
  return {
    version: 1,
    protocol: '0',
    genlFamily: '',
    genlFamilyId: '',
    messageType: 'RTM_GETLINK',
    flags: 0x301,
    seq: '1',
    autoSeq: true,
    pid: '0',
    genlVersion: '1',
    header: {},
    payloadMode: 'attrs',
    attrs: [],
    payloadText: '',
    payloadTextNul: false,
    payloadHex: '',
    nextId: 1,
  };
}

export function cloneState(state: BuilderState): BuilderState {
  return JSON.parse(JSON.stringify(state)) as BuilderState;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isAttrNode(x: unknown, depth: number): x is AttrNode {
  if (!isObject(x) || depth > 32) return false;
  return (
    typeof x['id'] === 'number' &&
    typeof x['type'] === 'string' &&
    typeof x['value'] === 'string' &&
    (x['kind'] === undefined || typeof x['kind'] === 'string') &&
    (x['netByteOrder'] === undefined || typeof x['netByteOrder'] === 'boolean') &&
    (x['noNestedFlag'] === undefined || typeof x['noNestedFlag'] === 'boolean') &&
    Array.isArray(x['children']) &&
    x['children'].every((c) => isAttrNode(c, depth + 1))
  );
}

/**
 * True when `x` has the shape of a BuilderState (restored from getState or a history entry, which may come from an
 * older version of the extension): anything else is dropped rather than half-used.
 */
export function isBuilderState(x: unknown): x is BuilderState {
  if (!isObject(x) || x['version'] !== 1) return false;
  const strings = [
    'protocol',
    'genlFamily',
    'genlFamilyId',
    'messageType',
    'seq',
    'pid',
    'genlVersion',
    'payloadText',
    'payloadHex',
  ];
  if (!strings.every((k) => typeof x[k] === 'string')) return false;
  if (x['classicFamily'] !== undefined && typeof x['classicFamily'] !== 'string') return false;
  if (typeof x['flags'] !== 'number' || typeof x['nextId'] !== 'number') return false;
  if (typeof x['autoSeq'] !== 'boolean' || typeof x['payloadTextNul'] !== 'boolean') return false;
  if (!['attrs', 'text', 'hex'].includes(x['payloadMode'] as string)) return false;
  const header = x['header'];
  if (!isObject(header) || !Object.values(header).every((v) => typeof v === 'string')) return false;
  return Array.isArray(x['attrs']) && x['attrs'].every((a) => isAttrNode(a, 0));
}
