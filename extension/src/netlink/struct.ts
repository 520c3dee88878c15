// Fixed-size structs (message fixed headers, struct-typed attributes): fields read in order, a short payload
// reported with the field where it ends, a longer one reported as extra bytes.
import type { ByteSource } from './bytes';
import { readString, toHex } from './bytes';
import type { AttrValue, FamilyDef, Problem, StructDef, StructFieldDef } from './types';
import { displayName, enumValueName, formatBinary, isScalar, lookupEnum, readScalar, scalarWidth } from './values';

export function fieldSize(field: StructFieldDef): number {
  return scalarWidth(field.kind) ?? field.length ?? 0;
}

export function structSize(def: StructDef): number {
  let size = 0;
  for (const f of def.fields) size += fieldSize(f);
  return size;
}

export interface StructResult {
  /** Values by field name; a field whose value has a name (enum entry, flags, address) also gets "<field>Name". */
  readonly fields: Record<string, AttrValue>;
  /** Bytes the struct occupies (its declared size, or less when the payload is short). */
  readonly size: number;
}

/** "<field>Name" keys, made once per struct: headers are decoded for every message of a dump. */
const nameKeys = new WeakMap<StructDef, readonly string[]>();

function nameKeysOf(def: StructDef): readonly string[] {
  let keys = nameKeys.get(def);
  if (!keys) {
    keys = def.fields.map((f) => `${f.name}Name`);
    nameKeys.set(def, keys);
  }
  return keys;
}

/** Decodes `def` at `offset` with `available` bytes; problems name the struct and the offset. */
export function decodeStruct(
  src: ByteSource, offset: number, available: number, def: StructDef, family: FamilyDef | undefined, problems: Problem[],
): StructResult {
  const fields: Record<string, AttrValue> = {};
  const keys = nameKeysOf(def);
  let pos = offset;
  const end = offset + available;
  for (let i = 0; i < def.fields.length; i++) {
    const f = def.fields[i]!;
    const size = fieldSize(f);
    if (pos + size > end) {
      problems.push({ offset: pos, message: `${def.name} ends after ${pos - offset} bytes, inside field ${f.name} (needs ${structSize(def)})` });
      return { fields, size: end - offset };
    }
    if (f.kind !== 'pad') {
      if (isScalar(f.kind)) {
        const value = readScalar(src, pos, f.kind, f.bigEndian === true);
        fields[f.name] = value;
        if (f.enumName !== undefined || f.display !== undefined) {
          const name = enumValueName(lookupEnum(family, f.enumName), value) ?? displayName(value, f.display);
          if (name !== undefined) fields[keys[i]!] = name;
        }
      } else if (f.kind === 'string') {
        fields[f.name] = readString(src.bytes, pos, pos + size);
      } else {
        fields[f.name] = toHex(src.bytes, pos, pos + size);
        const shown = formatBinary(src, pos, pos + size, f.display);
        if (shown !== undefined) fields[keys[i]!] = shown;
      }
    }
    pos += size;
  }
  return { fields, size: pos - offset };
}

/** The field of `def` that byte `relative` (from the struct's start) falls in, for ext-ack offsets. */
export function fieldAt(def: StructDef, relative: number): string | undefined {
  let pos = 0;
  for (const f of def.fields) {
    const size = fieldSize(f);
    if (relative >= pos && relative < pos + size) return f.name;
    pos += size;
  }
  return undefined;
}
