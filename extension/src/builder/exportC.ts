// "Export as C Program": one composed netlink message as a small C program that sends it and reads every reply the
// way a careful program must (exportCRuntime.ts). Pure: bytes, protocol and the codec's families in, C text out.
// The nlmsghdr (and genlmsghdr) are written field by field with their names; the rest is the builder's bytes, with
// a comment naming each fixed-header field and attribute as the codec decodes them. Every string that came from a
// user, a spec or the bytes goes through cText.ts before it lands in a literal or a comment.
import {
  GENL_ID_CTRL,
  NETLINK_GENERIC,
  NETLINK_ROUTE,
  PROTOCOL_NAMES,
  createRegistry,
  decodeMessages,
  flagChoices,
  flagNames,
  type AttrValue,
  type DecodedAttr,
  type DecodedMessage,
  type FamilyDef,
  type FamilyRegistry,
  type FlagTable,
} from '../netlink/index';
import { cCommentText, cStringLiteral } from './cText';
import { C_COMPAT, C_EXCHANGE, C_OPEN, C_PRELUDE, C_PRINT, C_RESOLVE } from './exportCRuntime';

export interface ExportCInput {
  readonly protocol: number;
  /** The message as composed (the builder's bytes, or a history entry's request). */
  readonly bytes: Uint8Array;
  /** One line naming the request, for the file's header and what the program prints. */
  readonly summary: string;
  /** Generic netlink: the family's name, resolved by the program at run time. */
  readonly genlFamily?: string;
  /** Names for comments (the builder's registry, with the family ids it knows bound). */
  readonly registry?: FamilyRegistry;
  /** The program's default timeout. */
  readonly timeoutMs?: number;
  /** Where the message came from ("the message builder", "the history, 12:03:04"). */
  readonly origin?: string;
}

const NLMSG_HDRLEN = 16;
const GENL_HDRLEN = 4;
const NLA_HDRLEN = 4;
/** Family names are char[GENL_NAMSIZ] in the kernel, NUL included. */
const GENL_NAMSIZ = 16;
/** Beyond this many attributes the bytes go out without a comment per attribute (the file stays readable). */
const MAX_COMMENTED_ATTRS = 2000;
/** Bytes per line of the payload array. */
const BYTES_PER_LINE = 8;
/** Flag names every linux/netlink.h of the last decade defines; other bits are written as numbers. */
const FLAG_MACROS = new Set([
  'NLM_F_REQUEST',
  'NLM_F_MULTI',
  'NLM_F_ACK',
  'NLM_F_ECHO',
  'NLM_F_DUMP_INTR',
  'NLM_F_ROOT',
  'NLM_F_MATCH',
  'NLM_F_ATOMIC',
  'NLM_F_DUMP',
  'NLM_F_REPLACE',
  'NLM_F_EXCL',
  'NLM_F_CREATE',
  'NLM_F_APPEND',
]);

const align4 = (n: number): number => (n + 3) & ~3;
const hex2 = (b: number): string => `0x${b.toString(16).padStart(2, '0')}`;
const u16 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number): number =>
  (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

/** A run of the payload's bytes and what it is; `depth` indents nested attributes. */
interface Region {
  readonly start: number;
  readonly end: number;
  readonly comment?: string;
  readonly depth: number;
}

function protocolMacro(protocol: number): { macro: string; name: string } {
  const name = PROTOCOL_NAMES.get(protocol);
  if (protocol === 31) return { macro: '31', name: 'protocol 31, the nlreply module' };
  return name === undefined
    ? { macro: String(protocol), name: `protocol ${protocol}` }
    : { macro: `NETLINK_${name.toUpperCase()}`, name: `NETLINK_${name.toUpperCase()}` };
}

function valueText(a: DecodedAttr): string {
  if (a.attrs) return `nest of ${a.attrs.length}`;
  if (a.fields)
    return Object.entries(a.fields)
      .map(([k, v]) => `${k} = ${String(v)}`)
      .join(', ');
  if (a.value === undefined) return a.kind;
  const v = typeof a.value === 'string' && a.kind === 'string' ? JSON.stringify(a.value) : String(a.value);
  return `${a.kind} ${v}${a.valueName !== undefined && a.valueName !== String(a.value) ? ` (${a.valueName})` : ''}`;
}

/** Regions for attributes within [start, end): each attribute one region, a nest's header then its children. */
function attrRegions(attrs: readonly DecodedAttr[], end: number, depth: number, out: Region[]): void {
  for (const a of attrs) {
    const attrEnd = Math.min(end, a.offset + align4(a.length));
    const name = `${a.name} (type ${a.type}${a.nested ? ', nested' : ''}${a.netByteOrder ? ', net byte order' : ''})`;
    if (a.attrs && a.attrs.length > 0) {
      out.push({ start: a.offset, end: a.offset + NLA_HDRLEN, comment: `${name}: ${valueText(a)}`, depth });
      attrRegions(a.attrs, attrEnd, depth + 1, out);
    } else {
      out.push({ start: a.offset, end: attrEnd, comment: `${name}: ${valueText(a)}`, depth });
    }
  }
}

/** A named byte range of the request, for the program's request_parts[] (ext-ack offsets named). */
interface Part {
  readonly start: number;
  readonly end: number;
  readonly name: string;
}

function attrParts(attrs: readonly DecodedAttr[], prefix: string, out: Part[]): void {
  for (const a of attrs) {
    const name = `${prefix}${a.name}`;
    out.push({ start: a.offset, end: a.offset + Math.max(NLA_HDRLEN, a.length), name });
    if (a.attrs) attrParts(a.attrs, `${name}.`, out);
  }
}

/** request_parts[] and request_part(): the request's headers, fixed header and attributes by byte range. */
function partsFunction(msg: DecodedMessage | undefined, bytes: Uint8Array, genl: boolean, headerLen: number): string {
  const parts: Part[] = [{ start: 0, end: NLMSG_HDRLEN, name: 'nlmsghdr' }];
  if (genl) parts.push({ start: NLMSG_HDRLEN, end: headerLen, name: 'genlmsghdr' });
  if (msg && msg.problems.length === 0 && countAttrs(msg.attrs) <= MAX_COMMENTED_ATTRS) {
    const firstAttr = msg.attrs[0]?.offset ?? Math.min(bytes.length, msg.length);
    const what = headerFields(msg.header ?? {}).length > 0 ? 'the fixed header' : 'the payload';
    if (firstAttr > headerLen) parts.push({ start: headerLen, end: firstAttr, name: what });
    attrParts(msg.attrs, '', parts);
  }
  const rows = parts.map((p) => `\t{ ${p.start}, ${p.end}, ${cStringLiteral(p.name)} },`);
  return `
/* The request's parts by byte range, to name what an ext-ack offset points at. */
static const struct {
	uint32_t start, end;
	const char *name;
} request_parts[] = {
${rows.join('\n')}
};

/* The innermost part of the request holding byte 'offset', or NULL. */
static const char *request_part(uint32_t offset)
{
	const char *name = NULL;
	uint32_t size = UINT32_MAX;

	for (size_t i = 0; i < sizeof(request_parts) / sizeof(request_parts[0]); i++) {
		if (offset >= request_parts[i].start && offset < request_parts[i].end &&
		    request_parts[i].end - request_parts[i].start <= size) {
			name = request_parts[i].name;
			size = request_parts[i].end - request_parts[i].start;
		}
	}
	return name;
}
`;
}

function countAttrs(attrs: readonly DecodedAttr[]): number {
  return attrs.reduce((n, a) => n + 1 + countAttrs(a.attrs ?? []), 0);
}

/** "field = value (NAME)" for a decoded fixed header; the codec gives a value's name as a `<field>Name` key. */
function headerFields(header: Readonly<Record<string, AttrValue>>): string[] {
  return Object.entries(header)
    .filter(([k]) => !['cmd', 'version', 'reserved'].includes(k) && !(k.endsWith('Name') && k.slice(0, -4) in header))
    .map(([k, v]) => {
      const name = header[`${k}Name`];
      return `${k} = ${String(v)}${name !== undefined && String(name) !== String(v) ? ` (${String(name)})` : ''}`;
    });
}

/** The payload after the headers as regions covering [from, bytes.length) without gaps. */
function payloadRegions(msg: DecodedMessage | undefined, bytes: Uint8Array, from: number): Region[] {
  const msgEnd = Math.max(from, Math.min(bytes.length, u32(bytes, 0)));
  const described: Region[] = [];
  if (msg && msg.problems.length === 0 && countAttrs(msg.attrs) <= MAX_COMMENTED_ATTRS) {
    const firstAttr = msg.attrs[0]?.offset ?? msgEnd;
    if (firstAttr > from) {
      const fields = headerFields(msg.header ?? {});
      const what =
        msg.text !== undefined
          ? `text payload: ${JSON.stringify(msg.text)}`
          : fields.length > 0
            ? `fixed header: ${fields.join(', ')}`
            : 'payload';
      described.push({ start: from, end: firstAttr, comment: what, depth: 0 });
    }
    attrRegions(msg.attrs, msgEnd, 0, described);
  }
  // Fill what no region covers (padding, a message the codec could not read, bytes after the first message).
  const out: Region[] = [];
  let pos = from;
  for (const r of described.sort((a, b) => a.start - b.start)) {
    if (r.start < pos || r.end > bytes.length) continue;
    if (r.start > pos) out.push({ start: pos, end: r.start, depth: r.depth });
    out.push(r);
    pos = r.end;
  }
  if (pos < msgEnd) out.push({ start: pos, end: msgEnd, depth: 0, comment: described.length ? undefined : 'payload' });
  const tail = Math.max(pos, msgEnd);
  if (tail < bytes.length)
    out.push({
      start: tail,
      end: bytes.length,
      depth: 0,
      comment: isPadding(bytes, tail) ? 'padding to a 4-byte boundary' : 'bytes after the first message, as composed',
    });
  return out;
}

/** True when the bytes from `from` are only the zeros that align a message's end to 4 bytes. */
function isPadding(bytes: Uint8Array, from: number): boolean {
  return bytes.length === align4(from) && bytes.subarray(from).every((b) => b === 0);
}

function payloadLines(bytes: Uint8Array, regions: readonly Region[]): string[] {
  const lines: string[] = [];
  for (const r of regions) {
    const indent = `\t\t${'  '.repeat(r.depth)}`;
    if (r.comment !== undefined) lines.push(`${indent}/* ${cCommentText(r.comment)} */`);
    for (let i = r.start; i < r.end; i += BYTES_PER_LINE) {
      lines.push(`${indent}${Array.from(bytes.subarray(i, Math.min(r.end, i + BYTES_PER_LINE)), hex2).join(', ')},`);
    }
  }
  return lines;
}

function flagsExpression(flags: number, table: FlagTable): string {
  const bits = new Map<string, number>(flagChoices(table).map(([bit, name]) => [name, bit]));
  bits.set('NLM_F_DUMP', 0x300);
  const parts = flagNames(flags, table).map((name) => {
    if (FLAG_MACROS.has(name)) return name;
    const bit = bits.get(name);
    return bit === undefined ? name : `0x${bit.toString(16)} /* ${name} */`;
  });
  return parts.length > 0 ? parts.join(' | ') : '0';
}

/** The family the request belongs to, and its message definitions (for names in comments and type_name()). */
function familyOf(
  registry: FamilyRegistry,
  protocol: number,
  type: number,
  genlName: string | undefined,
): FamilyDef | undefined {
  if (protocol !== NETLINK_GENERIC) return registry.classic(protocol);
  return (genlName ? registry.genlByFamilyName(genlName) : undefined) ?? registry.genlById(type);
}

function typeNameFunction(protocol: number, family: FamilyDef | undefined, genlName: string | undefined): string {
  const cases = [
    '\tcase NLMSG_NOOP:\n\t\treturn "NLMSG_NOOP";',
    '\tcase NLMSG_ERROR:\n\t\treturn "NLMSG_ERROR";',
    '\tcase NLMSG_DONE:\n\t\treturn "NLMSG_DONE";',
    '\tcase NLMSG_OVERRUN:\n\t\treturn "NLMSG_OVERRUN";',
  ];
  let fallback = '"unknown"';
  let first = '';
  if (protocol === NETLINK_GENERIC) {
    cases.push('\tcase GENL_ID_CTRL:\n\t\treturn "nlctrl";');
    fallback = '"a generic netlink family"';
    // The request's family id is only known at run time, so it cannot be a case label.
    if (genlName)
      first = `\tif (type == request.nlh.nlmsg_type && type >= NLMSG_MIN_TYPE)\n\t\treturn ${cStringLiteral(genlName)};\n`;
  } else if (family) {
    const seen = new Set<number>([1, 2, 3, 4]);
    for (const m of [...family.messages.values()].sort((a, b) => a.value - b.value)) {
      if (seen.has(m.value) || m.value > 0xffff) continue;
      seen.add(m.value);
      cases.push(`\tcase ${m.value}:\n\t\treturn ${cStringLiteral(m.replyName ?? m.name)};`);
    }
  }
  return `
/* A message type's name${family && protocol !== NETLINK_GENERIC ? ` (${cCommentText(family.name)}'s messages)` : ''}. */
static const char *type_name(uint16_t type)
{
${first}	switch (type) {
${cases.join('\n')}
	default:
		return ${fallback};
	}
}
`;
}

function genlHeaderFunction(family: FamilyDef | undefined): string {
  const cases: string[] = [];
  for (const m of [...(family?.messages.values() ?? [])].sort((a, b) => a.value - b.value)) {
    if (m.value > 0xff || cases.some((c) => c.startsWith(`\tcase ${m.value}:`))) continue;
    cases.push(`\tcase ${m.value}:\n\t\treturn ${cStringLiteral(m.replyName ?? m.name)};`);
  }
  return `
/* A generic netlink command's name${family ? ` (${cCommentText(family.name)})` : ''}. */
static const char *command_name(uint8_t cmd)
{
${
  cases.length
    ? `\tswitch (cmd) {\n${cases.join('\n')}\n\tdefault:\n\t\treturn "";\n\t}`
    : '\t(void)cmd; /* no command of this family is known here */\n\treturn "";'
}
}

/* Generic netlink: the genlmsghdr after nlmsghdr. */
static void print_payload_header(const struct nlmsghdr *nlh)
{
	struct genlmsghdr genl;

	if (nlh->nlmsg_type < NLMSG_MIN_TYPE || nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return;
	memcpy(&genl, NLMSG_DATA(nlh), sizeof(genl));
	printf("  genlmsghdr: cmd %u %s version %u\\n", genl.cmd, command_name(genl.cmd), genl.version);
}
`;
}

/** The program, or why there is none. */
export function exportCProgram(input: ExportCInput): { text: string } | { error: string } {
  const { protocol, bytes } = input;
  if (!Number.isInteger(protocol) || protocol < 0 || protocol > 31)
    return { error: `protocol ${protocol} is not 0-31` };
  const genl = protocol === NETLINK_GENERIC;
  const headerLen = NLMSG_HDRLEN + (genl ? GENL_HDRLEN : 0);
  if (bytes.length < headerLen)
    return {
      error: `${bytes.length} bytes cannot be sent as a program: a ${genl ? 'generic netlink ' : ''}message needs its ${headerLen}-byte header`,
    };
  const registry = input.registry ?? createRegistry();
  const [msg] = decodeMessages(bytes, { protocol, registry, maxMessages: 1 });
  const type = u16(bytes, 4);
  const flags = u16(bytes, 6);
  const givenName = input.genlFamily?.trim() || undefined;
  // The form's family name wins over whatever id the bytes carry (ids are per boot); nlctrl's id is fixed.
  const genlName = genl ? (givenName ?? (type === GENL_ID_CTRL ? 'nlctrl' : registry.genlNameOf(type))) : undefined;
  const fixedCtrl = genl && genlName === 'nlctrl';
  if (genlName !== undefined && new TextEncoder().encode(genlName).length > GENL_NAMSIZ - 1)
    return { error: `generic netlink family "${genlName}" is longer than a family name can be (15 bytes)` };
  const family = familyOf(registry, protocol, type, genlName);
  const cmd = bytes[16] ?? 0;
  const def = genl ? family?.messages.get(cmd) : family?.messages.get(type);
  const table: FlagTable = def?.kind ?? 'other';
  const { macro, name: protocolText } = protocolMacro(protocol);
  const timeoutMs = Math.max(0, Math.min(600000, Math.round(input.timeoutMs ?? 2000)));
  const summary = input.summary.trim() || (msg ? msg.typeName : 'netlink message');
  const nlmsgLen = u32(bytes, 0);
  const payload = payloadRegions(msg, bytes, headerLen);
  const payloadLen = bytes.length - headerLen;

  const typeField = fixedCtrl
    ? '\t\t.nlmsg_type = GENL_ID_CTRL, /* nlctrl: the one family whose id is fixed */'
    : genl && genlName
      ? `\t\t.nlmsg_type = 0, /* family ${cCommentText(genlName)}: its id is looked up at run time (main) */`
      : genl
        ? `\t\t.nlmsg_type = ${type}, /* the family id the builder used: ids are handed out at registration, so another kernel or boot may differ (no family name was known to look it up) */`
        : `\t\t.nlmsg_type = ${type}, /* ${cCommentText(msg?.typeName ?? 'message type')} */`;
  const lenComment =
    nlmsgLen === bytes.length
      ? 'the whole message'
      : nlmsgLen >= headerLen && nlmsgLen < bytes.length && isPadding(bytes, nlmsgLen)
        ? 'the message without its padding to 4 bytes, which REQUEST_LEN includes'
        : `as composed; the program sends ${bytes.length} bytes (REQUEST_LEN), which this field does not match`;
  const genlFields = genl
    ? `\t.genl = {
\t\t.cmd = ${cmd}, /* ${cCommentText(def?.name ?? msg?.command ?? `command ${cmd}`)} */
\t\t.version = ${bytes[17] ?? 0},${u16(bytes, 18) !== 0 ? `\n\t\t.reserved = ${u16(bytes, 18)},` : ''}
\t},
`
    : '';
  const request = `
/*
 * The request as composed: ${cCommentText(summary)}.
 * nlmsghdr${genl ? ' and genlmsghdr are' : ' is'} filled in field by field; the rest is the builder's bytes, in the byte
 * order it composed them (little-endian, as on x86 and arm64), each part named in a comment.
 */
static struct {
\tstruct nlmsghdr nlh;
${genl ? '\tstruct genlmsghdr genl;\n' : ''}${payloadLen > 0 ? `\tunsigned char payload[${payloadLen}];\n` : ''}} request = {
\t.nlh = {
\t\t.nlmsg_len = ${nlmsgLen}, /* ${lenComment} */
${typeField}
\t\t.nlmsg_flags = ${flagsExpression(flags, table)}, /* 0x${flags.toString(16)} */
\t\t.nlmsg_seq = ${u32(bytes, 8)}, /* copied into every reply: exchange() checks it */
\t\t.nlmsg_pid = ${u32(bytes, 12)}, /* the kernel does not read it; its replies carry our port id */
\t},
${genlFields}${
    payloadLen > 0
      ? `\t.payload = {
${payloadLines(bytes, payload).join('\n')}
\t},
`
      : ''
  }};

/* Bytes to send. */
#define REQUEST_LEN ${bytes.length}
#define REQUEST_SUMMARY ${cStringLiteral(summary)}
`;

  const strict =
    protocol === NETLINK_ROUTE
      ? `
/*
 * NETLINK_GET_STRICT_CHK makes rtnetlink check GET and dump requests strictly: a header field or attribute it
 * would otherwise ignore (a dump filtered by an ifindex it cannot filter by, an unknown attribute) is refused with
 * an ext-ack saying why. New programs should set it (build with -DSTRICT_CHECK=1). It is off here because the
 * builder sends without it, so this program gets the answer the builder showed.
 */
#ifndef STRICT_CHECK
#define STRICT_CHECK 0
#endif
`
      : `
/* NETLINK_GET_STRICT_CHK is left off: only rtnetlink's GET requests look at it. */
#define STRICT_CHECK 0
`;
  const resolveStep =
    genl && genlName && !fixedCtrl
      ? `
	outcome = resolve_family(&r, FAMILY_NAME, timeout_ms, &request.nlh.nlmsg_type);
	if (outcome != COMPLETE) {
		fprintf(stderr, "could not look up generic netlink family %s: is its module loaded?\\n", FAMILY_NAME);
		goto out;
	}
	printf("generic netlink family %s has id %u\\n", FAMILY_NAME, request.nlh.nlmsg_type);
`
      : '';
  const usesResolve = resolveStep !== '';
  const print = genl ? C_PRINT : C_PRINT.replace('\tprint_payload_header(nlh);\n', '');

  const text = `/*
 * ${cCommentText(summary)}
 *
 * Exported by Netlink Workbench from ${cCommentText(input.origin ?? 'the message builder')}: sends one message on a
 * netlink socket of ${cCommentText(protocolText)} and prints every reply until the exchange is complete.
 *
 * Build: gcc -Wall -Wextra -std=c11 -o request request.c
 * Run:   ./request [timeout-ms]    (default ${timeoutMs})
 * Exit:  0 complete (ack, end of dump, or the reply), 1 the kernel answered with an error, 2 timeout,
 *        3 a system call failed, 4 bad command line.
 */
${C_PRELUDE}${genl ? '#include <linux/genetlink.h>\n' : ''}${C_COMPAT}
#define NETLINK_PROTOCOL ${macro}
#define PROTOCOL_NAME ${cStringLiteral(protocolText)}
#define DEFAULT_TIMEOUT_MS ${timeoutMs}
${usesResolve ? `#define FAMILY_NAME ${cStringLiteral(genlName!)}\n` : ''}${strict}${request}${partsFunction(msg, bytes, genl, headerLen)}${typeNameFunction(protocol, family, genlName)}${genl ? genlHeaderFunction(family) : ''}${C_EXCHANGE}${print}${C_OPEN}${usesResolve ? C_RESOLVE : ''}
static int parse_timeout(const char *text, int *ms)
{
	char *end;
	long value;

	errno = 0;
	value = strtol(text, &end, 10);
	if (errno || end == text || *end || value < 0 || value > 600000)
		return -1;
	*ms = (int)value;
	return 0;
}

int main(int argc, char **argv)
{
	struct receiver r = { -1, NULL, 0 };
	unsigned int replies = 0;
	int timeout_ms = DEFAULT_TIMEOUT_MS;
	enum outcome outcome;

	if (argc > 2 || (argc == 2 && parse_timeout(argv[1], &timeout_ms) < 0)) {
		fprintf(stderr, "usage: %s [timeout-ms]  (0-600000, default %d)\\n", argv[0], DEFAULT_TIMEOUT_MS);
		return 4;
	}
	r.fd = open_socket();
	if (r.fd < 0)
		return exit_status[SYSTEM_ERROR];
	r.size = RECV_BUF_MIN;
	r.buf = malloc(r.size);
	if (!r.buf) {
		perror("malloc");
		close(r.fd);
		return exit_status[SYSTEM_ERROR];
	}
${resolveStep}
	printf("sending %u bytes: %s\\n", (unsigned int)REQUEST_LEN, REQUEST_SUMMARY);
	outcome = exchange(&r, &request.nlh, REQUEST_LEN, timeout_ms, print_reply, &replies);
	if (outcome == COMPLETE)
		printf("complete: %u repl%s\\n", replies, replies == 1 ? "y" : "ies");
${usesResolve ? 'out:\n' : ''}	free(r.buf);
	close(r.fd);
	return exit_status[outcome];
}
`;
  return { text };
}

/** A file name for the program: the request's first word, made safe ("rtm_getlink.c"). */
export function exportCFileName(summary: string): string {
  const word = (summary.trim().split(/\s+/)[0] ?? '').toLowerCase().replace(/[^a-z0-9_-]+/g, '_');
  return `${word.replace(/^_+|_+$/g, '') || 'netlink-request'}.c`;
}
