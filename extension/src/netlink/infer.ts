// Which protocol hex was sent on, when nothing says so. The same nlmsg_type means different things per protocol
// (16 is RTM_NEWLINK on NETLINK_ROUTE and nlctrl on NETLINK_GENERIC), so the bytes are decoded under each
// candidate and the decodings are compared by how well the bytes fit: no problems, known message types and
// families, attributes whose types the family defines, payloads read to their end. Control messages
// (NLMSG_ERROR, NLMSG_DONE) look the same everywhere; only the request an error echoes tells them apart.
import { NETLINK_GENERIC, NETLINK_NLREPLY, NETLINK_ROUTE, NLMSG_HDRLEN, NLMSG_MIN_TYPE } from './constants';
import { decodeMessages } from './decode';
import type { FamilyRegistry } from './registry';
import type { DecodedAttr, DecodedMessage } from './types';

export interface ProtocolFit {
  readonly protocol: number;
  /** Higher fits better; comparable only between fits of the same bytes. */
  readonly score: number;
  readonly messages: DecodedMessage[];
}

export interface ProtocolInference {
  readonly chosen: ProtocolFit;
  /** The best other candidate, shown beside the choice so a wrong guess is visible. */
  readonly runnerUp?: ProtocolFit;
  /** Nothing in the bytes told the candidates apart (e.g. only NLMSG_DONE): the choice is the preferred one. */
  readonly ambiguous: boolean;
}

export interface InferOptions {
  readonly registry: FamilyRegistry;
  /** Tried first: wins ties (the configured default, typically). */
  readonly preferred?: number;
  readonly maxMessages?: number;
  /** Messages the score looks at; the chosen protocol then decodes all of them (default 64). */
  readonly sampleMessages?: number;
}

/** route, generic, the module protocols the registry has families for, and the preferred one. */
export function candidateProtocols(registry: FamilyRegistry, preferred?: number): number[] {
  const out = new Set<number>();
  if (preferred !== undefined) out.add(preferred);
  out.add(NETLINK_ROUTE);
  out.add(NETLINK_GENERIC);
  out.add(NETLINK_NLREPLY);
  for (const f of registry.families()) if (!f.genl) out.add(f.protocol);
  return [...out];
}

/** Messages the score reads unless told (the chosen protocol then decodes all of them). */
const SAMPLE_MESSAGES = 64;
const ATTRS_SCORED = 256;

function attrScore(attrs: readonly DecodedAttr[], budget: { left: number }): number {
  let s = 0;
  for (const a of attrs) {
    if (budget.left-- <= 0) break;
    if (a.kind !== 'unspec' || a.nested) s += 1; // an unknown type is no evidence either way
    if (a.attrs) s += attrScore(a.attrs, budget);
  }
  return s;
}

/**
 * Undecoded payload (no definition for the type): weak evidence either way. A chain of attributes that fills it
 * exactly is what a netlink payload of an unknown family looks like; anything else is not.
 */
function tlvFit(hex: string): number {
  const length = hex.length >> 1;
  let pos = 0;
  let attrs = 0;
  while (pos + 4 <= length) {
    const nlaLen =
      parseInt(hex.slice(2 * pos, 2 * pos + 2), 16) | (parseInt(hex.slice(2 * pos + 2, 2 * pos + 4), 16) << 8);
    if (nlaLen < 4 || pos + nlaLen > length) return -1;
    pos += (nlaLen + 3) & ~3;
    attrs++;
  }
  return pos === length || (pos > length && pos - length < 4) ? Math.min(attrs, 3) : -1;
}

/** The payload was read by a definition (a known type, command or fixed header), not shown as bytes. */
function understood(m: DecodedMessage): boolean {
  if (m.family === undefined) return false;
  if (m.command !== undefined) return !m.command.startsWith('cmd ');
  return m.header !== undefined || m.attrs.length > 0 || m.payloadHex === undefined;
}

/**
 * Text that reads as text and fills the payload (a NUL and padding after it at most): a module's text payload
 * over binary bytes is a bad fit, not a good one.
 */
function readable(m: DecodedMessage, text: string): boolean {
  const payload = m.length - NLMSG_HDRLEN;
  const bytes = new TextEncoder().encode(text).length;
  return bytes > 0 && payload - bytes <= 4 && !/[\x00-\x08\x0b-\x1f\x7f\ufffd]/.test(text);
}

/** A name from a definition, not the decoder's placeholder ("genl family 0x14", "nlreply type 20"). */
function namedType(m: DecodedMessage): boolean {
  return !/(?:^|\s)(?:type \d+|family 0x[0-9a-f]+)$/.test(m.typeName);
}

/** How well one decoded message fits its protocol, its problems left to the caller. */
function bodyScore(m: DecodedMessage): number {
  let s = 0;
  if (m.text !== undefined) s += readable(m, m.text) ? 3 : -2;
  else if (understood(m)) s += m.payloadHex === undefined ? 4 : 2;
  else if (m.payloadHex !== undefined) s += tlvFit(m.payloadHex);
  else if (namedType(m)) s += 1; // a capped echo: only the header, whose type the protocol names or not
  return s + attrScore(m.attrs, { left: ATTRS_SCORED });
}

/**
 * How well one message fits. Control messages (NLMSG_ERROR, NLMSG_DONE) look the same under every protocol,
 * except for the request an error echoes; problems inside that echo weigh less: the kernel refused the request,
 * often because it was malformed.
 */
function messageScore(m: DecodedMessage): number {
  const request = m.type < NLMSG_MIN_TYPE ? m.error?.request : undefined;
  let s = 0;
  for (const p of m.problems) {
    const inEcho = request !== undefined && p.offset >= request.offset && p.offset < request.offset + request.length;
    s += inEcho ? -2 : -10;
  }
  if (m.type >= NLMSG_MIN_TYPE || m.text !== undefined) return s + bodyScore(m); // a module may answer with DONE + text
  // An errno is 0 or -1..-4095 (MAX_ERRNO): anything else is some other payload read as one.
  if (m.error && (m.error.code > 0 || m.error.code < -4095)) s -= 5;
  return request ? s + bodyScore(request) : s;
}

function fitScore(messages: readonly DecodedMessage[], sample: number): number {
  let s = 0;
  for (let i = 0; i < messages.length && i < sample; i++) s += messageScore(messages[i]!);
  return s;
}

/**
 * Decodes `bytes` under every candidate and returns the best fit, the runner-up beside it. The score reads at
 * most `sampleMessages` messages of each decoding; the chosen protocol's decoding is returned whole.
 */
export function inferProtocol(bytes: Uint8Array, options: InferOptions): ProtocolInference {
  const sample = options.sampleMessages ?? SAMPLE_MESSAGES;
  const limit = Math.min(options.maxMessages ?? sample, sample);
  const fits: ProtocolFit[] = [];
  for (const protocol of candidateProtocols(options.registry, options.preferred)) {
    const messages = decodeMessages(bytes, { protocol, registry: options.registry, maxMessages: limit });
    fits.push({ protocol, score: fitScore(messages, sample), messages });
  }
  // Stable: on a tie the earlier candidate (the preferred one, then route) stays first.
  fits.sort((a, b) => b.score - a.score);
  const best = fits[0]!;
  // Fewer messages than the limit: the sample was the whole input (or the caller's limit), no second decode.
  const whole = best.messages.length < limit || limit === options.maxMessages;
  const full = whole
    ? best.messages
    : decodeMessages(bytes, {
        protocol: best.protocol,
        registry: options.registry,
        ...(options.maxMessages !== undefined ? { maxMessages: options.maxMessages } : {}),
      });
  const chosen = { ...best, messages: full };
  const runnerUp = fits[1];
  return runnerUp ? { chosen, runnerUp, ambiguous: runnerUp.score === best.score } : { chosen, ambiguous: false };
}

/** The protocol setting: a number, or `auto` (inferred from the bytes, a word near them helping). */
export type ProtocolSetting = number | 'auto';

export interface ProtocolChoice {
  readonly protocol: number;
  /** `named`: the text said so (`protocol=16`, NETLINK_GENERIC); `setting`: the configured or asked protocol;
   *  `word`: a word near the hex (`genl`, `rtnetlink`, a family name); `inferred`: the best fit of the bytes. */
  readonly how: 'named' | 'setting' | 'word' | 'inferred';
  readonly runnerUp?: number;
  readonly ambiguous?: boolean;
}

export interface ChosenDecode {
  readonly messages: DecodedMessage[];
  readonly choice: ProtocolChoice;
}

/**
 * Decodes a run of bytes under the protocol the context chooses: a protocol named in the text wins, then an
 * explicit setting, then a word near the hex, then the best fit of the bytes (`auto`).
 */
export function decodeChosen(bytes: Uint8Array, options: ChoiceContext): ChosenDecode {
  const { registry, maxMessages } = options;
  const fixed = fixedChoice(options);
  if (fixed) {
    const messages = decodeMessages(bytes, {
      protocol: fixed.protocol,
      registry,
      ...(maxMessages !== undefined ? { maxMessages } : {}),
    });
    return { messages, choice: fixed };
  }
  const inferred = inferProtocol(bytes, { registry, ...(maxMessages !== undefined ? { maxMessages } : {}) });
  return { messages: inferred.chosen.messages, choice: inferredChoice(inferred) };
}

/**
 * The protocol decodeChosen would decode under, without decoding the whole run (inference reads a sample): for a
 * caller that then decodes message by message (MessageReader) and writes each as it comes.
 */
export function chooseProtocol(bytes: Uint8Array, options: ChoiceContext): ProtocolChoice {
  const fixed = fixedChoice(options);
  if (fixed) return fixed;
  const limit = Math.min(options.maxMessages ?? SAMPLE_MESSAGES, SAMPLE_MESSAGES);
  return inferredChoice(inferProtocol(bytes, { registry: options.registry, maxMessages: limit }));
}

/** What decides a run's protocol: see decodeChosen. */
export interface ChoiceContext {
  readonly named?: number;
  readonly word?: number;
  readonly setting: ProtocolSetting;
  readonly registry: FamilyRegistry;
  readonly maxMessages?: number;
}

function fixedChoice(options: ChoiceContext): ProtocolChoice | undefined {
  if (options.named !== undefined) return { protocol: options.named, how: 'named' };
  if (options.setting !== 'auto') return { protocol: options.setting, how: 'setting' };
  if (options.word !== undefined) return { protocol: options.word, how: 'word' };
  return undefined;
}

function inferredChoice(inferred: ProtocolInference): ProtocolChoice {
  return {
    protocol: inferred.chosen.protocol,
    how: 'inferred',
    ...(inferred.runnerUp ? { runnerUp: inferred.runnerUp.protocol } : {}),
    ...(inferred.ambiguous ? { ambiguous: true } : {}),
  };
}
