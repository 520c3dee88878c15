// YNL `definitions`: constants (kept only to resolve lengths and start values), enums, flags and structs.
import type { EnumDef, ScalarKind, StructDef, StructFieldDef } from '../types';
import { displayHint } from './display';
import { isScalar, type SpecMap, type SpecReader } from './reader';
import type { RefChecks } from './references';

export interface Definitions {
  readonly consts: Map<string, number>;
  readonly enums: Map<string, EnumDef>;
  readonly structs: Map<string, StructDef>;
}

const SCALARS: readonly ScalarKind[] = ['u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64'];
const MEMBER_TYPES = [...SCALARS, 'string', 'binary', 'pad'] as const;
type MemberType = (typeof MEMBER_TYPES)[number];

/** Struct members as written, before nested structs (`binary` + `struct`) are flattened. */
interface RawMember {
  readonly field?: StructFieldDef;
  /** A member that is itself a struct: its fields are inlined as `member.field`. */
  readonly nested?: { readonly name: string; readonly struct: string; readonly spec: SpecMap };
}

export function loadDefinitions(reader: SpecReader, root: SpecMap, refs: RefChecks): Definitions {
  const defs: Definitions = { consts: new Map(), enums: new Map(), structs: new Map() };
  const items = reader.maps(root, 'definitions');
  // Constants first: enums and structs may name them (value-start, len).
  for (const item of items) {
    if (reader.string(item, 'type') !== 'const') continue;
    const name = reader.string(item, 'name', true);
    const value = reader.integerOrName(item, 'value');
    if (name !== undefined && typeof value === 'number') defs.consts.set(name, value);
  }
  refs.knowFlagsEnums(
    new Set(items.filter((i) => reader.string(i, 'type') === 'flags').map((i) => reader.string(i, 'name') ?? '')),
  );
  const rawStructs = new Map<string, { spec: SpecMap; members: RawMember[] }>();
  const seen = new Set<string>();
  for (const item of items) {
    const type = reader.oneOf(item, 'type', ['const', 'enum', 'flags', 'struct'] as const, true);
    const name = reader.string(item, 'name', true);
    if (name === undefined || type === undefined || type === 'const') continue;
    if (seen.has(name)) {
      reader.report(`duplicate definition "${name}"`, reader.get(item, 'name')?.node, item.path);
      continue;
    }
    seen.add(name);
    if (type === 'struct') rawStructs.set(name, { spec: item, members: loadMembers(reader, item, defs, refs) });
    else defs.enums.set(name, loadEnum(reader, item, name, type === 'flags', defs.consts));
  }
  for (const [name, raw] of rawStructs) {
    defs.structs.set(name, { name, fields: flatten(reader, name, raw.members, rawStructs, new Set([name])) });
  }
  return defs;
}

function loadEnum(
  reader: SpecReader,
  item: SpecMap,
  name: string,
  flags: boolean,
  consts: Map<string, number>,
): EnumDef {
  const entries = new Map<number, string>();
  const start = resolveNumber(reader, item, 'value-start', consts) ?? 0;
  let next = start;
  for (const entry of reader.list(item, 'entries')) {
    let entryName: string | undefined;
    let value = next;
    if (isScalar(entry.node) && typeof entry.node.value === 'string') {
      entryName = entry.node.value;
    } else {
      const map = reader.asMap(entry, 'an entry name or a mapping with "name"');
      if (!map) continue;
      entryName = reader.string(map, 'name', true);
      value = reader.integer(map, 'value') ?? next;
    }
    next = value + 1;
    if (entryName === undefined) continue;
    // Flags entries count bit positions; the value on the wire is the mask (YNL: user value = 1 << value).
    const key = flags ? 2 ** value : value;
    // Aliases (two names, one value) keep the first name, as a C enum's first spelling usually is the canonical one.
    if (!entries.has(key)) entries.set(key, entryName);
  }
  return { name, flags, entries };
}

/**
 * A member the loader cannot size (unknown type, missing or unresolvable len) ends the struct there: the fields
 * before it are still right, those after it would be read at wrong offsets.
 */
function loadMembers(reader: SpecReader, item: SpecMap, defs: Definitions, refs: RefChecks): RawMember[] {
  const out: RawMember[] = [];
  const stop = (member: SpecMap, why: string): RawMember[] => {
    reader.report(`${why}; the struct's fields from here on are not decoded`, member.map, member.path);
    return out;
  };
  for (const member of reader.maps(item, 'members')) {
    const name = reader.string(member, 'name', true) ?? '?';
    const type = reader.oneOf<MemberType>(member, 'type', MEMBER_TYPES, true);
    if (type === undefined) return stop(member, `struct member "${name}" has no usable type`);
    const struct = reader.string(member, 'struct');
    if (type === 'binary' && struct !== undefined) {
      refs.struct(struct, member, 'struct');
      out.push({ nested: { name, struct, spec: member } });
      continue;
    }
    const sized = type === 'binary' || type === 'pad' || type === 'string';
    const length = resolveNumber(reader, member, 'len', defs.consts);
    if (sized && length === undefined) {
      return stop(
        member,
        reader.has(member, 'len')
          ? `struct member "${name}" has an unusable "len"`
          : `struct member "${name}" of type ${type} needs "len"`,
      );
    }
    const bigEndian = reader.oneOf(member, 'byte-order', ['little-endian', 'big-endian'] as const) === 'big-endian';
    const display = displayHint(reader, member);
    const enumName = refs.enumOf(member);
    out.push({
      field: {
        name,
        kind: type,
        ...(sized && length !== undefined ? { length } : {}),
        ...(bigEndian ? { bigEndian } : {}),
        ...(display ? { display } : {}),
        ...(enumName !== undefined ? { enumName } : {}),
      },
    });
  }
  return out;
}

/** Inlines struct-typed members as `member.field` so the decoder sees one flat field list. */
function flatten(
  reader: SpecReader,
  structName: string,
  members: readonly RawMember[],
  raw: ReadonlyMap<string, { spec: SpecMap; members: RawMember[] }>,
  visiting: Set<string>,
): StructFieldDef[] {
  const fields: StructFieldDef[] = [];
  for (const m of members) {
    if (m.field) {
      fields.push(m.field);
      continue;
    }
    if (!m.nested) continue;
    // An unknown (reported by the reference checks) or recursive inner struct has no size: stop, as for
    // any member that cannot be sized.
    const inner = raw.get(m.nested.struct);
    if (!inner) break;
    if (visiting.has(m.nested.struct)) {
      reader.report(
        `struct "${structName}" contains itself through "${m.nested.name}"`,
        m.nested.spec.map,
        m.nested.spec.path,
      );
      break;
    }
    visiting.add(m.nested.struct);
    for (const f of flatten(reader, m.nested.struct, inner.members, raw, visiting)) {
      fields.push({ ...f, name: `${m.nested.name}.${f.name}` });
    }
    visiting.delete(m.nested.struct);
  }
  return fields;
}

/** An integer, a const name, or `name - 1` (YNL's len-or-define). */
function resolveNumber(
  reader: SpecReader,
  m: SpecMap,
  key: string,
  consts: ReadonlyMap<string, number>,
): number | undefined {
  const value = reader.integerOrName(m, key);
  if (typeof value !== 'string') return value;
  const match = /^([0-9A-Za-z_-]+)( - 1)?$/.exec(value.trim());
  const base = match?.[1];
  const resolved = base === undefined ? undefined : /^[0-9]+$/.test(base) ? Number(base) : consts.get(base);
  if (resolved === undefined) {
    reader.report(`"${key}" names no constant: "${value}"`, reader.get(m, key)?.node, `${m.path}.${key}`);
    return undefined;
  }
  return match?.[2] ? resolved - 1 : resolved;
}
