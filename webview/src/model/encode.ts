// The form to bytes: nlmsghdr, genlmsghdr for generic netlink, the family's fixed header, then attributes (or a
// text / hex payload), encoded by the codec. Alongside: a span for every field that produced bytes (the byte
// map for highlighting) and every validation problem with its form field and path. Invalid values still get
// their place (zeros / empty) so the preview keeps its shape; `issues` says the bytes must not be sent.
import {
  GENL_HDRLEN,
  NLA_HDRLEN,
  NLMSG_HDRLEN,
  concatBytes,
  encodeAttr,
  encodeMessage,
  encodeScalar,
  nlAlign,
} from '../../../extension/src/netlink/index';
import type {
  AttrInput,
  FamilyDef,
  FamilyRegistry,
  StructDef,
  StructFieldDef,
} from '../../../extension/src/netlink/index';
import { parseIp, parseIpv4, parseIpv6, parseMac, parseUuid, type Parsed } from './addresses';
import { checkValue } from './checks';
import { parseInteger } from './numbers';
import type { AttrScope, Resolution } from './schema';
import { childScope, kindOf, parseAttrType, resolve, topScope, valueSpecOf } from './schema';
import type { AttrNode, BuilderState } from './state';
import { encodeValue, isContainerKind, isScalarKind, parseHexValue } from './values';

/** Bytes [start, end) produced by one part of the form. */
export interface ByteSpan {
  /** Unique name of the part ("nlmsghdr.nlmsg_len", "attr.3.nla_type", "ifinfomsg.ifi_index"). */
  readonly key: string;
  /** The form field that edits it (several spans may share one: an attribute's length, type and itself). */
  readonly field: string;
  /** For people: "IFLA_LINKINFO.IFLA_INFO_KIND value". */
  readonly label: string;
  readonly start: number;
  end: number;
}

export interface FieldIssue {
  /** Form field key (data-field in the UI). */
  readonly field: string;
  /** Where in the message: "nlmsghdr.nlmsg_seq", "ifinfomsg.ifi_index", "IFLA_LINKINFO.IFLA_INFO_KIND". */
  readonly path: string;
  readonly message: string;
}

export interface BuildResult {
  readonly bytes: Uint8Array;
  readonly protocol: number | undefined;
  readonly spans: readonly ByteSpan[];
  readonly issues: readonly FieldIssue[];
  readonly resolution: Resolution;
}

const MAX_NLA_LEN = 0xffff;

class Builder {
  readonly spans: ByteSpan[] = [];
  readonly issues: FieldIssue[] = [];

  span(key: string, field: string, label: string, start: number, end: number): ByteSpan {
    const s: ByteSpan = { key, field, label, start, end };
    this.spans.push(s);
    return s;
  }

  issue(field: string, path: string, message: string): void {
    this.issues.push({ field, path, message });
  }
}

export function buildMessage(state: BuilderState, registry: FamilyRegistry): BuildResult {
  const resolution = resolve(state, registry);
  const b = new Builder();
  for (const i of resolution.issues) b.issue(i.field, i.path, i.message);

  const seq = headerInt(b, state.seq, 'seq', 'nlmsghdr.nlmsg_seq');
  const pid = headerInt(b, state.pid, 'pid', 'nlmsghdr.nlmsg_pid');
  const type = resolution.genl ? (resolution.familyId ?? 0) : (resolution.type ?? 0);
  const typeField = resolution.genl ? 'genl.familyId' : 'messageType';
  const flags = state.flags & 0xffff;
  b.span('nlmsghdr.nlmsg_len', 'nlmsghdr.nlmsg_len', 'nlmsghdr.nlmsg_len (computed)', 0, 4);
  b.span('nlmsghdr.nlmsg_type', typeField, 'nlmsghdr.nlmsg_type', 4, 6);
  b.span('nlmsghdr.nlmsg_flags', 'flags', 'nlmsghdr.nlmsg_flags', 6, 8);
  b.span('nlmsghdr.nlmsg_seq', 'seq', 'nlmsghdr.nlmsg_seq', 8, 12);
  b.span('nlmsghdr.nlmsg_pid', 'pid', 'nlmsghdr.nlmsg_pid', 12, 16);

  const parts: Uint8Array[] = [];
  let pos = NLMSG_HDRLEN;
  if (resolution.genl) {
    const version = parseInteger(state.genlVersion, 'u8');
    if ('error' in version) b.issue('genl.version', 'genlmsghdr.version', version.error);
    const hdr = new Uint8Array(GENL_HDRLEN);
    hdr[0] = resolution.type ?? 0;
    hdr[1] = 'value' in version ? Number(version.value) : 0;
    parts.push(hdr);
    b.span('genlmsghdr.cmd', 'messageType', 'genlmsghdr.cmd', pos, pos + 1);
    b.span('genlmsghdr.version', 'genl.version', 'genlmsghdr.version', pos + 1, pos + 2);
    b.span('genlmsghdr.reserved', 'genlmsghdr.reserved', 'genlmsghdr.reserved (always 0)', pos + 2, pos + 4);
    pos += GENL_HDRLEN;
  }
  if (resolution.header) {
    const fixed = encodeStruct(b, resolution.header, state.header, resolution.family, pos);
    parts.push(fixed);
    pos += fixed.length;
  }
  const payload = encodePayload(b, state, resolution, pos);
  parts.push(payload);
  pos += payload.length;
  const bytes = encodeMessage({ type, flags, seq, pid }, concatBytes(parts));
  if (bytes.length > pos) b.span('pad', 'pad', 'message padding', pos, bytes.length);
  return { bytes, protocol: resolution.protocol, spans: b.spans, issues: b.issues, resolution };
}

function headerInt(b: Builder, text: string, field: string, path: string): number {
  const r = parseInteger(text, 'u32');
  if ('error' in r) {
    b.issue(field, path, r.error);
    return 0;
  }
  return Number(r.value);
}

// ---------------------------------------------------------------------------------------------
// Fixed header structs.

export function structFieldSize(f: StructFieldDef): number {
  switch (f.kind) {
    case 'u8':
    case 's8':
      return 1;
    case 'u16':
    case 's16':
      return 2;
    case 'u32':
    case 's32':
      return 4;
    case 'u64':
    case 's64':
      return 8;
    default:
      return f.length ?? 0;
  }
}

/** Text a fresh form shows for a field: 0 for numbers, empty (all zero bytes) for the rest. */
export function defaultFieldText(f: StructFieldDef): string {
  return isScalarKind(f.kind) ? '0' : '';
}

function parseFieldBytes(f: StructFieldDef, text: string, size: number, family: FamilyDef | undefined): Parsed {
  if (isScalarKind(f.kind)) {
    const enumDef = f.enumName === undefined ? undefined : family?.enums.get(f.enumName);
    const r = parseInteger(text, f.kind, enumDef);
    return 'error' in r ? r : { bytes: encodeScalar(f.kind, r.value, f.bigEndian === true) };
  }
  if (f.kind === 'string') {
    const utf8 = new TextEncoder().encode(text);
    if (utf8.length > size) return { error: `${utf8.length} bytes of text do not fit the field's ${size}` };
    const out = new Uint8Array(size);
    out.set(utf8);
    return { bytes: out };
  }
  if (text.trim() === '') return { bytes: new Uint8Array(size) };
  const parsers: Record<string, (t: string) => Parsed> = {
    mac: parseMac,
    ipv4: parseIpv4,
    ipv6: parseIpv6,
    ip: parseIp,
    uuid: parseUuid,
  };
  const r = (f.display !== undefined ? parsers[f.display] : undefined)?.(text) ?? parseHexValue(text);
  if ('error' in r) return r;
  if (r.bytes.length !== size) return { error: `field holds ${size} bytes, the value has ${r.bytes.length}` };
  return r;
}

function encodeStruct(
  b: Builder,
  def: StructDef,
  values: Readonly<Record<string, string>>,
  family: FamilyDef | undefined,
  base: number,
): Uint8Array {
  const size = def.fields.reduce((n, f) => n + structFieldSize(f), 0);
  const out = new Uint8Array(size);
  let pos = 0;
  for (const f of def.fields) {
    const fsize = structFieldSize(f);
    const path = `${def.name}.${f.name}`;
    const field = f.kind === 'pad' ? path : `header.${f.name}`;
    b.span(path, field, f.kind === 'pad' ? `${path} (padding)` : path, base + pos, base + pos + fsize);
    if (f.kind !== 'pad') {
      const r = parseFieldBytes(f, values[f.name] ?? defaultFieldText(f), fsize, family);
      if ('error' in r) b.issue(field, path, r.error);
      else out.set(r.bytes, pos);
    }
    pos += fsize;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Payload: attributes, text or hex.

function encodePayload(b: Builder, state: BuilderState, resolution: Resolution, base: number): Uint8Array {
  if (state.payloadMode === 'text') {
    const utf8 = new TextEncoder().encode(state.payloadText);
    const bytes = state.payloadTextNul ? concatBytes([utf8, new Uint8Array(1)]) : utf8;
    if (bytes.length > 0) b.span('payload', 'payload', 'payload text', base, base + bytes.length);
    return bytes;
  }
  if (state.payloadMode === 'hex') {
    const r = parseHexValue(state.payloadHex);
    if ('error' in r) {
      b.issue('payload', 'payload', r.error);
      return new Uint8Array(0);
    }
    if (r.bytes.length > 0) b.span('payload', 'payload', 'payload bytes', base, base + r.bytes.length);
    return r.bytes;
  }
  const inputs = encodeAttrList(b, state.attrs, topScope(resolution), base, '', []);
  return concatBytes(inputs.map((i) => encodeAttr(i)));
}

/** Encoded size of an attribute input (header, payload, padding), without encoding it. */
function attrSize(input: AttrInput): number {
  return nlAlign(NLA_HDRLEN + payloadSize(input));
}

function payloadSize(input: AttrInput): number {
  return input.attrs ? input.attrs.reduce((n, c) => n + attrSize(c), 0) : (input.payload?.length ?? 0);
}

function encodeAttrList(
  b: Builder,
  nodes: readonly AttrNode[],
  scope: AttrScope,
  base: number,
  prefix: string,
  enclosing: readonly (readonly AttrNode[])[],
): AttrInput[] {
  const out: AttrInput[] = [];
  let pos = base;
  const around = [...enclosing, nodes];
  for (const node of nodes) {
    const input = encodeAttrNode(b, node, scope, pos, prefix, around);
    if (!input) continue;
    out.push(input);
    pos += attrSize(input);
  }
  return out;
}

function encodeAttrNode(
  b: Builder,
  node: AttrNode,
  scope: AttrScope,
  pos: number,
  prefix: string,
  enclosing: readonly (readonly AttrNode[])[],
): AttrInput | undefined {
  const field = `attr.${node.id}`;
  const t = parseAttrType(scope, node.type);
  if ('error' in t) {
    b.issue(field, `${prefix}${node.type.trim() || '(no type)'}`, t.error);
    return undefined;
  }
  const def = t.def;
  const name = def?.name ?? String(t.type);
  const path = `${prefix}${name}`;
  const kind = kindOf(node, def);
  const whole = b.span(field, field, path, pos, pos);
  b.span(`${field}.nla_len`, field, `${path} nla_len`, pos, pos + 2);
  b.span(`${field}.nla_type`, field, `${path} nla_type`, pos + 2, pos + 4);
  const netByteOrder = node.netByteOrder === true;
  let input: AttrInput;
  if (isContainerKind(kind)) {
    const payload = b.span(`${field}.payload`, field, `${path} (nested)`, pos + NLA_HDRLEN, pos + NLA_HDRLEN);
    const child = childScope(node, def, scope, enclosing);
    if (child.error !== undefined) b.issue(`${field}.value`, path, child.error);
    const children = encodeAttrList(b, node.children, child.scope, pos + NLA_HDRLEN, `${path}.`, enclosing);
    // encodeAttr sets NLA_F_NESTED for `attrs`; a nest sent without the flag is given as its encoded payload.
    input =
      node.noNestedFlag === true
        ? { type: t.type, payload: concatBytes(children.map((c) => encodeAttr(c))), netByteOrder }
        : { type: t.type, attrs: children, netByteOrder };
    payload.end = pos + NLA_HDRLEN + payloadSize(input);
  } else {
    if (node.children.length > 0)
      b.issue(field, path, `a ${kind} attribute cannot hold nested attributes; change its kind to nest or remove them`);
    const spec = valueSpecOf(node, def, scope.family);
    const r = encodeValue(spec, node.value);
    let payload: Uint8Array = new Uint8Array(0);
    if ('error' in r) b.issue(`${field}.value`, path, r.error);
    else {
      payload = r.bytes;
      const fromSpec = scope.family !== undefined && scope.family.source !== 'built-in';
      for (const problem of checkValue(def, kind, payload, spec.bigEndian, fromSpec, scope.family?.enums))
        b.issue(`${field}.value`, path, problem);
    }
    input = { type: t.type, payload, netByteOrder };
    if (payload.length > 0)
      b.span(`${field}.value`, `${field}.value`, `${path} value`, pos + NLA_HDRLEN, pos + NLA_HDRLEN + payload.length);
  }
  const len = NLA_HDRLEN + payloadSize(input);
  if (len > MAX_NLA_LEN) {
    b.issue(field, path, `${len} bytes: more than an attribute can hold (nla_len is 16 bits, at most ${MAX_NLA_LEN})`);
    // Drop the content so the rest of the message still encodes and previews.
    input = { type: t.type, ...(input.attrs ? { attrs: [] } : { payload: new Uint8Array(0) }), netByteOrder };
    b.spans.splice(b.spans.indexOf(whole) + 3);
  }
  const end = pos + NLA_HDRLEN + payloadSize(input);
  whole.end = nlAlign(end);
  if (nlAlign(end) > end) b.span(`${field}.pad`, field, `${path} padding`, end, nlAlign(end));
  return input;
}
