// YNL `checks` of an attribute (min, max, min-len, max-len, exact-len): what the spec says the kernel's policy
// enforces, kept to compare with the policy the kernel reports (CTRL_CMD_GETPOLICY). Values are integers, the
// schema's limit names (u32-max, s16-min, ...), the spec's constants, or a name minus one (`ifnamsiz - 1`).
// Kept as decimal strings: u64 limits do not fit a number, and families travel as JSON to the webview.
import type { AttrChecks } from '../types';
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

export function loadChecks(
  reader: SpecReader,
  attr: SpecMap,
  consts: ReadonlyMap<string, number>,
): AttrChecks | undefined {
  const checks = reader.mapAt(attr, 'checks');
  if (!checks) return undefined;
  const out: { -readonly [K in keyof AttrChecks]: AttrChecks[K] } = {};
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
  return Object.keys(out).length > 0 ? out : undefined;
}
