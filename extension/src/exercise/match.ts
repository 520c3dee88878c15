// Does what came back meet a step's expectation? Pure: decoded replies in, a verdict and the reasons out.
// Header fields come from the decoder; text is read from the raw payload (up to its NUL) so it works whether or
// not a spec told the decoder the payload is text. Reasons quote decoded strings with the codec's escapes, as every
// renderer does: no control or bidi character of a reply reaches the Test Explorer as it is.
import {
  errnoName,
  escapeControls,
  escapeText,
  NLMSG_ERROR,
  quoteText,
  type DecodedAttr,
  type DecodedError,
  type DecodedMessage,
} from '../netlink/index';
import type { AttrExpect, Expectation, NumberMatch, ReplyMatch, TextMatch } from './types';
import type { Variables } from './encodeStep';

export interface ReplyView {
  readonly decoded: DecodedMessage;
  /** The message's bytes (header included). */
  readonly bytes: Uint8Array;
}

export interface Verdict {
  readonly pass: boolean;
  /** Why it failed (empty when it passed). */
  readonly reasons: string[];
  /** Things worth knowing either way (e.g. `${portid}` matched any number). */
  readonly notes: string[];
}

/** Match variables: the port id may be unknown (then any decimal number stands for it). */
export interface MatchVariables extends Omit<Variables, 'portid'> {
  readonly portid?: number;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function textRegex(t: TextMatch, vars: MatchVariables, notes: string[]): RegExp {
  const source = t.parts
    .map((p) => {
      if (typeof p !== 'string') {
        const v = vars[p.variable];
        if (v === undefined) {
          const note = `\${${p.variable}} is not known to this exchanger: it matched any number`;
          if (!notes.includes(note)) notes.push(note);
          return '-?\\d+';
        }
        return String(v);
      }
      return t.regex ? p : escapeRegex(p);
    })
    .join('');
  return t.regex ? new RegExp(source, t.flags) : new RegExp(`^${source}$`, 's');
}

/** The payload as text: after the 16-byte header up to nlmsg_len, ending at the first NUL. */
function payloadText(bytes: Uint8Array): string {
  if (bytes.length < 16) return '';
  const len = Math.min(bytes.length, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true));
  const payload = bytes.subarray(16, Math.max(16, len));
  const nul = payload.indexOf(0);
  return new TextDecoder('utf-8', { fatal: false }).decode(nul < 0 ? payload : payload.subarray(0, nul));
}

function numberOk(
  got: number,
  want: NumberMatch,
  vars: MatchVariables,
  notes: string[],
): { ok: boolean; expected: string } {
  if ('value' in want) return { ok: got === want.value, expected: String(want.value) };
  const v = vars[want.variable];
  if (v === undefined) {
    notes.push(`\${${want.variable}} is not known to this exchanger: any ${want.variable} was accepted`);
    return { ok: true, expected: `\${${want.variable}}` };
  }
  return { ok: got === v, expected: `${v} (\${${want.variable}})` };
}

function findAttrs(attrs: readonly DecodedAttr[], path: readonly string[]): DecodedAttr[] {
  const [head, ...rest] = path;
  const here = attrs.filter((a) => a.name === head || String(a.type) === head);
  if (rest.length === 0) return here;
  return here.flatMap((a) => findAttrs(a.attrs ?? [], rest));
}

function attrOk(a: DecodedAttr, want: AttrExpect, vars: MatchVariables, notes: string[]): boolean {
  if (want.kind === 'present') return true;
  if (want.kind === 'number') return a.value !== undefined && String(a.value) === String(want.value);
  const re = textRegex(want.text, vars, notes);
  return [a.value, a.valueName].some((v) => v !== undefined && re.test(String(v)));
}

function show(a: DecodedAttr | undefined): string {
  if (!a) return 'absent';
  if (a.valueName !== undefined) return `${escapeText(String(a.value))} (${escapeText(a.valueName)})`;
  return typeof a.value === 'string' ? quoteText(a.value) : String(a.value ?? null);
}

/** What an expectation's text was written as: a regex as written, a plain text quoted. */
function writtenText(t: TextMatch): string {
  return t.regex ? escapeControls(t.written) : quoteText(t.written);
}

/** Reasons `reply` does not match `m` (none: it matches). */
function replyMismatches(reply: ReplyView, m: ReplyMatch, vars: MatchVariables, notes: string[]): string[] {
  const d = reply.decoded;
  const out: string[] = [];
  if (m.type !== undefined && d.type !== m.type)
    out.push(
      `type is ${escapeText(d.typeName)} (${d.type}), expected ${m.typeWritten ?? m.type}${m.typeWritten && m.typeWritten !== String(m.type) ? ` (${m.type})` : ''}`,
    );
  if (m.flags !== undefined && d.flags !== m.flags)
    out.push(
      `flags are 0x${d.flags.toString(16)} (${d.flagNames.join('|') || 'none'}), expected 0x${m.flags.toString(16)}`,
    );
  if (m.seq !== undefined) {
    const r = numberOk(d.seq, m.seq, vars, notes);
    if (!r.ok) out.push(`seq is ${d.seq}, expected ${r.expected}`);
  }
  if (m.pid !== undefined) {
    const r = numberOk(d.pid, m.pid, vars, notes);
    if (!r.ok) out.push(`pid is ${d.pid}, expected ${r.expected}`);
  }
  if (m.text !== undefined) {
    const text = payloadText(reply.bytes);
    if (!textRegex(m.text, vars, notes).test(text))
      out.push(`text is ${quoteText(text)}, expected ${writtenText(m.text)}`);
  }
  if (m.errno !== undefined) {
    const code = d.error?.code;
    if (code === undefined || -code !== m.errno)
      out.push(
        `error is ${code === undefined ? 'absent' : errnoName(code)}, expected ${m.errno === 0 ? 'ACK' : errnoName(m.errno)}`,
      );
  }
  for (const [path, want] of m.attrs ?? []) {
    const found = findAttrs(d.attrs, path.split('.'));
    if (!found.some((a) => attrOk(a, want, vars, notes))) {
      const wanted =
        want.kind === 'present'
          ? 'present'
          : want.kind === 'number'
            ? String(want.value)
            : escapeControls(want.text.written);
      out.push(
        `attribute ${escapeControls(path)} is ${found.length ? found.map(show).join(', ') : 'absent'}, expected ${wanted}`,
      );
    }
  }
  return out;
}

function plural(n: number, what: 'reply'): string {
  return `${n} ${n === 1 ? what : 'replies'}`;
}

export function judge(
  expect: Expectation,
  replies: readonly ReplyView[],
  vars: MatchVariables,
  timedOut: boolean,
  timeoutMs: number,
): Verdict {
  const reasons: string[] = [];
  const notes: string[] = [];
  const got = `${plural(replies.length, 'reply')}${timedOut ? ` (answers incomplete after ${timeoutMs} ms)` : ''}`;
  const errors = replies.filter((r) => r.decoded.error !== undefined && r.decoded.error.code !== 0);
  switch (expect.kind) {
    case 'nothing':
      if (replies.length > 0) reasons.push(`expected nothing within ${timeoutMs} ms, got ${got}`);
      break;
    case 'ack': {
      const ack = replies.some((r) => r.decoded.type === NLMSG_ERROR && r.decoded.error?.code === 0);
      if (errors.length > 0)
        reasons.push(
          `expected an ack, got the error ${errors.map((r) => errnoName(r.decoded.error?.code ?? 0)).join(', ')}`,
        );
      else if (!ack) reasons.push(`expected an ack (NLMSG_ERROR with error 0), got ${got} without one`);
      break;
    }
    case 'error': {
      const hit = errors.find((r) => -(r.decoded.error?.code ?? 0) === expect.errno);
      if (!hit) {
        reasons.push(
          `expected the error ${errnoName(expect.errno)}, got ${errors.length ? errors.map((r) => errnoName(r.decoded.error?.code ?? 0)).join(', ') : got}`,
        );
      } else {
        const text = hit.decoded.error?.message ?? '';
        if (expect.message && !textRegex(expect.message, vars, notes).test(text)) {
          reasons.push(`error message is ${quoteText(text)}, expected ${writtenText(expect.message)}`);
        }
        const named = namedAttrs(hit.decoded.error);
        if (expect.attr !== undefined && !named.includes(expect.attr)) {
          reasons.push(
            `the ext-ack names ${named.length ? named.map((n) => JSON.stringify(n)).join(' and ') : 'no attribute'}, expected ${JSON.stringify(expect.attr)}`,
          );
        }
      }
      break;
    }
    case 'reply':
      if (replies.length !== expect.count) reasons.push(`expected ${plural(expect.count, 'reply')}, got ${got}`);
      replies.forEach((r, i) => {
        for (const why of replyMismatches(r, expect.match, vars, notes)) reasons.push(`reply #${i}: ${why}`);
      });
      break;
    case 'replies':
      if (replies.length !== expect.matches.length)
        reasons.push(`expected ${plural(expect.matches.length, 'reply')}, got ${got}`);
      expect.matches.forEach((m, i) => {
        const r = replies[i];
        if (!r) return;
        for (const why of replyMismatches(r, m, vars, notes)) reasons.push(`reply #${i}: ${why}`);
      });
      break;
  }
  return { pass: reasons.length === 0, reasons, notes: [...new Set(notes)] };
}

/** The attributes an ext-ack names: the one its offset points at, the one it says is missing. */
function namedAttrs(error: DecodedError | undefined): string[] {
  const names: string[] = [];
  if (error?.attrPath !== undefined) names.push(error.attrPath);
  if (error?.missTypeName !== undefined) names.push(error.missTypeName);
  else if (error?.missType !== undefined) names.push(String(error.missType));
  return names;
}
