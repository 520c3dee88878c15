// Integer text as users type it: decimal, 0x hex, 0o octal, 0b binary, negative, or names from the field's
// enum ("AF_INET", "IFF_UP|IFF_RUNNING" for flag enums). Ranges are checked against the field's width.
import type { EnumDef, ScalarKind } from '../../../extension/src/netlink/index';

export type IntKind = ScalarKind | 'uint' | 'sint';

const BITS: Readonly<Record<IntKind, number>> = {
  u8: 8,
  u16: 16,
  u32: 32,
  u64: 64,
  s8: 8,
  s16: 16,
  s32: 32,
  s64: 64,
  uint: 64,
  sint: 64,
};

function intRange(kind: IntKind): { min: bigint; max: bigint } {
  const bits = BigInt(BITS[kind]);
  const signed = kind.startsWith('s');
  return signed ? { min: -(1n << (bits - 1n)), max: (1n << (bits - 1n)) - 1n } : { min: 0n, max: (1n << bits) - 1n };
}

const LITERAL = /^[-+]?(0x[0-9a-f]+|0o[0-7]+|0b[01]+|\d+)$/i;

/** One integer literal, or undefined when the text is not one. */
export function parseIntLiteral(text: string): bigint | undefined {
  const t = text.trim().replace(/_/g, '');
  if (!LITERAL.test(t)) return undefined;
  const negative = t.startsWith('-');
  const body = t.replace(/^[-+]/, '');
  const value = BigInt(body);
  return negative ? -value : value;
}

function enumEntry(def: EnumDef, name: string): number | undefined {
  const wanted = name.trim().toLowerCase();
  for (const [value, entry] of def.entries) if (entry.toLowerCase() === wanted) return value;
  return undefined;
}

/**
 * The value of `text` for an integer of `kind`: a literal, an enum entry name, or for flag enums names and
 * literals joined with `|`. Errors say what was expected and the allowed range.
 */
export function parseInteger(text: string, kind: IntKind, enumDef?: EnumDef): { value: bigint } | { error: string } {
  const t = text.trim();
  if (t === '') return { error: `empty; expected a ${kind} number` };
  let value = parseIntLiteral(t);
  if (value === undefined && enumDef) {
    if (enumDef.flags) {
      let acc = 0n;
      for (const part of t.split('|').map((p) => p.trim())) {
        const n =
          parseIntLiteral(part) ??
          (() => {
            const e = enumEntry(enumDef, part);
            return e === undefined ? undefined : BigInt(e);
          })();
        if (n === undefined) return { error: `"${part}" is neither a number nor a flag of ${enumDef.name}` };
        acc |= n;
      }
      value = acc;
    } else {
      const e = enumEntry(enumDef, t);
      if (e === undefined) return { error: `"${t}" is neither a number nor an entry of ${enumDef.name}` };
      value = BigInt(e);
    }
  }
  if (value === undefined) return { error: `"${t}" is not a number (decimal, 0x hex, 0o octal or 0b binary)` };
  const { min, max } = intRange(kind);
  if (value < min || value > max) return { error: `${value} is out of range for ${kind} (${min}..${max})` };
  return { value };
}

/** The name `value` has in `enumDef` ("AF_INET", "IFF_UP|IFF_LOWER_UP"), undefined when it has none. */
export function enumNameOf(enumDef: EnumDef | undefined, value: bigint): string | undefined {
  if (!enumDef || value < 0n || value > 0xffffffffn) return undefined;
  const n = Number(value);
  if (!enumDef.flags) return enumDef.entries.get(n);
  if (n === 0) return enumDef.entries.get(0);
  const names: string[] = [];
  let left = n;
  for (const [bit, name] of enumDef.entries) {
    if (bit !== 0 && (left & bit) >>> 0 === bit) {
      names.push(name);
      left = (left & ~bit) >>> 0;
    }
  }
  if (names.length === 0) return undefined;
  if (left !== 0) names.push(`0x${left.toString(16)}`);
  return names.join('|');
}
