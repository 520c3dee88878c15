// What the server answers for a position: the hex run around it (found by reading only nearby lines), its
// messages decoded and rendered. Kept free of LSP types so tests and the benchmark call it directly.
import type { FamilyRegistry } from '../netlink/index';
import { cutText, escapeText } from '../netlink/escape';
import { decodeChosen, type ChosenDecode, type ProtocolSetting } from '../netlink/infer';
import { choiceLabel } from '../netlink/protocols';
import { renderMarkdown } from '../netlink/render/markdown';
import type { HexRun } from '../netlink/scan/index';
import { findHexRunAt } from '../netlink/scan/index';
import { protocolHint, protocolWord } from '../netlink/protocolHint';
import type { DecodedMessage } from '../netlink/types';

export interface HoverAnswer {
  readonly markdown: string;
  /** Text offsets of the run, for the hover's range. */
  readonly start: number;
  readonly end: number;
}

/** Fewer bytes than a netlink header is not worth a hover: too many false positives in ordinary text. */
const MIN_BYTES = 16;

/**
 * `setting` is the protocol setting: a protocol named just before the run ("protocol=16", NETLINK_GENERIC) wins
 * over it; with `auto`, a word near the run (`genl`, `rtnetlink`, a family name) or else the bytes' best fit
 * choose, and the hover says which was chosen and the runner-up.
 */
export function hoverAt(
  text: string,
  offset: number,
  setting: ProtocolSetting,
  registry: FamilyRegistry,
): HoverAnswer | undefined {
  const run = findHexRunAt(text, offset);
  if (!run || run.bytes.length < MIN_BYTES) return undefined;
  if (!plausible(run)) return undefined;
  const { messages, choice } = decodeRunIn(text, run, setting, registry, 10_000);
  const markdown = renderMarkdown(
    messages,
    `${choiceLabel(choice)}, ${run.form}${run.truncated ? ', bytes cut (scan limit or cut in the source)' : ''}`,
  );
  return { markdown, start: run.start, end: run.end };
}

/** A run decoded under the protocol its context chooses (decodeChosen): hover, inlay hints and the report. */
export function decodeRunIn(
  text: string,
  run: HexRun,
  setting: ProtocolSetting,
  registry: FamilyRegistry,
  maxMessages?: number,
): ChosenDecode {
  const named = protocolHint(text, run.start);
  const word =
    named === undefined && setting === 'auto' ? protocolWord(text, run.start, genlNames(registry)) : undefined;
  return decodeChosen(run.bytes, {
    ...(named !== undefined ? { named } : {}),
    ...(word !== undefined ? { word } : {}),
    setting,
    registry,
    ...(maxMessages !== undefined ? { maxMessages } : {}),
  });
}

function genlNames(registry: FamilyRegistry): string[] {
  return registry
    .families()
    .filter((f) => f.genl)
    .map((f) => f.name);
}

/** The first header must be able to frame a message, or the hex is something else (a hash, a key, a MAC list). */
function plausible(run: HexRun): boolean {
  const b = run.bytes;
  const len = b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24);
  return len >= 16 && len >>> 0 <= 0x100000;
}

/** Per message start: [text offset of its first byte, a short label] for inlay hints. */
export function messageStarts(run: HexRun, messages: readonly DecodedMessage[]): [number, string][] {
  return messages.filter((m) => m.offset < run.bytes.length).map((m) => [run.byteStart[m.offset]!, shortLabel(m)]);
}

/** Longest message type shown in an inlay hint: a name bound from a capture can be any length. */
const LABEL_TYPE_CHARS = 48;

/** Plain text (inlay hint labels are not Markdown), one line: names escaped as everywhere (escape.ts). */
export function shortLabel(m: DecodedMessage): string {
  const shown = cutText(escapeText(m.command ?? m.typeName), LABEL_TYPE_CHARS);
  const err = m.error && m.error.code !== 0 ? ` ${escapeText(m.error.name)}` : m.error && m.type === 2 ? ' ACK' : '';
  const warn = m.problems.length > 0 ? ' ⚠' : '';
  return `${shown}${err} ${m.length}B${warn}`;
}
