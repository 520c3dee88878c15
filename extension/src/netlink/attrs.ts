// The attribute (TLV) walk. Layout of one attribute, as in libmnl's picture:
//
//   |<-- 2 bytes -->|<-- 2 bytes -->|<-------- nla_len - 4 bytes -------->|<- pad ->|
//   |    nla_len    |N|O| nla_type  |              payload                |  0..3   |
//
// N = NLA_F_NESTED, O = NLA_F_NET_BYTEORDER. nla_len counts the header, not the padding. Nesting is taken from
// the family's definition first and from the N flag second (the kernel does not set it reliably).
// Malformed input never throws: the walk stops at the first attribute it cannot frame and says where.
import type { ByteSource } from './bytes';
import { readString, toHex } from './bytes';
import { MAX_ATTR_DEPTH, NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_HDRLEN, NLA_TYPE_MASK, nlAlign } from './constants';
import type { Mutable } from './context';
import { decodeStruct } from './struct';
import type { AttrDef, AttrKind, AttrSetDef, AttrValue, DecodedAttr, FamilyDef, Problem } from './types';
import {
  displayName,
  enumValueName,
  formatBinary,
  isScalar,
  lookupEnum,
  readScalar,
  readVariableInt,
  scalarWidth,
} from './values';

export interface AttrContext {
  readonly src: ByteSource;
  readonly family: FamilyDef | undefined;
  readonly problems: Problem[];
  /** Where to record the attribute set each nest was read with: in an echoed request only (see context.ts). */
  readonly nestSets: WeakMap<DecodedAttr, string> | undefined;
  /**
   * Attribute lists enclosing the one being decoded, outermost first: a sub-message selector may live there.
   * A stack pushed and popped around each nest (one array per decode, not one per nest).
   */
  readonly enclosing: (readonly DecodedAttr[])[];
}

/** Decodes the attributes in [start, end) with `setName` of the context's family (unknown names if absent). */
export function decodeAttrs(
  ctx: AttrContext,
  start: number,
  end: number,
  setName: string | undefined,
  depth: number,
): DecodedAttr[] {
  const set = setName === undefined ? undefined : ctx.family?.attrSets.get(setName);
  return walkAttrs(ctx, start, end, set, undefined, depth);
}

/**
 * Frames each TLV in [start, end) and decodes it with its definition: from `set` by type, or, for the entries
 * of an indexed array, `entry` named by the index.
 */
function walkAttrs(
  ctx: AttrContext,
  start: number,
  end: number,
  set: AttrSetDef | undefined,
  entry: AttrDef | undefined,
  depth: number,
): DecodedAttr[] {
  const label = entry?.name ?? set?.name ?? 'attr';
  const out: DecodedAttr[] = [];
  const view = ctx.src.view;
  let pos = start;
  while (pos + NLA_HDRLEN <= end) {
    const len = view.getUint16(pos, true);
    const rawType = view.getUint16(pos + 2, true);
    if (len < NLA_HDRLEN) {
      ctx.problems.push({
        offset: pos,
        message: `attribute length ${len} is shorter than its 4-byte header; the rest of this list is not decoded`,
      });
      return out;
    }
    if (pos + len > end) {
      ctx.problems.push({
        offset: pos,
        message: `attribute type ${rawType & NLA_TYPE_MASK} claims ${len} bytes but only ${end - pos} remain in its container`,
      });
      return out;
    }
    const type = rawType & NLA_TYPE_MASK;
    const def = entry !== undefined ? { ...entry, name: `[${type}]` } : set?.byType.get(type);
    out.push(decodeAttr(ctx, pos, len, rawType, def, label, depth, out));
    pos += nlAlign(len);
  }
  if (pos < end) {
    ctx.problems.push({
      offset: pos,
      message: `${end - pos} trailing byte${end - pos === 1 ? '' : 's'} after the last attribute`,
    });
  }
  return out;
}

function decodeAttr(
  ctx: AttrContext,
  pos: number,
  len: number,
  rawType: number,
  def: AttrDef | undefined,
  label: string,
  depth: number,
  siblings: readonly DecodedAttr[],
): DecodedAttr {
  const type = rawType & NLA_TYPE_MASK;
  const nestedFlag = (rawType & NLA_F_NESTED) !== 0;
  const netByteOrder = (rawType & NLA_F_NET_BYTEORDER) !== 0;
  const kind: AttrKind = def?.kind ?? 'unspec';
  // Every attribute object gets the same properties in the same order (one hidden class for all of them: the
  // decoder makes millions); absent ones stay undefined, which JSON leaves out.
  const attr: Mutable<DecodedAttr> = {
    type,
    name: def?.name ?? `${label}[${type}]`,
    kind,
    offset: pos,
    length: len,
    nested: nestedFlag,
    netByteOrder,
    value: undefined,
    valueName: undefined,
    attrs: undefined,
    fields: undefined,
  };
  const start = pos + NLA_HDRLEN;
  const end = pos + len;
  if (kind === 'nest' || kind === 'indexed-array' || kind === 'sub-message' || (kind === 'unspec' && nestedFlag)) {
    if (depth + 1 > MAX_ATTR_DEPTH) {
      ctx.problems.push({
        offset: pos,
        message: `${attr.name}: nesting deeper than ${MAX_ATTR_DEPTH} levels is not decoded`,
      });
      attr.value = toHex(ctx.src.bytes, start, end);
      return attr;
    }
  }
  switch (kind) {
    case 'nest':
    case 'unspec': {
      if (kind === 'unspec' && !nestedFlag) {
        attr.value = toHex(ctx.src.bytes, start, end);
        break;
      }
      ctx.enclosing.push(siblings);
      attr.attrs = decodeAttrs(ctx, start, end, def?.nested, depth + 1);
      ctx.enclosing.pop();
      if (def?.nested) ctx.nestSets?.set(attr, def.nested);
      break;
    }
    case 'indexed-array':
      ctx.enclosing.push(siblings);
      attr.attrs = decodeIndexedArray(ctx, start, end, def!, depth + 1);
      ctx.enclosing.pop();
      break;
    case 'sub-message':
      ctx.enclosing.push(siblings);
      decodeSubMessage(ctx, attr, start, end, def!, depth + 1);
      ctx.enclosing.pop();
      break;
    case 'struct': {
      const structDef = def?.struct === undefined ? undefined : ctx.family?.structs.get(def.struct);
      if (!structDef) {
        attr.value = toHex(ctx.src.bytes, start, end);
        break;
      }
      // Kernel structs grow at the end over releases: decode what is there, complain only when short.
      const problems: Problem[] = [];
      const r = decodeStruct(ctx.src, start, end - start, structDef, ctx.family, problems);
      attr.fields = r.fields;
      if (problems.length > 0) ctx.problems.push({ offset: pos, message: `${attr.name}: ${problems[0]!.message}` });
      break;
    }
    default:
      decodeValue(ctx, attr, start, end, def!, netByteOrder);
  }
  return attr;
}

function decodeValue(
  ctx: AttrContext,
  attr: Mutable<DecodedAttr>,
  start: number,
  end: number,
  def: AttrDef,
  netByteOrder: boolean,
): void {
  const len = end - start;
  const bigEndian = netByteOrder || def.bigEndian === true;
  const kind = def.kind;
  if (isScalar(kind)) {
    const width = scalarWidth(kind)!;
    if (len !== width) {
      ctx.problems.push({
        offset: attr.offset,
        message: `${attr.name}: ${kind} needs ${width} bytes, payload has ${len}`,
      });
      attr.value = toHex(ctx.src.bytes, start, end);
      return;
    }
    const value = readScalar(ctx.src, start, kind, bigEndian);
    attr.value = value;
    nameValue(ctx, attr, value, def);
    return;
  }
  switch (kind) {
    case 'uint':
    case 'sint': {
      const value = readVariableInt(ctx.src, start, len, kind === 'sint', bigEndian);
      if (value === undefined) {
        ctx.problems.push({
          offset: attr.offset,
          message: `${attr.name}: ${kind} needs 4 or 8 bytes, payload has ${len}`,
        });
        attr.value = toHex(ctx.src.bytes, start, end);
        return;
      }
      attr.value = value;
      nameValue(ctx, attr, value, def);
      return;
    }
    case 'string':
      attr.value = readString(ctx.src.bytes, start, end);
      return;
    case 'flag':
      attr.value = true;
      if (len !== 0)
        ctx.problems.push({
          offset: attr.offset,
          message: `${attr.name}: a flag has no payload, this one has ${len} bytes`,
        });
      return;
    case 'bitfield32': {
      if (len !== 8) {
        ctx.problems.push({
          offset: attr.offset,
          message: `${attr.name}: bitfield32 needs 8 bytes, payload has ${len}`,
        });
        attr.value = toHex(ctx.src.bytes, start, end);
        return;
      }
      const value = ctx.src.view.getUint32(start, true);
      const selector = ctx.src.view.getUint32(start + 4, true);
      attr.fields = { value, selector };
      attr.value = `0x${value.toString(16)}/0x${selector.toString(16)}`;
      const named = enumValueName(lookupEnum(ctx.family, def.enumName), value);
      if (named !== undefined) attr.valueName = named;
      return;
    }
    default: {
      attr.value = toHex(ctx.src.bytes, start, end);
      const shown = formatBinary(ctx.src, start, end, def.display);
      if (shown !== undefined) attr.valueName = shown;
      else if (def.display !== undefined && def.display !== 'hex') {
        ctx.problems.push({
          offset: attr.offset,
          message: `${attr.name}: ${len} bytes cannot be a ${def.display} value`,
        });
      }
    }
  }
}

function nameValue(ctx: AttrContext, attr: Mutable<DecodedAttr>, value: number | string, def: AttrDef): void {
  const name =
    enumValueName(lookupEnum(ctx.family, def.enumName), value) ?? displayName(value as AttrValue, def.display);
  if (name !== undefined) attr.valueName = name;
}

/** Entries are typed by their index; each holds a nest of `def.nested`, an indexed array, or a scalar `subType`. */
function decodeIndexedArray(ctx: AttrContext, start: number, end: number, def: AttrDef, depth: number): DecodedAttr[] {
  const entryKind: AttrKind = def.subType === undefined ? 'nest' : def.subType;
  const entry: AttrDef = {
    name: def.name,
    kind: entryKind,
    ...(def.nested !== undefined ? { nested: def.nested } : {}),
    ...(def.enumName !== undefined ? { enumName: def.enumName } : {}),
    ...(def.display !== undefined ? { display: def.display } : {}),
  };
  return walkAttrs(ctx, start, end, undefined, entry, depth);
}

/** Sub-message: the selector sibling's value picks the fixed header and attribute set of the payload. */
function decodeSubMessage(
  ctx: AttrContext,
  attr: Mutable<DecodedAttr>,
  start: number,
  end: number,
  def: AttrDef,
  depth: number,
): void {
  const table = def.subMessage === undefined ? undefined : ctx.family?.subMessages.get(def.subMessage);
  // The selector is a sibling (IFLA_INFO_KIND beside IFLA_INFO_DATA) or in an enclosing list (tc's TCA_KIND).
  let selectorAttr: DecodedAttr | undefined;
  for (let i = ctx.enclosing.length - 1; i >= 0 && def.selector !== undefined && !selectorAttr; i--) {
    selectorAttr = ctx.enclosing[i]!.find((s) => s.name === def.selector);
  }
  const variant = selectorAttr?.value === undefined ? undefined : table?.variants.get(String(selectorAttr.value));
  if (!variant) {
    // Unknown selector value: the kernel still nests attributes here, so walk them unnamed.
    attr.attrs = decodeAttrs(ctx, start, end, undefined, depth);
    return;
  }
  let pos = start;
  if (variant.struct !== undefined) {
    const structDef = ctx.family?.structs.get(variant.struct);
    if (structDef) {
      const r = decodeStruct(ctx.src, pos, end - pos, structDef, ctx.family, ctx.problems);
      attr.fields = r.fields;
      pos += r.size;
    }
  }
  if (variant.attrSet !== undefined || pos < end) {
    attr.attrs = decodeAttrs(ctx, pos, end, variant.attrSet, depth);
    if (variant.attrSet) ctx.nestSets?.set(attr, variant.attrSet);
  }
}
