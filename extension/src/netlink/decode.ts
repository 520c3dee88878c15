// Decoding a buffer of netlink messages: the walk over nlmsghdrs, control messages, the family's fixed header
// and attributes. Never throws on bad bytes: every message keeps what could be read plus `problems`.
import type { AttrContext } from './attrs';
import { decodeAttrs } from './attrs';
import { byteSource, readString, toHex } from './bytes';
import {
  CTRL_ATTR_FAMILY_ID,
  CTRL_ATTR_FAMILY_NAME,
  CTRL_CMD_NEWFAMILY,
  GENL_HDRLEN,
  GENL_ID_CTRL,
  NETLINK_GENERIC,
  NLM_F_ACK_TLVS,
  NLM_F_REQUEST,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_HDRLEN,
  NLMSG_MIN_TYPE,
  NLMSG_NOOP,
  NLMSG_OVERRUN,
  nlAlign,
} from './constants';
import type { MessageContext, Mutable } from './context';
import { decodeError, decodeExtAck } from './error';
import { kindFromName } from './define';
import { errnoName } from './errno';
import type { FlagTable } from './flags';
import { flagNames } from './flags';
import { genlmsghdr } from './families/nlctrl';
import type { FamilyRegistry } from './registry';
import { createRegistry } from './registry';
import { decodeStruct } from './struct';
import type { DecodedAttr, DecodedError, DecodedMessage, FamilyDef, MessageDef, Problem } from './types';

export interface DecodeOptions {
  /** Netlink protocol the bytes were sent on (0 route, 16 generic, 31 the reference module, ...). */
  readonly protocol: number;
  /** Families to decode with; rtnetlink and nlctrl when absent. Not modified: genl ids seen are bound in a copy. */
  readonly registry?: FamilyRegistry;
  /** Most messages to decode from one buffer; the rest is summarised as a problem. */
  readonly maxMessages?: number;
}

const CONTROL_NAMES: Readonly<Record<number, string>> = {
  [NLMSG_NOOP]: 'NLMSG_NOOP',
  [NLMSG_ERROR]: 'NLMSG_ERROR',
  [NLMSG_DONE]: 'NLMSG_DONE',
  [NLMSG_OVERRUN]: 'NLMSG_OVERRUN',
};

/**
 * Decodes every message in `bytes`. Stops at a header it cannot frame (nlmsg_len < 16) and reports it; a message
 * running past the end is decoded as far as the bytes go; trailing bytes too short for a header are reported.
 */
export function decodeMessages(bytes: Uint8Array, options: DecodeOptions): DecodedMessage[] {
  const reader = new MessageReader(bytes, options);
  const out: DecodedMessage[] = [];
  for (let m = reader.next(); m !== undefined; m = reader.next()) out.push(m);
  return out;
}

/**
 * The messages of `bytes` one at a time, as decodeMessages decodes them (the same context: a genl id learned from
 * an nlctrl reply holds for the messages after it). A caller that writes each message as it comes keeps none of
 * them alive: over a large input, the decoded objects die young instead of all surviving to the end.
 */
export class MessageReader {
  private readonly ctx: MessageContext;
  private readonly max: number;
  private pos = 0;
  private count = 0;
  private last: DecodedMessage | undefined;
  private done = false;

  constructor(
    private readonly bytes: Uint8Array,
    options: DecodeOptions,
  ) {
    this.ctx = {
      src: byteSource(bytes),
      protocol: options.protocol,
      registry: options.registry ?? createRegistry(),
      forked: options.registry === undefined,
      nestSets: undefined,
    };
    this.max = options.maxMessages ?? Number.POSITIVE_INFINITY;
  }

  /** The next message, or undefined after the last (at `maxMessages`, the last one read carries why it stopped). */
  next(): DecodedMessage | undefined {
    const { bytes, ctx, pos } = this;
    if (this.done || pos >= bytes.length) return undefined;
    const left = bytes.length - pos;
    if (left < NLMSG_HDRLEN) {
      this.done = true;
      return fragment(ctx, pos, `${left} trailing byte${left === 1 ? '' : 's'}, too few for a 16-byte nlmsghdr`);
    }
    if (this.count >= this.max) {
      this.done = true;
      if (this.last)
        (this.last.problems as Problem[]).push({
          offset: pos,
          message: `decoding stopped after ${this.max} messages; ${left} bytes not decoded`,
        });
      return undefined;
    }
    const len = ctx.src.view.getUint32(pos, true);
    const msg = decodeMessage(ctx, pos, Math.min(bytes.length, pos + Math.max(len, NLMSG_HDRLEN)), false);
    this.count++;
    this.last = msg;
    if (len < NLMSG_HDRLEN) this.done = true;
    else this.pos = pos + nlAlign(len);
    return msg;
  }
}

function fragment(ctx: MessageContext, pos: number, message: string): DecodedMessage {
  return {
    offset: pos,
    length: ctx.src.bytes.length - pos,
    type: -1,
    typeName: 'fragment',
    flags: 0,
    flagNames: [],
    seq: 0,
    pid: 0,
    attrs: [],
    payloadHex: toHex(ctx.src.bytes, pos),
    problems: [{ offset: pos, message }],
  };
}

/**
 * One message whose bytes are [pos, end). `echoed` marks the request copy inside an NLMSG_ERROR: its flags are
 * a request's and its payload may be cut short by the kernel (capped) without that being a problem.
 */
function decodeMessage(ctx: MessageContext, pos: number, end: number, echoed: boolean): DecodedMessage {
  const v = ctx.src.view;
  const length = v.getUint32(pos, true);
  const type = v.getUint16(pos + 4, true);
  const flags = v.getUint16(pos + 6, true);
  const problems: Problem[] = [];
  const msg: Mutable<DecodedMessage> = {
    offset: pos,
    length,
    type,
    typeName: '',
    flags,
    flagNames: [],
    seq: v.getUint32(pos + 8, true),
    pid: v.getUint32(pos + 12, true),
    attrs: [],
    problems,
  };
  if (length < NLMSG_HDRLEN) {
    problems.push({
      offset: pos,
      message: `nlmsg_len ${length} is less than the 16-byte header; nothing after it can be framed`,
    });
  } else if (pos + length > end && !echoed) {
    problems.push({
      offset: pos,
      message: `nlmsg_len ${length} runs past the end of the bytes (${end - pos} available)`,
    });
  }
  const payloadStart = pos + NLMSG_HDRLEN;
  const payloadEnd = Math.max(payloadStart, Math.min(end, pos + length));
  const nestSets = echoed ? (ctx.nestSets ??= new WeakMap()) : undefined;
  const attrCtx: AttrContext = { src: ctx.src, family: undefined, problems, nestSets, enclosing: [] };

  if (type < NLMSG_MIN_TYPE) {
    decodeControl(ctx, msg, attrCtx, payloadStart, payloadEnd);
    return msg;
  }
  if (echoed && payloadEnd === payloadStart) {
    // A capped echo: only the header came back, so there is nothing more to read or to complain about.
    const named = ctx.protocol === NETLINK_GENERIC ? undefined : resolveClassic(ctx, msg);
    if (ctx.protocol === NETLINK_GENERIC)
      msg.typeName = ctx.registry.genlNameOf(type) ?? `genl family 0x${type.toString(16)}`;
    msg.flagNames = flagNames(flags, named?.table ?? 'other');
    return msg;
  }
  const { family, def, table, headerStart } =
    ctx.protocol === NETLINK_GENERIC ? resolveGenl(ctx, msg, payloadStart, payloadEnd) : resolveClassic(ctx, msg);
  msg.flagNames = flagNames(flags, table);
  if (family) msg.family = family.name;
  decodePayload(ctx, msg, { ...attrCtx, family }, def, headerStart, payloadEnd, isReply(msg));
  // By numbers, not by the names a spec may give them (nlctrl.yaml calls the reply `getfamily`).
  if (ctx.protocol === NETLINK_GENERIC && type === GENL_ID_CTRL && msg.header?.['cmd'] === CTRL_CMD_NEWFAMILY)
    bindFamily(ctx, msg.attrs);
  return msg;
}

/** Messages without NLM_F_REQUEST come from the kernel: replies, dump parts and notifications. */
function isReply(msg: DecodedMessage): boolean {
  return (msg.flags & NLM_F_REQUEST) === 0;
}

interface Resolved {
  readonly family: FamilyDef | undefined;
  readonly def: MessageDef | undefined;
  readonly table: FlagTable;
  readonly headerStart: number;
}

function resolveClassic(ctx: MessageContext, msg: Mutable<DecodedMessage>): Resolved {
  const family = ctx.registry.classic(ctx.protocol);
  const def = family?.messages.get(msg.type);
  const name = isReply(msg) ? (def?.replyName ?? def?.name) : def?.name;
  msg.typeName = name ?? `${family ? family.name : `protocol ${ctx.protocol}`} type ${msg.type}`;
  return { family, def, table: def?.kind ?? 'other', headerStart: msg.offset + NLMSG_HDRLEN };
}

function resolveGenl(ctx: MessageContext, msg: Mutable<DecodedMessage>, start: number, end: number): Resolved {
  const family = ctx.registry.genlById(msg.type);
  const boundName = ctx.registry.genlNameOf(msg.type);
  msg.typeName = boundName ?? `genl family 0x${msg.type.toString(16)}`;
  if (end - start < GENL_HDRLEN) {
    (msg.problems as Problem[]).push({
      offset: start,
      message: `generic netlink message needs a 4-byte genlmsghdr, payload has ${end - start}`,
    });
    return { family, def: undefined, table: 'other', headerStart: end };
  }
  const hdr = decodeStruct(ctx.src, start, GENL_HDRLEN, genlmsghdr, undefined, msg.problems as Problem[]);
  const cmd = hdr.fields['cmd'] as number;
  const def = family?.messages.get(cmd);
  msg.command = (isReply(msg) ? (def?.replyName ?? def?.name) : def?.name) ?? `cmd ${cmd}`;
  msg.header = hdr.fields;
  const table = def?.kind ?? (def ? kindFromName(def.name) : 'other');
  return { family, def, table, headerStart: start + GENL_HDRLEN };
}

function decodePayload(
  ctx: MessageContext,
  msg: Mutable<DecodedMessage>,
  attrCtx: AttrContext,
  def: MessageDef | undefined,
  start: number,
  end: number,
  reply: boolean,
): void {
  if (!def || !attrCtx.family) {
    if (end > start) msg.payloadHex = toHex(ctx.src.bytes, start, end);
    return;
  }
  if (def.textPayload) {
    msg.text = readString(ctx.src.bytes, start, end);
    return;
  }
  let pos = start;
  const headerName = reply ? (def.replyHeader ?? def.header) : def.header;
  const structDef = headerName === undefined ? undefined : attrCtx.family.structs.get(headerName);
  if (structDef) {
    const r = decodeStruct(ctx.src, pos, end - pos, structDef, attrCtx.family, msg.problems as Problem[]);
    msg.header = msg.header ? { ...msg.header, ...r.fields } : r.fields;
    pos += r.size;
  }
  const setName = reply ? (def.replyAttrSet ?? def.attrSet) : def.attrSet;
  if (pos < end) msg.attrs = decodeAttrs(attrCtx, pos, end, setName, 0);
}

function decodeControl(
  ctx: MessageContext,
  msg: Mutable<DecodedMessage>,
  attrCtx: AttrContext,
  start: number,
  end: number,
): void {
  msg.typeName = CONTROL_NAMES[msg.type] ?? `NLMSG_RESERVED_${msg.type}`;
  // A module's own protocol may put its reply in a control message (the reference module answers with a DONE
  // carrying text): its spec says so, and then that wins over the generic DONE layout.
  const family = ctx.protocol === NETLINK_GENERIC ? undefined : ctx.registry.classic(ctx.protocol);
  const own = family?.messages.get(msg.type);
  if (own?.textPayload) {
    msg.family = family!.name;
    msg.flagNames = flagNames(msg.flags, own.kind);
    msg.text = readString(ctx.src.bytes, start, end);
    return;
  }
  if (msg.type === NLMSG_ERROR) {
    msg.flagNames = flagNames(msg.flags, 'ack');
    msg.error = decodeError(ctx, msg, attrCtx, start, end, decodeMessage);
    return;
  }
  if (msg.type === NLMSG_DONE) {
    msg.flagNames = flagNames(msg.flags, 'ack');
    if (end - start >= 4) {
      const code = ctx.src.view.getInt32(start, true);
      const base: DecodedError = { code, name: errnoName(code) };
      msg.error =
        msg.flags & NLM_F_ACK_TLVS && end - start > 4
          ? decodeExtAck(ctx, attrCtx, base, start + 4, end, undefined)
          : base;
    } else if (end > start) {
      (msg.problems as Problem[]).push({
        offset: start,
        message: `NLMSG_DONE payload of ${end - start} bytes is too short for its int error`,
      });
      msg.payloadHex = toHex(ctx.src.bytes, start, end);
    }
    return;
  }
  msg.flagNames = flagNames(msg.flags, 'other');
  if (end > start) msg.payloadHex = toHex(ctx.src.bytes, start, end);
}

/**
 * CTRL_CMD_NEWFAMILY tells the id the kernel gave a family: later messages in the same buffer use it. The
 * attributes are found by their type numbers, the kernel's ABI: a spec for nlctrl (every kernel tree has
 * nlctrl.yaml) names them `family-id` / `family-name`, not the built-in `CTRL_ATTR_*` names.
 */
function bindFamily(ctx: MessageContext, attrs: readonly DecodedAttr[]): void {
  const id = attrs.find((a) => a.type === CTRL_ATTR_FAMILY_ID)?.value;
  const name = attrs.find((a) => a.type === CTRL_ATTR_FAMILY_NAME)?.value;
  if (typeof id !== 'number' || typeof name !== 'string') return;
  if (!ctx.forked) {
    ctx.registry = ctx.registry.fork();
    ctx.forked = true;
  }
  ctx.registry.bindGenlId(id, name);
}
