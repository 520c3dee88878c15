// Exercise files (YAML) → Exercise. Every problem is collected with its line and column; steps with problems
// are left out, the others kept, so one typo does not hide the rest of a file. The format is described in
// kmod/exercises/README.md.
import {
  createRegistry,
  errnoValue,
  fromHex,
  NLM_F_REQUEST,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_MIN_TYPE,
  NLMSG_NOOP,
  NLMSG_OVERRUN,
  NETLINK_GENERIC,
  parseFlags,
  parseProtocol,
  type FamilyDef,
  type FlagTable,
  type MessageKind,
} from '../netlink/index';
import type {
  AttrExpect,
  Exercise,
  ExerciseProblem,
  ExerciseStep,
  Expectation,
  NumberMatch,
  ReplyMatch,
  SendAttr,
  SendAttrValue,
  SendPayload,
  SendSpec,
  TextMatch,
  Variable,
} from './types';
import { describe, parseTree, type Place, type TreeMap, type TreeNode, type TreeScalar } from './yamlTree';

export interface ParseOptions {
  /** Loads the family named by `spec:` (a path relative to the exercise file). */
  readonly resolveSpec?: (ref: string) => { family?: FamilyDef; error?: string };
}

export interface ParseResult {
  /** Absent when the file has no usable top level (YAML errors, no protocol, no steps list). */
  readonly exercise?: Exercise;
  readonly problems: readonly ExerciseProblem[];
}

const DEFAULT_TIMEOUT_MS = 1000;
const MAX_TIMEOUT_MS = 600_000;
const VARIABLES: readonly Variable[] = ['portid', 'seq'];
const CONTROL_TYPES: Readonly<Record<string, number>> = {
  NLMSG_NOOP,
  NLMSG_ERROR,
  NLMSG_DONE,
  NLMSG_OVERRUN,
};
const SCALAR_KINDS = ['u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64'] as const;
const SCALAR_RANGE: Readonly<Record<(typeof SCALAR_KINDS)[number], readonly [bigint, bigint]>> = {
  u8: [0n, 0xffn],
  u16: [0n, 0xffffn],
  u32: [0n, 0xffffffffn],
  u64: [0n, 0xffffffffffffffffn],
  s8: [-0x80n, 0x7fn],
  s16: [-0x8000n, 0x7fffn],
  s32: [-0x80000000n, 0x7fffffffn],
  s64: [-(1n << 63n), (1n << 63n) - 1n],
};

class Failed extends Error {}

class Reader {
  readonly problems: ExerciseProblem[] = [];
  step: number | undefined;
  family: FamilyDef | undefined;

  constructor(readonly protocolRef: { protocol: number }) {}

  report(at: Place, message: string): void {
    this.problems.push({
      line: at.line,
      col: at.col,
      message,
      ...(this.step === undefined ? {} : { step: this.step }),
    });
  }

  /** Reports and abandons the current step (or the file, at the top level). */
  fail(at: Place, message: string): never {
    this.report(at, message);
    throw new Failed(message);
  }

  map(node: TreeNode, what: string, allowed: readonly string[]): TreeMap {
    if (node.kind !== 'map') this.fail(node, `${what} must be a mapping, not ${describe(node)}`);
    for (const [key, { key: place }] of node.entries) {
      if (!allowed.includes(key)) this.report(place, `unknown key "${key}" in ${what} (known: ${allowed.join(', ')})`);
    }
    return node;
  }

  get(m: TreeMap, key: string): TreeNode | undefined {
    const v = m.entries.get(key)?.value;
    return v && !(v.kind === 'scalar' && v.value === null) ? v : undefined;
  }

  scalar(node: TreeNode, what: string): TreeScalar {
    if (node.kind !== 'scalar' || node.value === null)
      this.fail(node, `${what} must be a single value, not ${describe(node)}`);
    return node;
  }

  string(node: TreeNode, what: string): string {
    const s = this.scalar(node, what);
    return typeof s.value === 'string' ? s.value : s.source;
  }

  bool(node: TreeNode, what: string): boolean {
    const s = this.scalar(node, what);
    if (typeof s.value !== 'boolean') this.fail(node, `${what} must be true or false, not ${describe(node)}`);
    return s.value;
  }

  bigint(node: TreeNode, what: string): bigint {
    const s = this.scalar(node, what);
    const text = typeof s.value === 'number' ? s.source.trim() : String(s.value).trim();
    if (!/^-?(0x[0-9a-f]+|0o[0-7]+|\d+)$/i.test(text))
      this.fail(node, `${what} must be an integer, not ${describe(node)}`);
    const neg = text.startsWith('-');
    const v = BigInt(neg ? text.slice(1) : text);
    return neg ? -v : v;
  }

  int(node: TreeNode, what: string, min: number, max: number): number {
    const v = this.bigint(node, what);
    if (v < BigInt(min) || v > BigInt(max)) this.fail(node, `${what} must be ${min}-${max}, not ${v}`);
    return Number(v);
  }

  hex(node: TreeNode, what: string): Uint8Array {
    const text = this.string(node, what)
      .replace(/0x/gi, '')
      .replace(/[\s:,]/g, '');
    const bytes = fromHex(text);
    if (!bytes) this.fail(node, `${what} must be hex digits (pairs; blanks and colons allowed)`);
    return bytes;
  }

  text(node: TreeNode, what: string, regexAllowed: boolean): TextMatch {
    const written = this.string(node, what);
    const re = regexAllowed ? /^\/(.*)\/([imsu]*)$/s.exec(written) : null;
    const body = re ? (re[1] as string) : written;
    const parts: (string | { variable: Variable })[] = [];
    let last = 0;
    for (const m of body.matchAll(/\$\{([^}]*)\}/g)) {
      const name = (m[1] as string).trim().toLowerCase();
      if (!(VARIABLES as readonly string[]).includes(name)) {
        this.fail(
          node,
          `${what}: unknown variable \${${m[1]}} (known: ${VARIABLES.map((v) => `\${${v}}`).join(', ')})`,
        );
      }
      if (m.index > last) parts.push(body.slice(last, m.index));
      parts.push({ variable: name as Variable });
      last = m.index + m[0].length;
    }
    if (last < body.length) parts.push(body.slice(last));
    const result: TextMatch = { regex: re !== null, parts, flags: re ? (re[2] as string) : '', written };
    if (re) {
      try {
        new RegExp(parts.map((p) => (typeof p === 'string' ? p : '0')).join(''), result.flags);
      } catch (e) {
        this.fail(node, `${what}: ${(e as Error).message}`);
      }
    }
    return result;
  }

  numberMatch(node: TreeNode, what: string, max: number, variable: Variable): NumberMatch {
    const s = this.scalar(node, what);
    if (typeof s.value === 'string' && /^\$\{/.test(s.value.trim())) {
      const v = /^\$\{\s*(\w+)\s*\}$/.exec(s.value.trim())?.[1]?.toLowerCase();
      if (v !== variable) this.fail(node, `${what} takes a number or \${${variable}}, not ${describe(node)}`);
      return { variable };
    }
    return { value: this.int(node, what, 0, max) };
  }

  /** A generic netlink command of the exercise's genl spec: its name or number. */
  genlCommand(node: TreeNode, what: string): { cmd: number; version: number; family: string; kind: MessageKind } {
    const family = this.family;
    if (!family?.genl) this.fail(node, `${what}: "cmd" needs a generic netlink family's spec (spec: ...)`);
    const written = this.string(node, what);
    const defs = [...family.messages.values()];
    const def = /^\d+$/.test(written)
      ? defs.find((d) => d.value === Number(written))
      : defs.find((d) => d.name === written || d.name === `${family.name}-${written}`);
    if (!def) {
      this.fail(node, `${what}: ${written} is not a command of ${family.name} (${defs.map((d) => d.name).join(', ')})`);
    }
    return { cmd: def.value, version: 1, family: family.name, kind: def.kind };
  }

  /** A message type: a number, a control name (NLMSG_DONE) or a message name of the protocol's family. */
  type(node: TreeNode, what: string): { value: number; kind: MessageKind; written: string } {
    const s = this.scalar(node, what);
    if (typeof s.value === 'number' || /^(0x[0-9a-f]+|\d+)$/i.test(String(s.value))) {
      const value = this.int(node, what, 0, 0xffff);
      const def = this.familyMessages().find((d) => d.value === value);
      return { value, kind: def?.kind ?? 'other', written: String(value) };
    }
    const name = String(s.value).trim();
    const control = CONTROL_TYPES[name.toUpperCase()];
    if (control !== undefined) return { value: control, kind: 'other', written: name };
    const def = this.familyMessages().find(
      (d) => d.name === name || d.replyName === name || d.name.toUpperCase() === name.toUpperCase(),
    );
    if (!def) {
      const known = this.familyMessages()
        .map((d) => d.name)
        .slice(0, 8);
      this.fail(
        node,
        `${what}: unknown message type "${name}" (a number, NLMSG_DONE/ERROR/NOOP/OVERRUN${known.length ? `, or ${known.join(', ')}...` : ''})`,
      );
    }
    return { value: def.value, kind: def.kind, written: name };
  }

  private familyMessages(): { value: number; name: string; replyName?: string; kind: MessageKind }[] {
    const registry = createRegistry(this.family ? [this.family] : []);
    return [...(registry.classic(this.protocolRef.protocol)?.messages.values() ?? [])];
  }

  /** Flags: a number, "REQUEST|ACK", or a list of names; names from every table (they do not collide). */
  flags(node: TreeNode, what: string, kind: MessageKind): number {
    const tokens: TreeNode[] = node.kind === 'seq' ? [...node.items] : [node];
    let value = 0;
    for (const t of tokens) {
      const s = this.scalar(t, what);
      if (typeof s.value === 'number') {
        value |= this.int(t, what, 0, 0xffff);
        continue;
      }
      const tables: FlagTable[] = [kind, 'get', 'new', 'del', 'ack'];
      let parsed: { value: number } | { error: string } = { error: '' };
      for (const table of tables) {
        parsed = parseFlags(String(s.value), table);
        if ('value' in parsed) break;
      }
      if ('error' in parsed) this.fail(t, `${what}: ${parsed.error.replace(/ for \w+ messages$/, '')}`);
      if (parsed.value > 0xffff) this.fail(t, `${what}: ${parsed.value} does not fit nlmsg_flags (16 bits)`);
      value |= parsed.value;
    }
    return value;
  }

  errno(node: TreeNode, what: string): number {
    const s = this.scalar(node, what);
    if (typeof s.value === 'number') return Math.abs(this.int(node, what, -4095, 4095));
    const name = String(s.value).trim().toUpperCase();
    if (name === 'ACK' || name === 'OK') return 0;
    const v = errnoValue(name);
    if (v === undefined) this.fail(node, `${what}: unknown errno "${s.value}" (a name like ENOENT or a number)`);
    return v;
  }
}

export function parseExercise(text: string, source: string, options: ParseOptions = {}): ParseResult {
  const tree = parseTree(text);
  if (!tree.root) return { problems: tree.problems };
  const protocolRef = { protocol: 0 };
  const r: Reader = new Reader(protocolRef);
  // A loop, not push(...): a spread passes every problem as an argument, and a hostile file has enough of them to
  // overflow the call stack.
  for (const p of tree.problems) r.problems.push(p);
  let root: TreeMap;
  let protocol: number;
  let defaultTimeout = DEFAULT_TIMEOUT_MS;
  let stepsNode: TreeNode | undefined;
  let name =
    source
      .split(/[\\/]/)
      .pop()
      ?.replace(/\.ya?ml$/i, '') ?? source;
  try {
    root = r.map(tree.root, 'the exercise file', ['name', 'protocol', 'spec', 'timeoutMs', 'steps']);
    const nameNode = r.get(root, 'name');
    if (nameNode) name = r.string(nameNode, 'name');
    const protoNode = r.get(root, 'protocol');
    if (!protoNode) r.fail(root, 'missing "protocol" (a number 0-31 or route, generic, module...)');
    const p = parseProtocol(r.string(protoNode, 'protocol'));
    if ('error' in p) r.fail(protoNode, p.error);
    protocol = p.protocol;
    protocolRef.protocol = protocol;
    const specNode = r.get(root, 'spec');
    if (specNode) {
      const ref = r.string(specNode, 'spec');
      const loaded = options.resolveSpec?.(ref) ?? { error: 'specs cannot be loaded here' };
      if (loaded.family) {
        // A generic netlink family: steps name its commands (`cmd:`), its id is resolved by name when they run.
        if (loaded.family.genl) {
          if (protocol !== NETLINK_GENERIC)
            r.report(specNode, `spec ${ref} is a generic netlink family: the exercise's protocol must be generic (16)`);
          else r.family = loaded.family;
        }
        // The module's protocol is a load parameter: the spec's protonum follows the exercise's.
        else r.family = { ...loaded.family, protocol };
      } else {
        r.report(specNode, `spec ${ref}: ${loaded.error ?? 'could not be loaded'}`);
      }
    }
    const timeoutNode = r.get(root, 'timeoutMs');
    if (timeoutNode) defaultTimeout = r.int(timeoutNode, 'timeoutMs', 1, MAX_TIMEOUT_MS);
    stepsNode = r.get(root, 'steps');
    if (!stepsNode || stepsNode.kind !== 'seq' || stepsNode.items.length === 0) {
      r.fail(stepsNode ?? root, 'missing "steps": a list of steps, each with name, send and expect');
    }
  } catch (e) {
    if (e instanceof Failed) return { problems: r.problems };
    throw e;
  }

  const steps: ExerciseStep[] = [];
  const names = new Set<string>();
  stepsNode.items.forEach((node, index) => {
    r.step = index;
    try {
      const step = parseStep(r, node, index, defaultTimeout);
      if (names.has(step.name)) r.fail(node, `step name "${step.name}" is used twice (test items need unique names)`);
      names.add(step.name);
      steps.push(step);
    } catch (e) {
      if (!(e instanceof Failed)) throw e;
    }
  });
  r.step = undefined;
  return {
    exercise: { name, source, protocol, ...(r.family ? { family: r.family } : {}), steps },
    problems: r.problems,
  };
}

function parseStep(r: Reader, node: TreeNode, index: number, defaultTimeout: number): ExerciseStep {
  const m = r.map(node, `step ${index + 1}`, ['name', 'send', 'expect', 'timeoutMs']);
  const nameNode = r.get(m, 'name');
  if (!nameNode) r.fail(m, `step ${index + 1}: missing "name"`);
  const name = r.string(nameNode, 'name').trim();
  if (!name) r.fail(nameNode, 'name must not be empty');
  const sendNode = r.get(m, 'send');
  if (!sendNode) r.fail(m, `step "${name}": missing "send"`);
  const expectNode = r.get(m, 'expect');
  if (!expectNode) r.fail(m, `step "${name}": missing "expect" (nothing, ack, error, reply or replies)`);
  const timeoutNode = r.get(m, 'timeoutMs');
  const timeoutMs = timeoutNode ? r.int(timeoutNode, 'timeoutMs', 1, MAX_TIMEOUT_MS) : defaultTimeout;
  return {
    index,
    name,
    line: m.line,
    col: m.col,
    send: parseSend(r, sendNode, index),
    expect: parseExpect(r, expectNode),
    timeoutMs,
  };
}

function parseSend(r: Reader, node: TreeNode, index: number): SendSpec {
  if (node.kind === 'scalar') {
    const bytes = r.hex(node, 'send (hex of the whole datagram)');
    if (bytes.length === 0) r.fail(node, 'send: no bytes');
    return { kind: 'raw', bytes };
  }
  const m = r.map(node, 'send', ['type', 'cmd', 'flags', 'seq', 'pid', 'header', 'text', 'nul', 'hex', 'attrs']);
  const typeNode = r.get(m, 'type');
  const cmdNode = r.get(m, 'cmd');
  if (cmdNode && typeNode) r.fail(cmdNode, 'send: give "cmd" (a generic netlink command) or "type", not both');
  const genl = cmdNode ? r.genlCommand(cmdNode, 'send.cmd') : undefined;
  const type = genl
    ? { value: 0, kind: genl.kind }
    : typeNode
      ? r.type(typeNode, 'send.type')
      : { value: NLMSG_MIN_TYPE, kind: 'other' as MessageKind };
  const flagsNode = r.get(m, 'flags');
  const flags = flagsNode ? r.flags(flagsNode, 'send.flags', type.kind) : NLM_F_REQUEST;
  const seqNode = r.get(m, 'seq');
  const seq = seqNode ? r.int(seqNode, 'send.seq', 0, 0xffffffff) : index + 1;
  const pidNode = r.get(m, 'pid');
  const pid = pidNode ? r.numberMatch(pidNode, 'send.pid', 0xffffffff, 'portid') : { value: 0 };
  const headerNode = r.get(m, 'header');
  if (headerNode && genl) r.fail(headerNode, 'send: "cmd" makes the genlmsghdr: give no "header" with it');
  const header = genl
    ? Uint8Array.of(genl.cmd, genl.version, 0, 0)
    : headerNode
      ? r.hex(headerNode, 'send.header')
      : new Uint8Array(0);
  const given = (['text', 'hex', 'attrs'] as const).filter((k) => r.get(m, k));
  if (given.length > 1) r.fail(m, `send: give one of text, hex, attrs (got ${given.join(' and ')})`);
  let payload: SendPayload = { kind: 'none' };
  const textNode = r.get(m, 'text');
  const nulNode = r.get(m, 'nul');
  if (nulNode && !textNode) r.report(nulNode, '"nul" applies to "text" only');
  if (textNode)
    payload = {
      kind: 'text',
      text: r.text(textNode, 'send.text', false),
      nul: nulNode ? r.bool(nulNode, 'send.nul') : true,
    };
  const hexNode = r.get(m, 'hex');
  if (hexNode) payload = { kind: 'bytes', bytes: r.hex(hexNode, 'send.hex') };
  const attrsNode = r.get(m, 'attrs');
  if (attrsNode) payload = { kind: 'attrs', attrs: parseSendAttrs(r, attrsNode, 'send.attrs') };
  return {
    kind: 'fields',
    type: type.value,
    flags,
    seq,
    pid,
    header,
    payload,
    ...(genl ? { genlFamily: genl.family } : {}),
  };
}

function parseSendAttrs(r: Reader, node: TreeNode, what: string): SendAttr[] {
  if (node.kind !== 'seq')
    r.fail(node, `${what} must be a list of attributes ({type: 3, string: eth0}, {type: 4, u32: 1500}...)`);
  return node.items.map((item, i) => {
    const at = `${what}[${i}]`;
    const valueKeys = [...SCALAR_KINDS, 'string', 'hex', 'flag', 'attrs'];
    const m = r.map(item, at, ['type', 'netByteOrder', ...valueKeys]);
    const typeNode = r.get(m, 'type');
    if (!typeNode) r.fail(m, `${at}: missing "type" (the attribute number)`);
    const type = r.int(typeNode, `${at}.type`, 0, 0x3fff);
    const nbo = r.get(m, 'netByteOrder');
    const present = valueKeys.filter((k) => r.get(m, k));
    if (present.length !== 1)
      r.fail(m, `${at}: give exactly one value (${valueKeys.join(', ')}), got ${present.length}`);
    const key = present[0] as string;
    const v = r.get(m, key) as TreeNode;
    let value: SendAttrValue;
    if ((SCALAR_KINDS as readonly string[]).includes(key)) {
      const kind = key as (typeof SCALAR_KINDS)[number];
      const n = r.bigint(v, `${at}.${kind}`);
      const [lo, hi] = SCALAR_RANGE[kind];
      if (n < lo || n > hi) r.fail(v, `${at}.${kind}: ${n} does not fit ${kind} (${lo}..${hi})`);
      value = { kind: 'scalar', scalar: kind, value: n };
    } else if (key === 'string') value = { kind: 'string', text: r.string(v, `${at}.string`) };
    else if (key === 'hex') value = { kind: 'bytes', bytes: r.hex(v, `${at}.hex`) };
    else if (key === 'flag') {
      if (!r.bool(v, `${at}.flag`)) r.fail(v, `${at}.flag: write "flag: true" (leave the attribute out otherwise)`);
      value = { kind: 'flag' };
    } else value = { kind: 'nest', attrs: parseSendAttrs(r, v, `${at}.attrs`) };
    return { type, netByteOrder: nbo ? r.bool(nbo, `${at}.netByteOrder`) : false, value };
  });
}

function parseExpect(r: Reader, node: TreeNode): Expectation {
  if (node.kind === 'scalar') {
    const word = String(node.value).trim().toLowerCase();
    if (word === 'nothing') return { kind: 'nothing' };
    if (word === 'ack') return { kind: 'ack' };
    r.fail(
      node,
      `expect: "${node.value}" is not an expectation (nothing, ack, or a mapping with error, reply or replies)`,
    );
  }
  const m = r.map(node, 'expect', ['nothing', 'ack', 'error', 'reply', 'replies']);
  const given = [...m.entries.keys()].filter((k) => ['nothing', 'ack', 'error', 'reply', 'replies'].includes(k));
  if (given.length !== 1)
    r.fail(m, `expect: give exactly one of nothing, ack, error, reply, replies (got ${given.join(', ') || 'none'})`);
  const key = given[0] as string;
  const v = m.entries.get(key)?.value as TreeNode;
  switch (key) {
    case 'nothing':
    case 'ack':
      if (!r.bool(v, `expect.${key}`)) r.fail(v, `expect.${key}: only "true" makes sense here`);
      return { kind: key };
    case 'error': {
      if (v.kind === 'map') {
        const em = r.map(v, 'expect.error', ['errno', 'message', 'attr']);
        const attrNode = r.get(em, 'attr');
        const errnoNode = r.get(em, 'errno');
        if (!errnoNode) r.fail(em, 'expect.error: missing "errno"');
        const msgNode = r.get(em, 'message');
        const errno = r.errno(errnoNode, 'expect.error.errno');
        if (errno === 0) r.fail(errnoNode, 'expect.error: errno 0 is an ack: write "expect: ack"');
        return {
          kind: 'error',
          errno,
          ...(msgNode ? { message: r.text(msgNode, 'expect.error.message', true) } : {}),
          ...(attrNode ? { attr: r.string(attrNode, 'expect.error.attr') } : {}),
        };
      }
      const errno = r.errno(v, 'expect.error');
      if (errno === 0) r.fail(v, 'expect.error: errno 0 is an ack: write "expect: ack"');
      return { kind: 'error', errno };
    }
    case 'reply': {
      const rm = r.map(v, 'expect.reply', [...REPLY_KEYS, 'count']);
      const countNode = r.get(rm, 'count');
      const count = countNode ? r.int(countNode, 'expect.reply.count', 1, 100_000) : 1;
      return { kind: 'reply', count, match: parseReplyMatch(r, rm, 'expect.reply') };
    }
    default: {
      if (v.kind !== 'seq' || v.items.length === 0)
        r.fail(v, 'expect.replies must be a non-empty list of reply matches');
      return {
        kind: 'replies',
        matches: v.items.map((item, i) =>
          parseReplyMatch(r, r.map(item, `expect.replies[${i}]`, REPLY_KEYS), `expect.replies[${i}]`),
        ),
      };
    }
  }
}

const REPLY_KEYS = ['type', 'flags', 'seq', 'pid', 'text', 'attrs', 'error'];

function parseReplyMatch(r: Reader, m: TreeMap, what: string): ReplyMatch {
  const out: {
    type?: number;
    typeWritten?: string;
    flags?: number;
    seq?: NumberMatch;
    pid?: NumberMatch;
    text?: TextMatch;
    attrs?: Map<string, AttrExpect>;
    errno?: number;
  } = {};
  const typeNode = r.get(m, 'type');
  let kind: MessageKind = 'other';
  if (typeNode) {
    const t = r.type(typeNode, `${what}.type`);
    out.type = t.value;
    out.typeWritten = t.written;
    kind = t.kind;
  }
  const flagsNode = r.get(m, 'flags');
  if (flagsNode) out.flags = r.flags(flagsNode, `${what}.flags`, kind);
  const seqNode = r.get(m, 'seq');
  if (seqNode) out.seq = r.numberMatch(seqNode, `${what}.seq`, 0xffffffff, 'seq');
  const pidNode = r.get(m, 'pid');
  if (pidNode) out.pid = r.numberMatch(pidNode, `${what}.pid`, 0xffffffff, 'portid');
  const textNode = r.get(m, 'text');
  if (textNode) out.text = r.text(textNode, `${what}.text`, true);
  const errorNode = r.get(m, 'error');
  if (errorNode) out.errno = r.errno(errorNode, `${what}.error`);
  const attrsNode = r.get(m, 'attrs');
  if (attrsNode) {
    if (attrsNode.kind !== 'map')
      r.fail(attrsNode, `${what}.attrs must map attribute names (or numbers, or dotted paths) to values`);
    out.attrs = new Map();
    for (const [path, { value }] of attrsNode.entries) {
      const at = `${what}.attrs.${path}`;
      if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(path))
        r.fail(value, `${at}: "${path}" is not an attribute path (NAME, 3, or OUTER.INNER)`);
      if (value.kind !== 'scalar') r.fail(value, `${at}: expected a value, true (present) or /regex/`);
      let expect: AttrExpect;
      if (value.value === true || value.value === null) expect = { kind: 'present' };
      else if (typeof value.value === 'number') expect = { kind: 'number', value: value.value };
      else expect = { kind: 'text', text: r.text(value, at, true) };
      out.attrs.set(path, expect);
    }
  }
  return out;
}
