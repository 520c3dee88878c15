// Plain-text rendering for the CLI and the "decode selection / file" documents. Decoded strings are escaped by
// lines.ts: the text holds no control character but the line breaks between lines.
import { escapeText } from '../escape';
import type { DecodedMessage } from '../types';
import type { LineOptions } from './lines';
import { appendBodyLines, FULL, messageSummary } from './lines';

/** One message's block, "#i @offset summary" then its indented body, without a final line break. */
export function renderMessageText(m: DecodedMessage, index: number, options: LineOptions = FULL): string {
  const out = [`#${index} @${m.offset} ${messageSummary(m)}${m.family ? `  [${escapeText(m.family)}]` : ''}`];
  appendBodyLines(out, m, '  ', options);
  return out.join('\n');
}

/** Every message's block, one after the other. For long outputs write renderMessageText per message instead. */
export function renderText(messages: readonly DecodedMessage[], options: LineOptions = FULL): string {
  const blocks: string[] = [];
  messages.forEach((m, i) => blocks.push(renderMessageText(m, i, options)));
  return blocks.join('\n');
}
