// Negative exercise steps from a generic netlink family's spec: requests the kernel must refuse, each with the
// errno and the ext-ack (message, attribute) the kernel gives for it. Pure: a FamilyDef in, steps and the exercise
// file's text out. What the kernel answers follows its attribute validation (lib/nlattr.c) under the strict
// validation generic netlink applies to new commands, and GENL_REQ_ATTR_CHECK in the handler for a missing one.
import { stringify } from 'yaml';
import type { AttrDef, AttrSetDef, FamilyDef } from '../netlink/index';

/** One attribute as the exercise format writes it ({type, u32: 5}, {type, string: x}, {type, attrs: [...]}). */
export type GenAttr = { readonly type: number } & (
  | { readonly u8: number }
  | { readonly u16: number }
  | { readonly u32: number }
  | { readonly u64: number }
  | { readonly s8: number }
  | { readonly s16: number }
  | { readonly s32: number }
  | { readonly s64: number }
  | { readonly string: string }
  | { readonly hex: string }
  | { readonly flag: true }
  | { readonly attrs: readonly GenAttr[] }
);

export interface NegativeStep {
  readonly name: string;
  readonly send: { readonly cmd: string; readonly flags: readonly string[]; readonly attrs: readonly GenAttr[] };
  readonly expect: { readonly error: { readonly errno: string; readonly message?: string; readonly attr?: string } };
}

export interface NegativeOptions {
  /**
   * Per command name, the attributes its doit requires (a spec does not say; the handler's GENL_REQ_ATTR_CHECKs
   * do). Default: the first attribute the spec lists for the command's request.
   */
  readonly required?: Readonly<Record<string, readonly string[]>>;
}

export interface NegativeResult {
  readonly steps: NegativeStep[];
  /** Kinds of step that could not be made from this spec, and why. */
  readonly skipped: string[];
}

const SCALARS = ['u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64'] as const;
type Scalar = (typeof SCALARS)[number];
const BITS: Readonly<Record<Scalar, number>> = { u8: 8, u16: 16, u32: 32, u64: 64, s8: 8, s16: 16, s32: 32, s64: 64 };

function isScalar(kind: string): kind is Scalar {
  return (SCALARS as readonly string[]).includes(kind);
}

/** The attribute with a value, as the exercise format writes it (numbers past 2^53 are not generated). */
function attrWith(type: number, kind: Scalar, value: bigint): GenAttr | undefined {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) return undefined;
  return { type, [kind]: Number(value) } as GenAttr;
}

/** A value the policy accepts, for the attributes a step needs besides the one it breaks. */
function validAttr(type: number, def: AttrDef): GenAttr | undefined {
  if (isScalar(def.kind)) {
    const min = def.checks?.min !== undefined ? BigInt(def.checks.min) : undefined;
    const max = def.checks?.max !== undefined ? BigInt(def.checks.max) : undefined;
    let v = min ?? 1n;
    if (max !== undefined && v > max) v = max;
    return attrWith(type, def.kind, v);
  }
  if (def.kind === 'string') return { type, string: 'x' };
  if (def.kind === 'flag') return { type, flag: true };
  if (def.kind === 'nest') return { type, attrs: [] };
  return undefined;
}

interface Op {
  readonly name: string;
  readonly set: AttrSetDef;
  /** The request's attributes, by name, with their type numbers. */
  readonly request: readonly { readonly type: number; readonly def: AttrDef }[];
}

function opsOf(family: FamilyDef): Op[] {
  const ops: Op[] = [];
  for (const msg of family.messages.values()) {
    const names = family.opRequests?.get(msg.value)?.do;
    const set = msg.attrSet ? family.attrSets.get(msg.attrSet) : undefined;
    if (!names?.length || !set) continue;
    const byName = new Map([...set.byType].map(([type, def]) => [def.name, { type, def }]));
    const request = names.flatMap((n) => byName.get(n) ?? []);
    if (request.length) ops.push({ name: msg.name, set, request });
  }
  return ops;
}

const FLAGS = ['REQUEST', 'ACK'] as const;

/** Values for the attributes `op` requires, except `leave` (and the one a step breaks, given as `but`). */
function requiredAttrs(op: Op, required: readonly string[], but: number | undefined): GenAttr[] {
  return op.request
    .filter((a) => required.includes(a.def.name) && a.type !== but)
    .flatMap((a) => validAttr(a.type, a.def) ?? []);
}

export function negativeSteps(family: FamilyDef, opts: NegativeOptions = {}): NegativeResult {
  const steps: NegativeStep[] = [];
  const skipped: string[] = [];
  if (!family.genl) return { steps, skipped: [`${family.name} is not a generic netlink family`] };
  const ops = opsOf(family);
  if (ops.length === 0) return { steps, skipped: [`${family.name}'s spec lists no request attributes for any do`] };
  const requiredOf = (op: Op): readonly string[] => opts.required?.[op.name] ?? [op.request[0]?.def.name ?? ''];
  const step = (op: Op, name: string, attrs: GenAttr[], error: NegativeStep['expect']['error']): void => {
    steps.push({ name, send: { cmd: op.name, flags: FLAGS, attrs }, expect: { error } });
  };

  // A required attribute missing: the handler's GENL_REQ_ATTR_CHECK names it (NLMSGERR_ATTR_MISS_TYPE).
  for (const op of ops) {
    for (const name of requiredOf(op)) {
      const a = op.request.find((r) => r.def.name === name);
      if (!a) continue;
      step(
        op,
        `${op.name} without ${name} (required): EINVAL naming the missing attribute`,
        requiredAttrs(op, requiredOf(op), a.type),
        {
          errno: 'EINVAL',
          attr: name,
        },
      );
    }
  }

  // A value outside the spec's checks: the policy's range (NLA_POLICY_RANGE/MIN/MAX) refuses it.
  let ranged = false;
  for (const op of ops) {
    for (const a of op.request) {
      if (!isScalar(a.def.kind) || !a.def.checks) continue;
      const { min, max } = a.def.checks;
      const signed = a.def.kind.startsWith('s');
      const limit = BigInt.asUintN(BITS[a.def.kind], -1n) >> (signed ? 1n : 0n);
      let bad: bigint | undefined;
      if (max !== undefined && BigInt(max) < limit) bad = BigInt(max) + 1n;
      else if (min !== undefined && BigInt(min) > (signed ? -limit - 1n : 0n)) bad = BigInt(min) - 1n;
      const attr = bad === undefined ? undefined : attrWith(a.type, a.def.kind, bad);
      if (!attr || bad === undefined) continue;
      ranged = true;
      step(
        op,
        `${op.name} with ${a.def.name} ${bad} (outside ${min ?? ''}..${max ?? ''}): ERANGE`,
        [...requiredAttrs(op, requiredOf(op), a.type), attr],
        {
          errno: 'ERANGE',
          message: 'integer out of range',
          attr: a.def.name,
        },
      );
    }
  }
  if (!ranged) skipped.push('a value outside checks: no request attribute has min/max checks');

  // A string too long: ynl-gen-c makes strings NLA_NUL_STRING with .len = max-len, which refuses a longer one
  // (no NUL within max-len + 1 bytes) with EINVAL.
  let strings = false;
  for (const op of ops) {
    for (const a of op.request) {
      const maxLen = a.def.checks?.maxLen;
      if (a.def.kind !== 'string' || maxLen === undefined || Number(maxLen) > 4000) continue;
      strings = true;
      step(
        op,
        `${op.name} with a ${Number(maxLen) + 1}-byte ${a.def.name} (max-len ${maxLen}): EINVAL`,
        [...requiredAttrs(op, requiredOf(op), a.type), { type: a.type, string: 'x'.repeat(Number(maxLen) + 1) }],
        { errno: 'EINVAL', message: 'Attribute failed policy validation', attr: a.def.name },
      );
    }
  }
  if (!strings) skipped.push('a string too long: no request string has max-len');

  // A nested attribute without its nest: sent at the top level, its number means another attribute there; the
  // step is made for a command whose policy ends below that number (then the kernel calls it unknown).
  let nested = false;
  for (const [, set] of family.attrSets) {
    if (nested) break;
    for (const op of ops) {
      const maxRequest = Math.max(...op.request.map((r) => r.type));
      const owner = [...op.set.byType.values()].find((d) => d.kind === 'nest' && d.nested === set.name);
      const child = owner && [...set.byType].find(([type, def]) => type > maxRequest && validAttr(type, def));
      if (!owner || !child) continue;
      nested = true;
      step(
        op,
        `${op.name} with ${owner.name}.${child[1].name} outside its nest: EINVAL, unknown at the top level`,
        [...requiredAttrs(op, requiredOf(op), undefined), validAttr(child[0], child[1]) as GenAttr],
        { errno: 'EINVAL', message: 'Unknown attribute type' },
      );
      break;
    }
  }
  if (!nested) skipped.push('a nested attribute without its nest: no nested attribute is unknown at the top level');

  // An unknown attribute: a number past the attribute set's last, refused under strict validation.
  const op = ops[0] as Op;
  const unknown = Math.max(...op.set.byType.keys()) + 1;
  step(
    op,
    `${op.name} with attribute ${unknown} (unknown): EINVAL under strict validation`,
    [...requiredAttrs(op, requiredOf(op), undefined), { type: unknown, u32: 0 }],
    { errno: 'EINVAL', message: 'Unknown attribute type' },
  );
  return { steps, skipped };
}

/** The exercise file: the family's spec by a path relative to the file, the steps, and what was skipped. */
export function negativeExerciseText(
  family: FamilyDef,
  specRef: string,
  result: NegativeResult,
  name = `${family.name}: invalid requests`,
): string {
  const header = [
    `# Invalid requests to the ${family.name} generic netlink family, generated from its spec (${specRef}) by`,
    '# Netlink Workbench ("Generate Negative Exercises"): each expects the errno and the ext-ack the kernel gives.',
    '# Edit freely. `attr` is the attribute the ext-ack names (offset, or missing type) as the decoder names it.',
    ...result.skipped.map((s) => `# Not generated: ${s}.`),
    '',
  ];
  const doc = { name, protocol: 'generic', spec: specRef, timeoutMs: 2000, steps: result.steps };
  return `${header.join('\n')}${stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}
