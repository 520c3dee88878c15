// Fixed-size structs (message fixed headers, struct-typed attributes): fields read in order, a short payload
// reported with the field where it ends, a longer one reported as extra bytes.
import type { ByteSource } from './bytes';
import { readString, toHex } from './bytes';
import type { AttrValue, FamilyDef, Problem, ScalarKind, StructDef, StructFieldDef } from './types';
import { displayName, enumValueName, formatBinary, isScalar, lookupEnum, readScalar, scalarWidth } from './values';

function fieldSize(field: StructFieldDef): number {
  return scalarWidth(field.kind) ?? field.length ?? 0;
}

function structSize(def: StructDef): number {
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

/** A field prepared once per struct: headers and stats structs are decoded for every message of a dump. */
interface FieldPlan {
  readonly def: StructFieldDef;
  readonly size: number;
  readonly scalar: ScalarKind | undefined;
  readonly bigEndian: boolean;
  /** Whether the value can have a name (enum, flags, display hint). */
  readonly named: boolean;
  readonly nameKey: string;
}

interface StructPlan {
  readonly fields: readonly FieldPlan[];
  /** Every value field, in order, set to 0: cloned per decode so the result is allocated once at full size. */
  readonly template: Readonly<Record<string, AttrValue>>;
}

const plans = new WeakMap<StructDef, StructPlan>();

function planOf(def: StructDef): StructPlan {
  let plan = plans.get(def);
  if (!plan) {
    const fields = def.fields.map((f) => ({
      def: f,
      size: fieldSize(f),
      scalar: isScalar(f.kind) ? f.kind : undefined,
      bigEndian: f.bigEndian === true,
      named: f.enumName !== undefined || f.display !== undefined,
      nameKey: `${f.name}Name`,
    }));
    const template = Object.fromEntries(fields.filter((f) => f.def.kind !== 'pad').map((f) => [f.def.name, 0]));
    plan = { fields, template };
    plans.set(def, plan);
  }
  return plan;
}

/** Decodes `def` at `offset` with `available` bytes; problems name the struct and the offset. */
export function decodeStruct(
  src: ByteSource,
  offset: number,
  available: number,
  def: StructDef,
  family: FamilyDef | undefined,
  problems: Problem[],
): StructResult {
  const { fields: plan, template } = planOf(def);
  const fields: Record<string, AttrValue> = { ...template };
  let pos = offset;
  const end = offset + available;
  for (let i = 0; i < plan.length; i++) {
    const p = plan[i]!;
    const f = p.def;
    if (pos + p.size > end) {
      problems.push({
        offset: pos,
        message: `${def.name} ends after ${pos - offset} bytes, inside field ${f.name} (needs ${structSize(def)})`,
      });
      // The fields the bytes did not reach are not there (not 0).
      for (let j = i; j < plan.length; j++) delete fields[plan[j]!.def.name];
      return { fields, size: end - offset };
    }
    if (p.scalar !== undefined) {
      const value = readScalar(src, pos, p.scalar, p.bigEndian);
      fields[f.name] = value;
      if (p.named) {
        const name = enumValueName(lookupEnum(family, f.enumName), value) ?? displayName(value, f.display);
        if (name !== undefined) fields[p.nameKey] = name;
      }
    } else if (f.kind === 'string') {
      fields[f.name] = readString(src.bytes, pos, pos + p.size);
    } else if (f.kind !== 'pad') {
      fields[f.name] = toHex(src.bytes, pos, pos + p.size);
      const shown = formatBinary(src, pos, pos + p.size, f.display);
      if (shown !== undefined) fields[p.nameKey] = shown;
    }
    pos += p.size;
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
