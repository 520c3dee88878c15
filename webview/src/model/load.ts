// Bytes back into the form: the first message of a buffer becomes a BuilderState whose encoding is the same
// bytes. Framing comes from the codec's decodeMessages; fields and attributes are read from the raw bytes with
// the same definitions encode.ts uses. What the form cannot say exactly (a string without its NUL, odd widths,
// malformed attributes) falls back to hex, first per attribute, then for the whole payload; the result says
// whether the round trip is exact and, if not, where it differs.
import {
  GENL_HDRLEN,
  NETLINK_GENERIC,
  NLA_HDRLEN,
  NLMSG_HDRLEN,
  decodeMessages,
  nlAlign,
} from '../../../extension/src/netlink/index';
import type { FamilyDef, FamilyRegistry, StructDef, StructFieldDef } from '../../../extension/src/netlink/index';
import { buildMessage, structFieldSize } from './encode';
import type { AttrScope } from './schema';
import { childScope, defForType, findMessage, parseAttrType, resolve, topScope, valueSpecOf } from './schema';
import type { AttrNode, BuilderState } from './state';
import { initialState } from './state';
import { isContainerKind, isScalarKind, sameBytes, spacedHex, valueText } from './values';

export type LoadResult =
  | { readonly state: BuilderState; readonly exact: boolean; readonly notes: readonly string[] }
  | { readonly error: string };

const NLA_F_NESTED = 0x8000;
const NLA_F_NET_BYTEORDER = 0x4000;

/** Loads the first message of `bytes`, read as `protocol` with `registry`'s families. */
export function loadMessage(bytes: Uint8Array, protocol: number, registry: FamilyRegistry): LoadResult {
  if (bytes.length < NLMSG_HDRLEN) return { error: `${bytes.length} bytes are too few for a 16-byte nlmsghdr` };
  const messages = decodeMessages(bytes, { protocol, registry });
  const m = messages[0]!;
  const notes: string[] = [];
  if (m.length < NLMSG_HDRLEN) return { error: `nlmsg_len ${m.length} is less than the 16-byte header` };
  if (messages.length > 1) notes.push(`the bytes hold ${messages.length} messages; only the first is in the form`);
  const end = Math.min(bytes.length, m.length);
  if (m.length > bytes.length)
    notes.push(`nlmsg_len ${m.length} runs past the ${bytes.length} bytes given; the form holds what is there`);
  const msg = bytes.subarray(0, end);

  const state = initialState();
  state.protocol = String(protocol);
  state.flags = m.flags;
  state.seq = String(m.seq);
  state.pid = String(m.pid);
  state.autoSeq = false;
  state.header = {};
  state.attrs = [];
  let pos = NLMSG_HDRLEN;
  const genl = protocol === NETLINK_GENERIC && m.type >= 0x10;
  if (genl) {
    const name = registry.genlNameOf(m.type);
    state.genlFamily = name ?? '';
    state.genlFamilyId = name !== undefined && registry.genlIdOf(name) === m.type ? '' : String(m.type);
    if (end - pos >= GENL_HDRLEN) {
      const family = name === undefined ? undefined : registry.genlByFamilyName(name);
      state.messageType = messageText(family, msg[pos]!, 0xff);
      state.genlVersion = String(msg[pos + 1]);
      if (msg[pos + 2] !== 0 || msg[pos + 3] !== 0) notes.push('genlmsghdr.reserved is not 0; the form always sends 0');
      pos += GENL_HDRLEN;
    } else {
      state.messageType = '0';
      notes.push('the message is too short for its genlmsghdr');
    }
  } else {
    state.messageType = messageText(registry.classic(protocol), m.type, 0xffff);
  }

  const resolution = resolve(state, registry);
  const payloadStart = pos;
  if (resolution.header) {
    const size = resolution.header.fields.reduce((n, f) => n + structFieldSize(f), 0);
    if (end - pos >= size) {
      state.header = readStruct(resolution.header, msg, pos);
      pos += size;
    } else {
      notes.push(`the payload is shorter than ${resolution.header.name} (${size} bytes); it is loaded as hex`);
      // Without its fixed header the message type's layout does not apply: keep the type, send the bytes as given.
      state.messageType = String(resolution.type ?? m.type);
    }
  }
  const headerApplies = resolve(state, registry).header !== undefined;
  const rest = msg.subarray(headerApplies ? pos : payloadStart);
  fillPayload(state, rest, resolution.textPayload && headerApplies, topScope(resolve(state, registry)));

  // The test that matters: does the form give back these bytes? If not, hex payload; if still not, say where.
  const check = (): number => firstDifference(buildMessage(state, registry).bytes, bytes, m.length);
  let diff = check();
  if (diff >= 0 && state.payloadMode !== 'hex' && rest.length > 0) {
    state.payloadMode = 'hex';
    state.attrs = [];
    state.payloadHex = spacedHex(rest);
    diff = check();
  }
  if (diff >= 0)
    notes.push(`the form re-encodes these bytes differently from byte ${diff} on (${reasonAt(bytes, m.length, diff)})`);
  return { state, exact: diff < 0, notes };
}

/** The message's name when it names this value back, else the number. */
function messageText(family: FamilyDef | undefined, value: number, max: number): string {
  const def = family?.messages.get(value);
  if (def) {
    const found = findMessage(family, def.name, max);
    if ('value' in found && found.value === value) return def.name;
  }
  return String(value);
}

function readStruct(def: StructDef, bytes: Uint8Array, base: number): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = base;
  for (const f of def.fields) {
    const size = structFieldSize(f);
    if (f.kind !== 'pad') out[f.name] = fieldText(f, bytes.subarray(pos, pos + size));
    pos += size;
  }
  return out;
}

function fieldText(f: StructFieldDef, raw: Uint8Array): string {
  if (isScalarKind(f.kind)) {
    const spec = {
      kind: f.kind,
      bigEndian: f.bigEndian === true,
      ...(f.display !== undefined ? { display: f.display } : {}),
    };
    return valueText(spec, raw) ?? '0';
  }
  if (f.kind === 'string') {
    const nul = raw.indexOf(0);
    return new TextDecoder().decode(raw.subarray(0, nul < 0 ? raw.length : nul));
  }
  if (raw.every((b) => b === 0)) return '';
  const shown = valueText(
    { kind: 'binary', bigEndian: false, ...(f.display !== undefined ? { display: f.display } : {}) },
    raw,
  );
  return shown ?? spacedHex(raw);
}

function fillPayload(state: BuilderState, rest: Uint8Array, textPayload: boolean, scope: AttrScope): void {
  if (textPayload) {
    const nul = rest.indexOf(0);
    const nulEnded = nul === rest.length - 1;
    if (nul < 0 || nulEnded) {
      try {
        state.payloadText = new TextDecoder('utf-8', { fatal: true }).decode(
          rest.subarray(0, nulEnded ? nul : rest.length),
        );
        state.payloadTextNul = nulEnded;
        state.payloadMode = 'text';
        return;
      } catch {
        // Not UTF-8: hex below.
      }
    }
    state.payloadMode = 'hex';
    state.payloadHex = spacedHex(rest);
    return;
  }
  if (rest.length === 0) {
    state.payloadMode = 'attrs';
    return;
  }
  const nodes = readAttrs(state, rest, scope, []);
  if (nodes) {
    state.payloadMode = 'attrs';
    state.attrs = nodes;
  } else {
    state.payloadMode = 'hex';
    state.payloadHex = spacedHex(rest);
  }
}

/** The attributes filling `bytes` exactly, or undefined when they do not frame (then the caller uses hex). */
function readAttrs(
  state: BuilderState,
  bytes: Uint8Array,
  scope: AttrScope,
  enclosing: readonly (readonly AttrNode[])[],
): AttrNode[] | undefined {
  const nodes: AttrNode[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  while (pos < bytes.length) {
    if (bytes.length - pos < NLA_HDRLEN) return undefined;
    const len = view.getUint16(pos, true);
    const rawType = view.getUint16(pos + 2, true);
    if (len < NLA_HDRLEN || pos + len > bytes.length) return undefined;
    const node = readAttr(state, bytes.subarray(pos + NLA_HDRLEN, pos + len), rawType, scope, [...enclosing, nodes]);
    nodes.push(node);
    pos += nlAlign(len);
  }
  return nodes;
}

function readAttr(
  state: BuilderState,
  payload: Uint8Array,
  rawType: number,
  scope: AttrScope,
  enclosing: readonly (readonly AttrNode[])[],
): AttrNode {
  const type = rawType & 0x3fff;
  const def = defForType(scope, type);
  // Indexed array entries are numbered: their definition's "[n]" name is not a name to type.
  const byName = def === undefined || scope.entry !== undefined ? undefined : parseAttrType(scope, def.name);
  const typeText =
    def !== undefined && byName !== undefined && 'type' in byName && byName.type === type ? def.name : String(type);
  const node: AttrNode = { id: state.nextId++, type: typeText, value: '', children: [] };
  if (rawType & NLA_F_NET_BYTEORDER) node.netByteOrder = true;
  const nestedFlag = (rawType & NLA_F_NESTED) !== 0;
  const container = def !== undefined ? isContainerKind(def.kind) : nestedFlag;
  if (container) {
    if (def === undefined) node.kind = 'nest';
    if (!nestedFlag) node.noNestedFlag = true;
    const child = childScope(node, def, scope, enclosing);
    const children = child.error === undefined ? readAttrs(state, payload, child.scope, enclosing) : undefined;
    if (children) {
      node.children = children;
      return node;
    }
    delete node.noNestedFlag;
    node.kind = 'binary';
    node.value = spacedHex(payload);
    return node;
  }
  const text = valueText(valueSpecOf(node, def, scope.family), payload);
  if (text !== undefined && !(nestedFlag && def !== undefined)) {
    node.value = text;
    return node;
  }
  node.kind = 'binary';
  node.value = spacedHex(payload);
  return node;
}

/** First byte where `built` differs from the original message (its nlmsg_len bytes, padding as zeros); -1 if none. */
function firstDifference(built: Uint8Array, original: Uint8Array, nlmsgLen: number): number {
  const want = original.subarray(0, Math.min(original.length, nlmsgLen));
  const n = Math.max(want.length, Math.min(built.length, nlmsgLen));
  for (let i = 0; i < n; i++) if (built[i] !== want[i]) return i;
  return sameBytes(built.subarray(0, n), want.subarray(0, n)) ? -1 : n;
}

function reasonAt(original: Uint8Array, nlmsgLen: number, offset: number): string {
  if (offset < 4) return `nlmsg_len ${nlmsgLen} does not match the payload`;
  if (offset >= Math.min(original.length, nlmsgLen)) return 'the message is cut short';
  return 'bytes the form cannot express, such as non-zero padding';
}
