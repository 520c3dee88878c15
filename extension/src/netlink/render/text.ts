// Plain-text rendering for the CLI and the "decode selection / file" documents.
import type { DecodedMessage } from '../types';
import type { LineOptions } from './lines';
import { bodyLines, FULL, messageSummary } from './lines';

/** One block a message: "#i @offset summary" then its indented body. */
export function renderText(messages: readonly DecodedMessage[], options: LineOptions = FULL): string {
  const out: string[] = [];
  messages.forEach((m, i) => {
    out.push(`#${i} @${m.offset} ${messageSummary(m)}${m.family ? `  [${m.family}]` : ''}`);
    out.push(...bodyLines(m, '  ', options));
  });
  return out.join('\n');
}
