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
  readonly fields: Record<string, AttrValue>;
  /** Names of values (enum entries, flags, addresses) by field. */
  readonly names: Record<string, string>;
  /** Bytes the struct occupies (its declared size, or less when the payload is short). */
  readonly size: number;
}

/** Decodes `def` at `offset` with `available` bytes; problems name the struct and the offset. */
export function decodeStruct(
  src: ByteSource, offset: number, available: number, def: StructDef, family: FamilyDef | undefined, problems: Problem[],
): StructResult {
  const fields: Record<string, AttrValue> = {};
  const names: Record<string, string> = {};
  let pos = offset;
  const end = offset + available;
  for (const f of def.fields) {
    const size = fieldSize(f);
    if (pos + size > end) {
      problems.push({ offset: pos, message: `${def.name} ends after ${pos - offset} bytes, inside field ${f.name} (needs ${structSize(def)})` });
      return { fields, names, size: end - offset };
    }
    if (f.kind !== 'pad') {
      if (isScalar(f.kind)) {
        const value = readScalar(src, pos, f.kind, f.bigEndian === true);
        fields[f.name] = value;
        const name = enumValueName(lookupEnum(family, f.enumName), value) ?? displayName(value, f.display);
        if (name !== undefined) names[f.name] = name;
      } else if (f.kind === 'string') {
        fields[f.name] = readString(src.bytes, pos, pos + size);
      } else {
        fields[f.name] = toHex(src.bytes, pos, pos + size);
        const shown = formatBinary(src, pos, pos + size, f.display);
        if (shown !== undefined) names[f.name] = shown;
      }
    }
    pos += size;
  }
  return { fields, names, size: pos - offset };
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
