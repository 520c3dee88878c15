// A generic family's attribute policies as the kernel reports them (CTRL_CMD_GETPOLICY, kernel 5.10+), read by
// attribute numbers, and compared with what the family's YNL spec says (types and `checks`). The kernel's reply
// is a dump: per op, CTRL_ATTR_OP_POLICY [cmd] {do: policy index, dump: policy index}; per policy index and
// attribute type, CTRL_ATTR_POLICY [index] [type] {NL_POLICY_TYPE_ATTR_*}. Attributes whose policy type is
// NLA_UNSPEC or NLA_REJECT are not listed (net/netlink/policy.c returns -ENODATA for them).
import {
  CTRL_ATTR_FAMILY_ID,
  CTRL_ATTR_FAMILY_NAME,
  CTRL_CMD_GETPOLICY,
  GENL_HDRLEN,
  GENL_ID_CTRL,
  NLM_F_DUMP,
  NLM_F_REQUEST,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_HDRLEN,
  nlAlign,
} from './constants';
import { concatBytes, encodeAttrs, encodeMessage, encodeScalar, encodeString } from './encode';
import { errnoName } from './errno';
import { netlinkAttributeType } from './families/nlctrl';
import type { AttrDef, AttrKind, FamilyDef } from './types';

const CTRL_ATTR_POLICY = 8;
const CTRL_ATTR_OP_POLICY = 9;
const CTRL_ATTR_OP = 10;
const CTRL_ATTR_POLICY_DO = 1;
const CTRL_ATTR_POLICY_DUMP = 2;

/** A policy type's short name: NL_ATTR_TYPE_NUL_STRING -> `nul-string`, from nlctrl's enum of them. */
function policyKindName(type: bigint | undefined): string {
  const name = type === undefined ? undefined : netlinkAttributeType.entries.get(Number(type));
  return name === undefined
    ? `type ${type}`
    : name
        .replace(/^NL_ATTR_TYPE_/, '')
        .toLowerCase()
        .replace(/_/g, '-');
}

export interface KernelPolicyAttr {
  readonly type: number;
  /** NL_ATTR_TYPE_* as a short name (`u32`, `nested`, `nul-string`), or `type N` for a newer kernel's type. */
  readonly kind: string;
  readonly minValue?: bigint;
  readonly maxValue?: bigint;
  readonly minLength?: number;
  readonly maxLength?: number;
  /** Nested policies: the index of the policy the nest is validated with, and its highest type. */
  readonly policyIndex?: number;
  readonly maxType?: number;
  readonly mask?: bigint;
}

export interface KernelPolicy {
  /** Policy index -> attribute type -> its policy. */
  readonly policies: ReadonlyMap<number, ReadonlyMap<number, KernelPolicyAttr>>;
  /** genlmsghdr cmd -> the policy indexes its do and dump requests are validated with. */
  readonly ops: ReadonlyMap<number, { readonly do?: number; readonly dump?: number }>;
  /** The kernel's error, when it refused the dump (EOPNOTSUPP: a kernel before 5.10; ENOENT: no such family). */
  readonly error?: string;
  readonly problems: readonly string[];
}

/** The dump request: by id (resolved first) or by name; `op` narrows it to one command. */
export function getPolicyRequest(family: { id: number } | { name: string }, seq: number, op?: number): Uint8Array {
  const attrs = encodeAttrs([
    'id' in family
      ? { type: CTRL_ATTR_FAMILY_ID, payload: encodeScalar('u16', family.id) }
      : { type: CTRL_ATTR_FAMILY_NAME, payload: encodeString(family.name) },
    ...(op !== undefined ? [{ type: CTRL_ATTR_OP, payload: encodeScalar('u32', op) }] : []),
  ]);
  return encodeMessage(
    { type: GENL_ID_CTRL, flags: NLM_F_REQUEST | NLM_F_DUMP, seq, pid: 0 },
    concatBytes([new Uint8Array([CTRL_CMD_GETPOLICY, 1, 0, 0]), attrs]),
  );
}

interface Tlv {
  readonly type: number;
  readonly start: number;
  readonly end: number;
}

/** The attributes between start and end; stops (with a problem) at the first that does not fit. */
function tlvs(view: DataView, start: number, end: number, problems: string[]): Tlv[] {
  const out: Tlv[] = [];
  let pos = start;
  while (pos + 4 <= end) {
    const len = view.getUint16(pos, true);
    if (len < 4 || pos + len > end) {
      problems.push(`attribute at byte ${pos} has length ${len}, beyond its container (ends at ${end})`);
      break;
    }
    out.push({ type: view.getUint16(pos + 2, true) & 0x3fff, start: pos + 4, end: pos + len });
    pos += nlAlign(len);
  }
  return out;
}

function readUnsigned(view: DataView, t: Tlv): bigint | undefined {
  const n = t.end - t.start;
  if (n === 8) return view.getBigUint64(t.start, true);
  if (n === 4) return BigInt(view.getUint32(t.start, true));
  if (n === 2) return BigInt(view.getUint16(t.start, true));
  if (n === 1) return BigInt(view.getUint8(t.start));
  return undefined;
}

function readSigned(view: DataView, t: Tlv): bigint | undefined {
  const n = t.end - t.start;
  if (n === 8) return view.getBigInt64(t.start, true);
  if (n === 4) return BigInt(view.getInt32(t.start, true));
  return undefined;
}

function readPolicyAttr(view: DataView, type: number, t: Tlv, problems: string[]): KernelPolicyAttr {
  const a: { -readonly [K in keyof KernelPolicyAttr]: KernelPolicyAttr[K] } = { type, kind: 'invalid' };
  for (const f of tlvs(view, t.start, t.end, problems)) {
    const u = readUnsigned(view, f);
    switch (f.type) {
      case 1:
        a.kind = policyKindName(u);
        break;
      case 2:
        a.minValue = readSigned(view, f);
        break;
      case 3:
        a.maxValue = readSigned(view, f);
        break;
      case 4:
        a.minValue = u;
        break;
      case 5:
        a.maxValue = u;
        break;
      case 6:
        if (u !== undefined) a.minLength = Number(u);
        break;
      case 7:
        if (u !== undefined) a.maxLength = Number(u);
        break;
      case 8:
        if (u !== undefined) a.policyIndex = Number(u);
        break;
      case 9:
        if (u !== undefined) a.maxType = Number(u);
        break;
      case 10:
      case 12:
        a.mask = u;
        break;
      default:
        break; // NL_POLICY_TYPE_ATTR_PAD, and what a newer kernel adds
    }
  }
  return a;
}

/** Reads every reply buffer of the dump; the kernel's error (if any) is kept, not thrown. */
export function parsePolicyReplies(replies: readonly Uint8Array[]): KernelPolicy {
  const policies = new Map<number, Map<number, KernelPolicyAttr>>();
  const ops = new Map<number, { do?: number; dump?: number }>();
  const problems: string[] = [];
  let error: string | undefined;
  for (const bytes of replies) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let pos = 0;
    while (pos + NLMSG_HDRLEN <= bytes.length) {
      const len = view.getUint32(pos, true);
      const type = view.getUint16(pos + 4, true);
      if (len < NLMSG_HDRLEN || pos + len > bytes.length) {
        problems.push(`message at byte ${pos} has length ${len}, beyond the ${bytes.length}-byte buffer`);
        break;
      }
      if ((type === NLMSG_ERROR || type === NLMSG_DONE) && len >= NLMSG_HDRLEN + 4) {
        const code = view.getInt32(pos + NLMSG_HDRLEN, true);
        if (code < 0) error = errnoName(code);
      } else if (type === GENL_ID_CTRL && len >= NLMSG_HDRLEN + GENL_HDRLEN) {
        for (const top of tlvs(view, pos + NLMSG_HDRLEN + GENL_HDRLEN, pos + len, problems)) {
          if (top.type === CTRL_ATTR_OP_POLICY) {
            for (const op of tlvs(view, top.start, top.end, problems)) {
              const entry = ops.get(op.type) ?? {};
              for (const f of tlvs(view, op.start, op.end, problems)) {
                const idx = readUnsigned(view, f);
                if (idx === undefined) continue;
                if (f.type === CTRL_ATTR_POLICY_DO) entry.do = Number(idx);
                if (f.type === CTRL_ATTR_POLICY_DUMP) entry.dump = Number(idx);
              }
              ops.set(op.type, entry);
            }
          } else if (top.type === CTRL_ATTR_POLICY) {
            for (const index of tlvs(view, top.start, top.end, problems)) {
              const policy = policies.get(index.type) ?? new Map<number, KernelPolicyAttr>();
              for (const attr of tlvs(view, index.start, index.end, problems))
                policy.set(attr.type, readPolicyAttr(view, attr.type, attr, problems));
              policies.set(index.type, policy);
            }
          }
        }
      }
      pos += nlAlign(len);
    }
  }
  return { policies, ops, problems, ...(error !== undefined ? { error } : {}) };
}

// ---------------------------------------------------------------------------------------------------------------
// Comparison with the spec.

/** The kernel's policy types a spec kind may be enforced with. */
const KERNEL_KINDS: Readonly<Record<AttrKind, readonly string[]>> = {
  unspec: [],
  u8: ['u8'],
  u16: ['u16'],
  u32: ['u32'],
  u64: ['u64'],
  s8: ['s8'],
  s16: ['s16'],
  s32: ['s32'],
  s64: ['s64'],
  uint: ['uint'],
  sint: ['sint'],
  string: ['string', 'nul-string'],
  binary: ['binary'],
  flag: ['flag'],
  bitfield32: ['bitfield32'],
  nest: ['nested'],
  'indexed-array': ['nested-array', 'nested'],
  'sub-message': ['nested'],
  struct: ['binary'],
};

/** The full range of a kernel integer type: a policy that reports it enforces nothing beyond the type. */
const FULL_RANGE: Readonly<Record<string, readonly [bigint, bigint]>> = {
  u8: [0n, 0xffn],
  u16: [0n, 0xffffn],
  u32: [0n, 0xffffffffn],
  u64: [0n, 0xffffffffffffffffn],
  uint: [0n, 0xffffffffffffffffn],
  s8: [-0x80n, 0x7fn],
  s16: [-0x8000n, 0x7fffn],
  s32: [-0x80000000n, 0x7fffffffn],
  s64: [-0x8000000000000000n, 0x7fffffffffffffffn],
  sint: [-0x8000000000000000n, 0x7fffffffffffffffn],
};

export interface PolicyRow {
  /** `set.attr`, or `policy N type M` where the spec does not name it. */
  readonly path: string;
  readonly policyIndex: number;
  readonly type: number;
  /** What the kernel enforces, in words (`u32 1..4294967295`, `string max 15`), or `(not listed)`. */
  readonly kernel: string;
  /** What the spec says (`u32 min 1`), or `(not in the spec)`. */
  readonly spec: string;
  /** Why they disagree; absent when they agree. */
  readonly mismatch?: string;
}

export interface PolicyOpRow {
  readonly cmd: number;
  readonly name: string;
  readonly do?: number;
  readonly dump?: number;
}

export interface PolicyReport {
  readonly family: string;
  readonly ops: readonly PolicyOpRow[];
  /**
   * Spec operations with a do request of attributes that the kernel's dump does not list: not in this kernel (not
   * built, or newer than it), or registered without a policy. The attribute rows cannot show them.
   */
  readonly specOpsNotInKernel: readonly string[];
  readonly rows: readonly PolicyRow[];
  readonly problems: readonly string[];
  readonly error?: string;
}

export function describeKernelAttr(a: KernelPolicyAttr): string {
  const parts: string[] = [a.kind];
  const full = FULL_RANGE[a.kind];
  if (a.minValue !== undefined || a.maxValue !== undefined) {
    const narrowed = !full || a.minValue !== full[0] || a.maxValue !== full[1];
    if (narrowed) parts.push(`${a.minValue ?? '…'}..${a.maxValue ?? '…'}`);
  }
  if (a.minLength !== undefined && a.minLength === a.maxLength) parts.push(`len ${a.minLength}`);
  else {
    if (a.minLength !== undefined) parts.push(`min len ${a.minLength}`);
    if (a.maxLength !== undefined) parts.push(`max len ${a.maxLength}`);
  }
  if (a.policyIndex !== undefined) parts.push(`policy ${a.policyIndex}`);
  if (a.mask !== undefined) parts.push(`mask 0x${a.mask.toString(16)}`);
  return parts.join(' ');
}

function describeSpecAttr(d: AttrDef): string {
  const parts: string[] = [d.kind];
  const c = d.checks;
  if (c?.min !== undefined) parts.push(`min ${c.min}`);
  if (c?.max !== undefined) parts.push(`max ${c.max}`);
  if (c?.exactLen !== undefined) parts.push(`len ${c.exactLen}`);
  if (c?.minLen !== undefined) parts.push(`min len ${c.minLen}`);
  if (c?.maxLen !== undefined) parts.push(`max len ${c.maxLen}`);
  if (c?.mask !== undefined) parts.push(`mask 0x${BigInt(c.mask).toString(16)}`);
  return parts.join(' ');
}

/** Where the kernel and the spec disagree about one attribute, in words, or undefined. */
function disagreement(k: KernelPolicyAttr, d: AttrDef): string | undefined {
  const kinds = KERNEL_KINDS[d.kind];
  if (kinds.length > 0 && !kinds.includes(k.kind)) return `type: kernel ${k.kind}, spec ${d.kind}`;
  // The loader already added what ynl-gen-c derives from an enum (its range, or its flags' mask) to `checks`.
  const c = d.checks ?? {};
  const mask = c.mask !== undefined ? BigInt(c.mask) : undefined;
  if (mask !== undefined || k.mask !== undefined) {
    if (mask !== k.mask)
      return `mask: kernel ${k.mask === undefined ? 'none' : `0x${k.mask.toString(16)}`}, spec ${mask === undefined ? 'none' : `0x${mask.toString(16)}`}`;
    return undefined;
  }
  const full = FULL_RANGE[k.kind];
  const kMin = k.minValue ?? full?.[0];
  const kMax = k.maxValue ?? full?.[1];
  const sMin = c.min !== undefined ? BigInt(c.min) : full?.[0];
  const sMax = c.max !== undefined ? BigInt(c.max) : full?.[1];
  if (full && kMin !== sMin) return `min: kernel ${kMin}, spec ${c.min ?? 'none'}`;
  if (full && kMax !== sMax) return `max: kernel ${kMax}, spec ${c.max ?? 'none'}`;
  const lengthChecked = k.kind === 'binary' || k.kind === 'string' || k.kind === 'nul-string';
  if (lengthChecked) {
    const sMinLen = c.exactLen ?? c.minLen;
    const sMaxLen = c.exactLen ?? c.maxLen;
    // The kernel reports a NUL-terminated string's limit without the NUL only for nul-string; a spec
    // `max-len` of a string counts the characters: compare as written.
    if ((k.minLength ?? 0) !== Number(sMinLen ?? 0))
      return `min len: kernel ${k.minLength ?? 0}, spec ${sMinLen ?? 'none'}`;
    if (k.maxLength !== undefined && sMaxLen === undefined) return `max len: kernel ${k.maxLength}, spec none`;
    if (sMaxLen !== undefined && k.maxLength !== Number(sMaxLen))
      return `max len: kernel ${k.maxLength ?? 'none'}, spec ${sMaxLen}`;
  }
  return undefined;
}

/**
 * Lines up the kernel's policies with the spec's attribute sets: an op's do/dump policy index is its request's
 * attribute set; a nested attribute's policy index is the set its `nested-attributes` names. Indexes reached
 * from no op of the spec are listed with numbers only.
 */
export function comparePolicy(policy: KernelPolicy, family: FamilyDef | undefined, familyName: string): PolicyReport {
  const setOfIndex = new Map<number, string>();
  const ops: PolicyOpRow[] = [];
  for (const [cmd, entry] of [...policy.ops].sort((a, b) => a[0] - b[0])) {
    const def = family?.messages.get(cmd);
    ops.push({ cmd, name: def?.name ?? `cmd ${cmd}`, ...entry });
    if (def?.attrSet) {
      if (entry.do !== undefined && !setOfIndex.has(entry.do)) setOfIndex.set(entry.do, def.attrSet);
      if (entry.dump !== undefined && !setOfIndex.has(entry.dump)) setOfIndex.set(entry.dump, def.attrSet);
    }
  }
  // Nests name the set of the policy they point at: follow them until nothing new is learned.
  for (let changed = true; changed;) {
    changed = false;
    for (const [index, attrs] of policy.policies) {
      const set = family?.attrSets.get(setOfIndex.get(index) ?? '');
      if (!set) continue;
      for (const [type, k] of attrs) {
        const nested = set.byType.get(type)?.nested;
        if (k.policyIndex !== undefined && nested && !setOfIndex.has(k.policyIndex)) {
          setOfIndex.set(k.policyIndex, nested);
          changed = true;
        }
      }
    }
  }
  // What the spec lists for the requests validated with each index (ynl-gen-c makes the policy from these lists).
  const expected = new Map<number, Set<string>>();
  for (const [cmd, entry] of policy.ops) {
    const lists = family?.opRequests?.get(cmd);
    for (const [index, names] of [
      [entry.do, lists?.do],
      [entry.dump, lists?.dump],
    ] as const) {
      if (index === undefined || !names) continue;
      const set = expected.get(index) ?? new Set<string>();
      for (const n of names) set.add(n);
      expected.set(index, set);
    }
  }
  const rows: PolicyRow[] = [];
  for (const [index, attrs] of [...policy.policies].sort((a, b) => a[0] - b[0])) {
    const setName = setOfIndex.get(index);
    const set = family?.attrSets.get(setName ?? '');
    const listed = expected.get(index);
    const types = new Set(attrs.keys());
    if (set && listed) for (const [type, d] of set.byType) if (listed.has(d.name)) types.add(type);
    for (const type of [...types].sort((a, b) => a - b)) {
      const k = attrs.get(type);
      const d = set?.byType.get(type);
      const path = d && setName ? `${setName}.${d.name}` : `policy ${index} type ${type}`;
      const base = { path, policyIndex: index, type };
      if (k && d) {
        const mismatch =
          disagreement(k, d) ??
          (listed && !listed.has(d.name) ? "the kernel accepts it; the spec's request does not list it" : undefined);
        rows.push({
          ...base,
          kernel: describeKernelAttr(k),
          spec: describeSpecAttr(d),
          ...(mismatch ? { mismatch } : {}),
        });
      } else if (k) {
        rows.push({
          ...base,
          kernel: describeKernelAttr(k),
          spec: set ? '(not in the spec)' : '(no spec set for this policy)',
          ...(set ? { mismatch: 'missing from the spec' } : {}),
        });
      } else if (d) {
        // Not listed by the kernel: NLA_UNSPEC (accepted unvalidated) or NLA_REJECT.
        rows.push({
          ...base,
          kernel: '(not listed: unvalidated or rejected)',
          spec: describeSpecAttr(d),
          mismatch: "the spec's request lists it; the kernel does not validate it, or rejects it",
        });
      }
    }
  }
  const specOpsNotInKernel: string[] = [];
  // Only ops whose do takes attributes: ynl-gen-c gives those a policy, so a kernel that has the op lists it. (A
  // kernel may list dump-only ops oddly: 6.18 puts them under cmd 0.) A refused dump says nothing about ops.
  if (policy.error === undefined)
    for (const [cmd, lists] of family?.opRequests ?? [])
      if (lists.do && !policy.ops.has(cmd)) specOpsNotInKernel.push(family?.messages.get(cmd)?.name ?? `cmd ${cmd}`);
  return {
    family: familyName,
    ops,
    specOpsNotInKernel,
    rows,
    problems: policy.problems,
    ...(policy.error !== undefined ? { error: policy.error } : {}),
  };
}
