// A value against its spec's `checks` before sending: what the kernel's policy for the attribute is said to
// enforce (ynl-gen-c turns `checks` into the nla_policy). Rules as lib/nlattr.c applies them:
// - min / max: integers (by their kind's signedness and width, uint/sint as sent);
// - min-len / max-len / exact-len: a string's length without its trailing NUL (NLA_STRING / NLA_NUL_STRING `len`),
//   a binary's payload length (NLA_BINARY, NLA_MIN_LEN, NLA_EXACT_LEN).
// - mask: an integer's bits (NLA_POLICY_MASK), a bitfield32's value and selector bits (NLA_POLICY_BITFIELD32);
// - the min/max or mask ynl-gen-c derives from an enum (the loader adds them to `checks`, naming the enum), judged
//   the same way, with the enum's values named in the message.
// unterminated-ok needs no check here: it only relaxes NLA_NUL_STRING to NLA_STRING, and the form's strings always
// end with a NUL (a string without one is given as binary, which the definition's checks then do not judge).
import type { AttrChecks, AttrDef, AttrKind, EnumDef } from '../../../extension/src/netlink/index';

/** At most this many of an enum's values are listed in a message. */
const LISTED = 8;

/** " (enum NAME: 0 rx, 1 tx)": what `checks.enum` allows, as values (or masks, for a mask) with their names. */
function allowedOf(c: AttrChecks, enums: ReadonlyMap<string, EnumDef> | undefined, asMask: boolean): string {
  if (c.enum === undefined) return '';
  const e = enums?.get(c.enum);
  if (!e) return ` (${asMask ? 'flags of ' : 'enum '}${c.enum})`;
  // A mask from `enum-as-flags` of a plain enum: its entries count bits (YNL's user value is 1 << value).
  const shown = [...e.entries].map(([v, name]) => {
    const n = asMask && !e.flags ? 1n << BigInt(v) : BigInt(v);
    return `${asMask ? `0x${n.toString(16)}` : n} ${name}`;
  });
  const list = shown.length > LISTED ? `${shown.slice(0, LISTED).join(', ')}, …` : shown.join(', ');
  return ` (${asMask ? 'flags of ' : 'enum '}${c.enum}: ${list})`;
}

/** "0x3 has bits outside the spec's mask 0x1: 0x2 ..." for a value with bits the policy refuses, else undefined. */
function maskProblem(
  what: string,
  value: bigint,
  c: AttrChecks,
  enums: ReadonlyMap<string, EnumDef> | undefined,
): string | undefined {
  if (c.mask === undefined) return undefined;
  const mask = BigInt(c.mask);
  // NLA_POLICY_MASK is for unsigned types; a negative value has every high bit set.
  const bits = BigInt.asUintN(64, value);
  const outside = bits & ~mask;
  if (outside === 0n) return undefined;
  const hex = (n: bigint): string => `0x${n.toString(16)}`;
  return `${what}${hex(bits)} has bits outside the spec's mask ${hex(mask)}: ${hex(outside)}${allowedOf(c, enums, true)}`;
}

/** A bitfield32 payload's value and selector (native byte order, as the form encodes them). */
function bitfield32Of(payload: Uint8Array): { value: bigint; selector: bigint } | undefined {
  if (payload.length !== 8) return undefined;
  const v = new DataView(payload.buffer, payload.byteOffset, 8);
  return { value: BigInt(v.getUint32(0, true)), selector: BigInt(v.getUint32(4, true)) };
}

/** The integer `payload` holds for `kind` (uint/sint by their 4 or 8 byte width); undefined for other kinds. */
function intOf(kind: AttrKind, payload: Uint8Array, bigEndian: boolean): bigint | undefined {
  const widths: Partial<Record<AttrKind, number>> = { u8: 1, u16: 2, u32: 4, u64: 8, s8: 1, s16: 2, s32: 4, s64: 8 };
  const auto = kind === 'uint' || kind === 'sint';
  const width = auto ? (payload.length === 4 || payload.length === 8 ? payload.length : undefined) : widths[kind];
  if (width === undefined || payload.length !== width) return undefined;
  let v = 0n;
  for (let i = 0; i < width; i++) {
    const b = BigInt(payload[bigEndian ? i : width - 1 - i]!);
    v = (v << 8n) | b;
  }
  const signed = kind.startsWith('s');
  const bits = BigInt(width * 8);
  return signed && v >= 1n << (bits - 1n) ? v - (1n << bits) : v;
}

/** Length the kernel compares with a string's `len`: the bytes before a trailing NUL. */
function stringLength(payload: Uint8Array): number {
  return payload.length > 0 && payload[payload.length - 1] === 0 ? payload.length - 1 : payload.length;
}

/**
 * Problems of a scalar / string / binary payload against a spec's `def.checks`, as sentences; empty when it passes.
 * `kind` is how the value was encoded (a kind override skips the definition's checks). Built-in tables are not
 * specs: they have no checks today, and would be judged by the kernel's own rules, not YNL's. `enums` (the
 * family's) name the values an enum-derived check allows.
 */
export function checkValue(
  def: AttrDef | undefined,
  kind: AttrKind,
  payload: Uint8Array,
  bigEndian: boolean,
  fromSpec: boolean,
  enums?: ReadonlyMap<string, EnumDef>,
): string[] {
  const c: AttrChecks | undefined = def?.checks;
  if (!def || !fromSpec || kind !== def.kind) return [];
  const out: string[] = [];
  if (!c) return out;
  if (kind === 'bitfield32') {
    const bf = bitfield32Of(payload);
    for (const [what, v] of bf
      ? ([
          ['value ', bf.value],
          ['selector ', bf.selector],
        ] as const)
      : []) {
      const problem = maskProblem(what, v, c, enums);
      if (problem !== undefined) out.push(problem);
    }
    return out;
  }
  const value = intOf(kind, payload, bigEndian);
  if (value !== undefined) {
    const mask = maskProblem('', value, c, enums);
    if (mask !== undefined) out.push(mask);
    const allowed = c.mask === undefined ? allowedOf(c, enums, false) : '';
    if (c.min !== undefined && value < BigInt(c.min))
      out.push(`${value} is below the spec's minimum ${c.min}${allowed}`);
    if (c.max !== undefined && value > BigInt(c.max))
      out.push(`${value} is above the spec's maximum ${c.max}${allowed}`);
    return out;
  }
  if (kind !== 'string' && kind !== 'binary') return out;
  const len = kind === 'string' ? stringLength(payload) : payload.length;
  const what = kind === 'string' ? `the string's ${len} bytes` : `${len} bytes`;
  if (c.exactLen !== undefined && BigInt(len) !== BigInt(c.exactLen))
    out.push(`${what}: the spec wants exactly ${c.exactLen}`);
  if (c.minLen !== undefined && BigInt(len) < BigInt(c.minLen))
    out.push(`${what}: the spec wants at least ${c.minLen}`);
  if (c.maxLen !== undefined && BigInt(len) > BigInt(c.maxLen))
    out.push(`${what}: the spec allows at most ${c.maxLen}`);
  return out;
}
