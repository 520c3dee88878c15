// NLMSG_ERROR (struct nlmsgerr: int error; struct nlmsghdr msg; then the request payload unless NLM_F_CAPPED)
// and the extended ack TLVs that follow with NLM_F_ACK_TLVS. OFFS and MISS_NEST are byte offsets into the
// echoed request counted from its nlmsghdr; they are resolved to attribute paths when the payload is there.
import type { AttrContext } from './attrs';
import { decodeAttrs } from './attrs';
import { toHex } from './bytes';
import {
  NLM_F_ACK_TLVS,
  NLM_F_CAPPED,
  NLMSG_HDRLEN,
  NLMSGERR_ATTR_COOKIE,
  NLMSGERR_ATTR_MISS_NEST,
  NLMSGERR_ATTR_MISS_TYPE,
  NLMSGERR_ATTR_MSG,
  NLMSGERR_ATTR_OFFS,
  NLMSGERR_ATTR_POLICY,
  NETLINK_GENERIC,
  nlAlign,
} from './constants';
import type { MessageContext, MessageDecoder, Mutable } from './context';
import { attrSet, family } from './define';
import { errnoName } from './errno';
import { nlctrlFamily, policyAttrs } from './families/nlctrl';
import { fieldAt } from './struct';
import type { DecodedAttr, DecodedError, DecodedMessage, FamilyDef, Problem } from './types';

const extAckFamily: FamilyDef = family({
  name: 'ext-ack',
  protocol: -1,
  genl: false,
  messages: [],
  attrSets: [
    attrSet('nlmsgerr-attrs', {
      [NLMSGERR_ATTR_MSG]: ['NLMSGERR_ATTR_MSG', 'string'],
      [NLMSGERR_ATTR_OFFS]: ['NLMSGERR_ATTR_OFFS', 'u32'],
      [NLMSGERR_ATTR_COOKIE]: ['NLMSGERR_ATTR_COOKIE', 'binary'],
      [NLMSGERR_ATTR_POLICY]: ['NLMSGERR_ATTR_POLICY', 'nest', { nested: 'policy-attrs' }],
      [NLMSGERR_ATTR_MISS_TYPE]: ['NLMSGERR_ATTR_MISS_TYPE', 'u32'],
      [NLMSGERR_ATTR_MISS_NEST]: ['NLMSGERR_ATTR_MISS_NEST', 'u32'],
    }),
    policyAttrs,
  ],
  enums: [],
});
// Policy attribute types name their value with nlctrl's enum; borrow it.
const extAckWithEnums: FamilyDef = { ...extAckFamily, enums: nlctrlFamily.enums };

/** The NLMSG_ERROR payload [start, end) of `msg`; `decodeMessage` reads the request the kernel echoed. */
export function decodeError(
  ctx: MessageContext,
  msg: DecodedMessage,
  attrCtx: AttrContext,
  start: number,
  end: number,
  decodeMessage: MessageDecoder,
): DecodedError {
  const problems = msg.problems as Problem[];
  if (end - start < 4) {
    problems.push({
      offset: start,
      message: `NLMSG_ERROR payload of ${end - start} bytes is too short for its int error`,
    });
    return { code: 0, name: 'truncated' };
  }
  const code = ctx.src.view.getInt32(start, true);
  const base: Mutable<DecodedError> = { code, name: code === 0 ? 'ACK' : errnoName(code) };
  const reqStart = start + 4;
  if (end - reqStart < NLMSG_HDRLEN) {
    problems.push({
      offset: reqStart,
      message: `NLMSG_ERROR has ${end - reqStart} bytes for the echoed 16-byte request header`,
    });
    return base;
  }
  const capped = (msg.flags & NLM_F_CAPPED) !== 0;
  const reqLen = ctx.src.view.getUint32(reqStart, true);
  // Capped: only the header was copied. Otherwise the whole request follows, padded to 4 bytes.
  const reqBytes = capped ? NLMSG_HDRLEN : Math.max(NLMSG_HDRLEN, reqLen);
  const reqEnd = Math.min(end, reqStart + reqBytes);
  if (!capped && reqStart + reqBytes > end) {
    problems.push({
      offset: reqStart,
      message: `echoed request claims ${reqLen} bytes, only ${end - reqStart} present (NLM_F_CAPPED is not set)`,
    });
  }
  const request = decodeMessage(ctx, reqStart, reqEnd, true);
  base.request = request;
  for (const p of request.problems) if (!(capped && p.message.startsWith('nlmsg_len'))) problems.push(p);
  const tlvStart = capped ? reqStart + NLMSG_HDRLEN : reqStart + nlAlign(reqBytes);
  if ((msg.flags & NLM_F_ACK_TLVS) !== 0 && tlvStart < end) {
    return decodeExtAck(ctx, attrCtx, base, tlvStart, end, capped ? undefined : request);
  }
  if ((msg.flags & NLM_F_ACK_TLVS) === 0 && tlvStart < end) {
    problems.push({
      offset: tlvStart,
      message: `${end - tlvStart} bytes after the echoed request without NLM_F_ACK_TLVS`,
    });
  }
  return base;
}

/** Reads the ext-ack TLVs into `base`; offsets are resolved against `request` when its payload was echoed. */
export function decodeExtAck(
  ctx: MessageContext,
  attrCtx: AttrContext,
  base: DecodedError,
  start: number,
  end: number,
  request: DecodedMessage | undefined,
): DecodedError {
  const out: Mutable<DecodedError> = { ...base };
  const tlvs = decodeAttrs({ ...attrCtx, family: extAckWithEnums }, start, end, 'nlmsgerr-attrs', 0);
  let missNest: number | undefined;
  for (const t of tlvs) {
    switch (t.type) {
      case NLMSGERR_ATTR_MSG:
        if (typeof t.value === 'string') out.message = t.value;
        break;
      case NLMSGERR_ATTR_OFFS:
        if (typeof t.value === 'number') out.offset = t.value;
        break;
      case NLMSGERR_ATTR_COOKIE:
        out.cookie = toHex(ctx.src.bytes, t.offset + 4, t.offset + t.length);
        break;
      case NLMSGERR_ATTR_POLICY:
        if (t.attrs) out.policy = t.attrs;
        break;
      case NLMSGERR_ATTR_MISS_TYPE:
        if (typeof t.value === 'number') out.missType = t.value;
        break;
      case NLMSGERR_ATTR_MISS_NEST:
        if (typeof t.value === 'number') {
          out.missNest = t.value;
          missNest = t.value;
        }
        break;
      default:
        break;
    }
  }
  if (request) {
    if (out.offset !== undefined) {
      const path = pathAt(ctx, request, out.offset);
      if (path) out.attrPath = path;
    }
    if (out.missType !== undefined) {
      const name = missingTypeName(ctx, request, out.missType, missNest);
      if (name) out.missTypeName = name;
    }
  }
  return out;
}

/** "IFLA_LINKINFO.IFLA_INFO_KIND" for a byte offset into the request; header fields as "ifaddrmsg.ifa_prefixlen". */
function pathAt(ctx: MessageContext, request: DecodedMessage, offset: number): string | undefined {
  const abs = request.offset + offset;
  if (offset < NLMSG_HDRLEN) return 'nlmsghdr';
  const chain = attrChainAt(request.attrs, abs);
  if (chain.length > 0) return chain.map((a) => a.name).join('.');
  // Inside the fixed header: name the field.
  const fam =
    ctx.protocol === NETLINK_GENERIC ? ctx.registry.genlById(request.type) : ctx.registry.classic(ctx.protocol);
  const def = ctx.protocol === NETLINK_GENERIC ? undefined : fam?.messages.get(request.type);
  const header = def?.header === undefined ? undefined : fam?.structs.get(def.header);
  if (header) {
    const field = fieldAt(header, offset - NLMSG_HDRLEN);
    if (field) return `${header.name}.${field}`;
  }
  return undefined;
}

/** The attributes from the top down to the innermost one whose bytes contain `abs`. */
function attrChainAt(attrs: readonly DecodedAttr[], abs: number): DecodedAttr[] {
  for (const a of attrs) {
    if (abs >= a.offset && abs < a.offset + Math.max(a.length, 4)) {
      return [a, ...(a.attrs ? attrChainAt(a.attrs, abs) : [])];
    }
  }
  return [];
}

function missingTypeName(
  ctx: MessageContext,
  request: DecodedMessage,
  missType: number,
  missNest: number | undefined,
): string | undefined {
  const fam =
    ctx.protocol === NETLINK_GENERIC ? ctx.registry.genlById(request.type) : ctx.registry.classic(ctx.protocol);
  if (!fam) return undefined;
  let setName: string | undefined;
  if (missNest !== undefined) {
    const chain = attrChainAt(request.attrs, request.offset + missNest);
    const nest = chain[chain.length - 1];
    setName = nest === undefined ? undefined : ctx.nestSets?.get(nest);
  } else {
    const cmd = request.header?.['cmd'];
    const def =
      ctx.protocol === NETLINK_GENERIC
        ? typeof cmd === 'number'
          ? fam.messages.get(cmd)
          : undefined
        : fam.messages.get(request.type);
    setName = def?.attrSet;
  }
  return setName === undefined ? undefined : fam.attrSets.get(setName)?.byType.get(missType)?.name;
}
