// YNL `attribute-sets` → AttrSetDef. Numbering follows the kernel's YNL library: the first attribute is 1,
// an explicit `value` resets the count, every listed attribute (also `unused`) takes the next number.
// `subset-of` sets list names of the parent's attributes and keep the parent's numbers.
import type { AttrDef, AttrKind, AttrSetDef } from '../types';
import { displayHint } from './display';
import { loadChecks, type EnumPolicyContext } from './checks';
import type { SpecMap, SpecReader } from './reader';
import type { RefChecks } from './references';

const SCALAR_TYPES = ['u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'uint', 'sint'] as const;
const ATTR_TYPES = [
  'unused',
  'pad',
  'flag',
  'binary',
  'bitfield32',
  ...SCALAR_TYPES,
  'string',
  'nest',
  'indexed-array',
  'nest-type-value',
  'sub-message',
] as const;
type AttrType = (typeof ATTR_TYPES)[number];

/** One set's attributes by name, kept to resolve subsets. */
interface Loaded {
  readonly def: AttrSetDef;
  readonly byName: Map<string, { readonly value: number; readonly spec: SpecMap }>;
}

export function loadAttrSets(
  reader: SpecReader,
  root: SpecMap,
  refs: RefChecks,
  consts: ReadonlyMap<string, number> = new Map(),
  policy?: EnumPolicyContext,
): Map<string, AttrSetDef> {
  const loaded = new Map<string, Loaded>();
  const subsets: { name: string; parent: string; spec: SpecMap }[] = [];
  for (const spec of reader.maps(root, 'attribute-sets')) {
    const name = reader.string(spec, 'name', true);
    if (name === undefined) continue;
    if (loaded.has(name) || subsets.some((s) => s.name === name)) {
      reader.report(`duplicate attribute set "${name}"`, reader.get(spec, 'name')?.node, spec.path);
      continue;
    }
    const parent = reader.string(spec, 'subset-of');
    if (parent !== undefined) subsets.push({ name, parent, spec });
    else loaded.set(name, loadFullSet(reader, name, spec, refs, consts, policy));
  }
  // A subset may come before its parent, or be a subset of a subset: resolve until nothing changes.
  let pending = subsets;
  while (pending.length) {
    const waiting = pending.filter((s) => !loaded.has(s.parent));
    for (const s of pending) {
      const parent = loaded.get(s.parent);
      if (parent) loaded.set(s.name, loadSubset(reader, s.name, s.spec, parent, refs, consts, policy));
    }
    if (waiting.length === pending.length) {
      for (const s of waiting) {
        reader.report(
          `subset-of names unknown attribute set "${s.parent}"`,
          reader.get(s.spec, 'subset-of')?.node,
          `${s.spec.path}.subset-of`,
        );
      }
      break;
    }
    pending = waiting;
  }
  return new Map([...loaded].map(([name, l]) => [name, l.def]));
}

function loadFullSet(
  reader: SpecReader,
  name: string,
  spec: SpecMap,
  refs: RefChecks,
  consts: ReadonlyMap<string, number>,
  policy: EnumPolicyContext | undefined,
): Loaded {
  const byType = new Map<number, AttrDef>();
  const byName = new Map<string, { value: number; spec: SpecMap }>();
  let value = 1;
  for (const attr of reader.maps(spec, 'attributes', true)) {
    value = reader.integer(attr, 'value') ?? value;
    const def = loadAttr(reader, attr, refs, true, consts, policy);
    if (def) add(reader, name, attr, value, def, byType, byName);
    value += 1;
  }
  return { def: { name, byType }, byName };
}

function loadSubset(
  reader: SpecReader,
  name: string,
  spec: SpecMap,
  parent: Loaded,
  refs: RefChecks,
  consts: ReadonlyMap<string, number>,
  policy: EnumPolicyContext | undefined,
): Loaded {
  const byType = new Map<number, AttrDef>();
  const byName = new Map<string, { value: number; spec: SpecMap }>();
  for (const attr of reader.maps(spec, 'attributes', true)) {
    const attrName = reader.string(attr, 'name', true);
    if (attrName === undefined) continue;
    const inherited = parent.byName.get(attrName);
    if (!inherited) {
      reader.report(
        `"${attrName}" is not an attribute of "${parent.def.name}"`,
        reader.get(attr, 'name')?.node,
        attr.path,
      );
      continue;
    }
    // The subset may restate or narrow keys (e.g. a different nested set); its own keys win.
    const merged = reader.overlay(inherited.spec, attr);
    const def = loadAttr(reader, merged, refs, false, consts, policy);
    if (def) add(reader, name, merged, inherited.value, def, byType, byName, true);
  }
  return { def: { name, byType }, byName };
}

function add(
  reader: SpecReader,
  setName: string,
  attr: SpecMap,
  value: number,
  def: AttrDef | 'unused',
  byType: Map<number, AttrDef>,
  byName: Map<string, { value: number; spec: SpecMap }>,
  subsetEntry = false,
): void {
  if (def === 'unused') return;
  // A subset listing the same attribute twice (devlink's dl-dpipe-table does) changes nothing.
  if (subsetEntry && byName.get(def.name)?.value === value) return;
  if (byName.has(def.name)) {
    reader.report(`duplicate attribute "${def.name}" in set "${setName}"`, attr.map, attr.path);
    return;
  }
  const clash = byType.get(value);
  if (clash) {
    reader.report(
      `"${def.name}" and "${clash.name}" both have value ${value} in set "${setName}"`,
      attr.map,
      attr.path,
    );
    return;
  }
  byType.set(value, def);
  byName.set(def.name, { value, spec: attr });
}

/** One attribute; `unused` reserves its number only. Returns undefined when it cannot be named. */
function loadAttr(
  reader: SpecReader,
  attr: SpecMap,
  refs: RefChecks,
  typeRequired: boolean,
  consts: ReadonlyMap<string, number>,
  policy: EnumPolicyContext | undefined,
): AttrDef | 'unused' | undefined {
  const name = reader.string(attr, 'name', true);
  const type = reader.oneOf<AttrType>(attr, 'type', ATTR_TYPES, typeRequired);
  if (type === 'unused') return 'unused';
  if (name === undefined) return undefined;
  const nested = reader.string(attr, 'nested-attributes');
  const struct = reader.string(attr, 'struct');
  const subTypeName = reader.oneOf<AttrType>(attr, 'sub-type', ATTR_TYPES);
  const display = displayHint(reader, attr);
  const enumName = refs.enumOf(attr);
  const checks = loadChecks(reader, attr, consts, policy);
  if (nested !== undefined) refs.attrSet(nested, attr, 'nested-attributes');
  if (struct !== undefined) refs.struct(struct, attr, 'struct');
  const common: Omit<AttrDef, 'name' | 'kind'> = {
    ...(reader.oneOf(attr, 'byte-order', ['little-endian', 'big-endian'] as const) === 'big-endian'
      ? { bigEndian: true }
      : {}),
    ...(display ? { display } : {}),
    ...(enumName !== undefined ? { enumName } : {}),
    ...(struct !== undefined ? { struct } : {}),
    ...(reader.boolean(attr, 'multi-attr') === true ? { multiAttr: true } : {}),
    ...(checks ? { checks } : {}),
  };
  switch (type) {
    case undefined:
      // Reported already; hex is the honest way to show a payload whose type is unknown.
      return { name, kind: 'binary', ...common };
    case 'pad':
      // Alignment padding (e.g. IFLA_PAD) does appear on the wire: keep its name, show its bytes.
      return { name, kind: 'binary', ...common };
    case 'nest':
      return { name, kind: 'nest', ...common, ...(nested !== undefined ? { nested } : {}) };
    case 'indexed-array':
      return { name, kind: 'indexed-array', ...common, ...arrayEntries(subTypeName, nested) };
    case 'nest-type-value':
      return { name, kind: 'indexed-array', ...common, ...typeValueEntries(reader, attr, nested) };
    case 'sub-message': {
      const subMessage = reader.string(attr, 'sub-message', true);
      const selector = reader.string(attr, 'selector', true);
      if (subMessage !== undefined) refs.subMessage(subMessage, attr, 'sub-message');
      return {
        name,
        kind: 'sub-message',
        ...common,
        ...(subMessage !== undefined ? { subMessage } : {}),
        ...(selector !== undefined ? { selector } : {}),
      };
    }
    case 'binary':
      // YNL's binary + `struct` is a struct payload: the decoder's 'struct' kind shows its fields.
      if (struct !== undefined) return { name, kind: 'struct', ...common };
      // `sub-type` on a binary: a packed array of that scalar (e.g. ethtool's u32 arrays).
      return {
        name,
        kind: 'binary',
        ...common,
        ...(subTypeName && subTypeName !== 'binary' ? { subType: kindOf(subTypeName) } : {}),
      };
    default:
      return { name, kind: type, ...common };
  }
}

/** Entries of an indexed-array: nests of `nested`, or scalars of `sub-type`. */
function arrayEntries(subType: AttrType | undefined, nested: string | undefined): Pick<AttrDef, 'nested' | 'subType'> {
  if (subType === undefined || subType === 'nest') return nested !== undefined ? { nested } : { subType: 'nest' };
  return { subType: kindOf(subType) };
}

/**
 * nest-type-value: the nest's attribute types are values (ids), not names. One `type-value` level is exactly an
 * indexed-array of `nested`; two levels (nlctrl's policy: policy-id, then attr-id) are an indexed-array whose
 * entries are indexed-arrays of `nested`.
 */
function typeValueEntries(
  reader: SpecReader,
  attr: SpecMap,
  nested: string | undefined,
): Pick<AttrDef, 'nested' | 'subType'> {
  const levels = reader.list(attr, 'type-value').length;
  const inner = nested !== undefined ? { nested } : {};
  if (levels <= 1) return inner;
  if (levels > 2)
    reader.report(`nest-type-value with ${levels} levels: only the first two are decoded by type`, attr.map, attr.path);
  return { subType: 'indexed-array', ...inner };
}

function kindOf(type: AttrType): AttrKind {
  switch (type) {
    case 'unused':
    case 'pad':
      return 'binary';
    case 'nest-type-value':
      return 'indexed-array';
    default:
      return type;
  }
}
