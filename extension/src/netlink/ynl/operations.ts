// YNL `operations` → MessageDef by value (genlmsghdr cmd for generic netlink, nlmsg_type for netlink-raw).
//
// Numbering follows the kernel's YNL library (tools/net/ynl/lib/nlspec.py):
// - enum-model unified (default): one counter from 1; an op's `value` resets it; request and reply share it.
// - enum-model directional: requests and replies count separately; `do`/`dump` request/reply `value`s reset
//   them; notifications and events take reply numbers only (rt-link: getlink asks with 18, answers with 16).
// Requests and replies share the one `messages` map of the model: a request number keeps the request's op, a
// number only replies use gets the replying op, and where both use it with different layouts the reply's
// layout goes to replyHeader / replyAttrSet.
import { kindFromName } from '../define';
import type { MessageDef, MessageKind, OpDef, OpRequestAttrs } from '../types';
import type { SpecMap, SpecReader } from './reader';
import type { RefChecks } from './references';

interface Op {
  readonly name: string;
  readonly spec: SpecMap;
  readonly request?: number;
  readonly reply?: number;
  readonly isCall: boolean;
  readonly dumpOnly: boolean;
  readonly hasDo: boolean;
  readonly hasDump: boolean;
  /** `x-text-payload: true` on the request / reply part: the payload is text, not attributes. */
  readonly requestText: boolean;
  readonly replyText: boolean;
  readonly header?: string;
  readonly attrSet?: string;
  /** The attributes the spec lists for the do / dump request (what the kernel's policy for it should cover). */
  readonly doRequestAttrs?: readonly string[];
  readonly dumpRequestAttrs?: readonly string[];
}

/**
 * This project's extension key (kmod/nlreply.yaml): on a `request` or `reply` part, the message payload is text.
 * The kernel's schema has no such notion; tools ignore `x-` keys they do not know.
 */
const TEXT_PAYLOAD_KEY = 'x-text-payload';

export function loadOperations(
  reader: SpecReader,
  root: SpecMap,
  refs: RefChecks,
): { messages: Map<number, MessageDef>; requests: Map<number, OpRequestAttrs>; operations: OpDef[] } {
  const operations = reader.mapAt(root, 'operations');
  if (!operations) {
    reader.report('missing "operations"', root.map, 'operations');
    return { messages: new Map(), requests: new Map(), operations: [] };
  }
  const model = reader.oneOf(operations, 'enum-model', ['unified', 'directional'] as const) ?? 'unified';
  const defaultHeader = reader.string(operations, 'fixed-header');
  if (defaultHeader !== undefined) refs.struct(defaultHeader, operations, 'fixed-header');
  const specs = reader.maps(operations, 'list', true);
  const byName = new Map<string, SpecMap>();
  for (const spec of specs) {
    const name = reader.string(spec, 'name', true);
    if (name === undefined) continue;
    if (byName.has(name)) reader.report(`duplicate operation "${name}"`, reader.get(spec, 'name')?.node, spec.path);
    else byName.set(name, spec);
  }
  const ops = model === 'directional' ? numberDirectional(reader, specs) : numberUnified(reader, specs);
  const laidOut = ops.map((op) => layout(reader, op, byName, defaultHeader, refs));
  return { messages: merge(reader, laidOut), requests: opRequests(laidOut), operations: callable(laidOut) };
}

/** The ops a request can call (do / dump), in spec order: what the builder offers instead of message types. */
function callable(ops: readonly Op[]): OpDef[] {
  const out: OpDef[] = [];
  for (const op of ops) {
    if (!op.isCall || op.request === undefined) continue;
    out.push({
      name: op.name,
      value: op.request,
      ...(op.hasDo ? { do: op.doRequestAttrs ? { requestAttrs: op.doRequestAttrs } : {} } : {}),
      ...(op.hasDump ? { dump: op.dumpRequestAttrs ? { requestAttrs: op.dumpRequestAttrs } : {} } : {}),
    });
  }
  return out;
}

/** Per request number, the attributes the spec lists for its do / dump request. */
function opRequests(ops: readonly Op[]): Map<number, OpRequestAttrs> {
  const out = new Map<number, OpRequestAttrs>();
  for (const op of ops) {
    if (!op.isCall || op.request === undefined || out.has(op.request)) continue;
    if (!op.doRequestAttrs && !op.dumpRequestAttrs) continue;
    out.set(op.request, {
      ...(op.doRequestAttrs ? { do: op.doRequestAttrs } : {}),
      ...(op.dumpRequestAttrs ? { dump: op.dumpRequestAttrs } : {}),
    });
  }
  return out;
}

type Numbered = Omit<
  Op,
  | 'header'
  | 'attrSet'
  | 'dumpOnly'
  | 'hasDo'
  | 'hasDump'
  | 'requestText'
  | 'replyText'
  | 'doRequestAttrs'
  | 'dumpRequestAttrs'
>;

function callMode(reader: SpecReader, spec: SpecMap): SpecMap | undefined {
  return reader.mapAt(spec, 'do') ?? reader.mapAt(spec, 'dump');
}

function subValue(reader: SpecReader, mode: SpecMap | undefined, key: 'request' | 'reply'): number | undefined {
  const part = mode ? reader.mapAt(mode, key) : undefined;
  return part ? reader.integer(part, 'value') : undefined;
}

function isCall(reader: SpecReader, spec: SpecMap): boolean {
  return reader.has(spec, 'do') || reader.has(spec, 'dump');
}

function isAsync(reader: SpecReader, spec: SpecMap): boolean {
  return reader.has(spec, 'notify') || reader.has(spec, 'event');
}

function numberUnified(reader: SpecReader, specs: readonly SpecMap[]): Numbered[] {
  const out: Numbered[] = [];
  let next = 1;
  for (const spec of specs) {
    const name = reader.string(spec, 'name') ?? '';
    const mode = callMode(reader, spec);
    // The kernel's tool ignores request/reply values in the unified model; a spec that gives them (and no op
    // value) plainly means them, so they are honoured rather than silently renumbered.
    const value = reader.integer(spec, 'value') ?? subValue(reader, mode, 'request') ?? next;
    next = value + 1;
    const call = isCall(reader, spec);
    if (!call && !isAsync(reader, spec)) continue; // a reserved number
    out.push({ name, spec, isCall: call, request: value, reply: subValue(reader, mode, 'reply') ?? value });
  }
  return out;
}

function numberDirectional(reader: SpecReader, specs: readonly SpecMap[]): Numbered[] {
  const out: Numbered[] = [];
  let request = 1;
  let reply = 1;
  for (const spec of specs) {
    const name = reader.string(spec, 'name') ?? '';
    if (isAsync(reader, spec)) {
      reply = reader.integer(spec, 'value') ?? reply;
      out.push({ name, spec, isCall: false, reply });
      reply += 1;
      continue;
    }
    if (!isCall(reader, spec)) {
      reader.report(`operation "${name}" has neither do, dump, notify nor event`, spec.map, spec.path);
      continue;
    }
    const mode = callMode(reader, spec);
    request = subValue(reader, mode, 'request') ?? request;
    reply = subValue(reader, mode, 'reply') ?? reply;
    const replies = mode !== undefined && reader.has(mode, 'reply');
    out.push({ name, spec, isCall: true, request, ...(replies ? { reply } : {}) });
    request += 1;
    if (replies) reply += 1;
  }
  return out;
}

/** Header and attribute set of an op; a notification without its own takes those of the op it notifies for. */
function layout(
  reader: SpecReader,
  op: Numbered,
  byName: ReadonlyMap<string, SpecMap>,
  defaultHeader: string | undefined,
  refs: RefChecks,
): Op {
  let header = reader.string(op.spec, 'fixed-header');
  let attrSet = reader.string(op.spec, 'attribute-set');
  if (header !== undefined) refs.struct(header, op.spec, 'fixed-header');
  if (attrSet !== undefined) refs.attrSet(attrSet, op.spec, 'attribute-set');
  const notify = reader.string(op.spec, 'notify');
  if (notify !== undefined) {
    const target = byName.get(notify);
    if (!target)
      reader.report(
        `notify names unknown operation "${notify}"`,
        reader.get(op.spec, 'notify')?.node,
        `${op.spec.path}.notify`,
      );
    else {
      header ??= reader.string(target, 'fixed-header');
      attrSet ??= reader.string(target, 'attribute-set');
    }
  }
  header ??= defaultHeader;
  const hasDo = reader.has(op.spec, 'do');
  const hasDump = reader.has(op.spec, 'dump');
  const dumpOnly = hasDump && !hasDo;
  const mode = callMode(reader, op.spec);
  const requestText = textPart(reader, mode, 'request');
  const replyText = textPart(reader, mode, 'reply');
  const doRequestAttrs = requestAttrs(reader, op.spec, 'do');
  const dumpRequestAttrs = requestAttrs(reader, op.spec, 'dump');
  return {
    ...op,
    dumpOnly,
    hasDo,
    hasDump,
    requestText,
    replyText,
    ...(doRequestAttrs ? { doRequestAttrs } : {}),
    ...(dumpRequestAttrs ? { dumpRequestAttrs } : {}),
    ...(header !== undefined ? { header } : {}),
    ...(attrSet !== undefined ? { attrSet } : {}),
  };
}

/** `do: request: attributes: [...]` (or dump's): the names, when the spec lists them. */
function requestAttrs(reader: SpecReader, spec: SpecMap, mode: 'do' | 'dump'): string[] | undefined {
  const part = reader.mapAt(spec, mode);
  const request = part ? reader.mapAt(part, 'request') : undefined;
  if (!request || !reader.has(request, 'attributes')) return undefined;
  const names: string[] = [];
  for (const item of reader.list(request, 'attributes')) {
    const value = (item.node as { value?: unknown } | null)?.value;
    if (typeof value === 'string') names.push(value);
  }
  return names;
}

function textPart(reader: SpecReader, mode: SpecMap | undefined, key: 'request' | 'reply'): boolean {
  const part = mode ? reader.mapAt(mode, key) : undefined;
  return part !== undefined && reader.boolean(part, TEXT_PAYLOAD_KEY) === true;
}

function merge(reader: SpecReader, ops: readonly Op[]): Map<number, MessageDef> {
  const requests = new Map<number, Op>();
  const replies = new Map<number, Op>();
  for (const op of ops) {
    if (op.isCall && op.request !== undefined) {
      const clash = requests.get(op.request);
      if (clash)
        reader.report(
          `operations "${clash.name}" and "${op.name}" both request with value ${op.request}`,
          op.spec.map,
          op.spec.path,
        );
      else requests.set(op.request, op);
    }
    // Several ops may answer with one message type; the first keeps it (their layouts agree in practice).
    if (op.reply !== undefined && !replies.has(op.reply)) replies.set(op.reply, op);
  }
  const messages = new Map<number, MessageDef>();
  for (const [value, op] of requests) {
    const reply = replies.get(value);
    const differs = reply !== undefined && (reply.header !== op.header || reply.attrSet !== op.attrSet);
    messages.set(value, {
      ...message(value, op, op.requestText),
      ...(differs && reply.header !== undefined ? { replyHeader: reply.header } : {}),
      ...(differs && reply.attrSet !== undefined ? { replyAttrSet: reply.attrSet } : {}),
      // A directional family reuses the number for another op's reply (ethtool 13: privflags-get / features-ntf).
      ...(differs && reply.name !== op.name ? { replyName: reply.name } : {}),
    });
  }
  for (const [value, op] of replies) if (!messages.has(value)) messages.set(value, message(value, op, op.replyText));
  return new Map([...messages].sort(([a], [b]) => a - b));
}

function message(value: number, op: Op, text: boolean): MessageDef {
  return {
    value,
    name: op.name,
    kind: kindOfOp(op.name, op.dumpOnly),
    ...(op.header !== undefined ? { header: op.header } : {}),
    ...(op.attrSet !== undefined && !text ? { attrSet: op.attrSet } : {}),
    ...(text ? { textPayload: true } : {}),
  };
}

/**
 * Flag table of an op from its name: rtnetlink style "getlink" by prefix, genetlink style "dev-get" /
 * "page-pool-get" / "rate-new" by a dash-separated verb.
 */
function kindOfOp(name: string, dumpOnly: boolean): MessageKind {
  const byPrefix = kindFromName(name);
  if (byPrefix !== 'other') return byPrefix;
  for (const word of name.toLowerCase().split(/[-_]/)) {
    if (word === 'get' || word === 'dump' || word === 'list') return 'get';
    if (word === 'new' || word === 'add' || word === 'set' || word === 'create') return 'new';
    if (word === 'del' || word === 'delete' || word === 'remove' || word === 'destroy') return 'del';
  }
  // An op that only dumps reads, whatever its name.
  return dumpOnly ? 'get' : 'other';
}
