// YNL `checks` of an attribute (min, max, min-len, max-len, exact-len): what the spec says the kernel's policy
// enforces, kept to compare with the policy the kernel reports (CTRL_CMD_GETPOLICY). Values are integers, the
// schema's limit names (u32-max, s16-min, ...), the spec's constants, or a name minus one (`ifnamsiz - 1`).
// Kept as decimal strings: u64 limits do not fit a number, and families travel as JSON to the webview.
// Also what the kernel's generator (ynl-gen-c, 6.12) makes of an enum when `checks` do not say otherwise: see
// enumPolicy below.
import type { AttrChecks, EnumDef } from '../types';
import type { SpecMap, SpecReader } from './reader';

const LIMITS: ReadonlyMap<string, bigint> = new Map([
  ['u8-max', 0xffn],
  ['u16-max', 0xffffn],
  ['u32-max', 0xffffffffn],
  ['u64-max', 0xffffffffffffffffn],
  ['s8-min', -0x80n],
  ['s8-max', 0x7fn],
  ['s16-min', -0x8000n],
  ['s16-max', 0x7fffn],
  ['s32-min', -0x80000000n],
  ['s32-max', 0x7fffffffn],
  ['s64-min', -0x8000000000000000n],
  ['s64-max', 0x7fffffffffffffffn],
]);

const KEYS = [
  ['min', 'min'],
  ['max', 'max'],
  ['min-len', 'minLen'],
  ['max-len', 'maxLen'],
  ['exact-len', 'exactLen'],
] as const;

function valueOf(raw: unknown, consts: ReadonlyMap<string, number>): bigint | undefined {
  if (typeof raw === 'number' && Number.isInteger(raw)) return BigInt(raw);
  if (typeof raw !== 'string') return undefined;
  const m = /^\s*([\w-]+)\s*(?:-\s*(\d+))?\s*$/.exec(raw);
  if (!m) return undefined;
  const name = m[1]!;
  const base = LIMITS.get(name) ?? (consts.has(name) ? BigInt(consts.get(name)!) : undefined);
  if (base === undefined) return /^-?\d+$/.test(name) ? BigInt(name) : undefined;
  return base - BigInt(m[2] ?? 0);
}

type Mutable = { -readonly [K in keyof AttrChecks]: AttrChecks[K] };

/** What loadChecks needs to derive the policy an enum implies. */
export interface EnumPolicyContext {
  /** The spec's enum and flags definitions by name, as read (before `enum-as-flags` variants are added). */
  readonly enums: ReadonlyMap<string, EnumDef>;
  /**
   * Whether an `enum` implies a policy at all. ynl-gen-c writes the kernel's policies of generic netlink families;
   * rtnetlink's, nftables' and tc's (netlink-raw specs) are written by hand in the kernel, where an enum only says
   * what the values mean.
   */
  readonly fromEnums: boolean;
}

const INT_TYPES = new Set(['u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'uint', 'sint']);

/** The mask of all of an enum's flags: nlspec's get_mask(as_flags=True) (a flags enum's entries are masks already). */
function flagsMaskOf(e: EnumDef): bigint {
  let mask = 0n;
  for (const v of e.entries.keys()) mask |= e.flags ? BigInt(v) : 1n << BigInt(v);
  return mask;
}

/**
 * The policy ynl-gen-c (6.12) writes for an integer attribute from its `enum`, as TypeScalar does:
 * - `__init__`: min/max not in `checks` are taken from EnumSet.value_range() (min only when it is not 0 or the
 *   type is signed); the policy is then NLA_POLICY_MAX / MIN / RANGE / FULL_RANGE (`_attr_policy`).
 *   value_range() refuses an enum whose values are not contiguous: no policy can come from one, so none is implied.
 * - `_attr_policy`: `enum-as-flags` or a `type: flags` enum (`is_bitfield`, set in `resolve`) makes the policy
 *   NLA_POLICY_MASK(get_mask(as_flags=True)); `checks.flags-mask` makes it NLA_POLICY_MASK((1 << entry count) - 1).
 *   A mask replaces any min/max.
 * TypeBitfield32._attr_policy: NLA_POLICY_BITFIELD32(enum.get_mask(as_flags=True)).
 */
function enumPolicy(reader: SpecReader, attr: SpecMap, written: Mutable, ctx: EnumPolicyContext): Mutable | undefined {
  const type = reader.string(attr, 'type');
  const name = ctx.fromEnums ? reader.string(attr, 'enum') : undefined;
  const e = name !== undefined ? ctx.enums.get(name) : undefined; // an unknown name is reported by RefChecks
  if (type === 'bitfield32') return e ? { mask: flagsMaskOf(e).toString(), enum: e.name } : undefined;
  if (type === undefined || !INT_TYPES.has(type)) return undefined;
  if (e && (e.flags || reader.boolean(attr, 'enum-as-flags') === true))
    return { mask: flagsMaskOf(e).toString(), enum: e.name };
  const checks = reader.mapAt(attr, 'checks');
  const flagsMask = checks ? reader.string(checks, 'flags-mask') : undefined;
  if (flagsMask !== undefined) {
    const f = ctx.enums.get(flagsMask);
    if (!f) {
      const node = reader.get(checks!, 'flags-mask');
      reader.report(`checks.flags-mask: unknown enum or flags "${flagsMask}"`, node?.node, node?.path ?? attr.path);
      return undefined;
    }
    return { mask: ((1n << BigInt(f.entries.size)) - 1n).toString(), enum: f.name };
  }
  if (!e || e.entries.size === 0) return undefined;
  const values = [...e.entries.keys()];
  const low = Math.min(...values);
  const high = Math.max(...values);
  if (high - low + 1 !== values.length) return undefined;
  const out: Mutable = {};
  if (written.min === undefined && (low !== 0 || type.startsWith('s'))) out.min = String(low);
  if (written.max === undefined) out.max = String(high);
  return Object.keys(out).length > 0 ? { ...out, enum: e.name } : undefined;
}

export function loadChecks(
  reader: SpecReader,
  attr: SpecMap,
  consts: ReadonlyMap<string, number>,
  ctx?: EnumPolicyContext,
): AttrChecks | undefined {
  const written = writtenChecks(reader, attr, consts);
  const implied = ctx ? enumPolicy(reader, attr, written, ctx) : undefined;
  if (implied?.mask !== undefined) {
    // The generator writes NLA_POLICY_MASK alone: min/max in `checks` are not enforced then.
    delete written.min;
    delete written.max;
  }
  const out = { ...written, ...implied };
  return Object.keys(out).length > 0 ? out : undefined;
}

function writtenChecks(reader: SpecReader, attr: SpecMap, consts: ReadonlyMap<string, number>): Mutable {
  const checks = reader.mapAt(attr, 'checks');
  const out: Mutable = {};
  if (!checks) return out;
  for (const [key, field] of KEYS) {
    const node = reader.get(checks, key);
    if (!node) continue;
    const raw = (node.node as { value?: unknown } | null)?.value;
    const value = valueOf(raw, consts);
    if (value === undefined) {
      reader.report(
        `checks.${key}: "${String(raw)}" is neither an integer nor a known limit or constant`,
        node.node,
        node.path,
      );
      continue;
    }
    out[field] = value.toString();
  }
  return out;
}
