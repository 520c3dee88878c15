// Markdown for hovers: a table of the messages (len, type, flags, seq, pid), then each message's tree in a
// code block. Long dumps are summarised: the first messages in full, the rest counted by type.
// Strings from the bytes or from spec files never become Markdown: outside code blocks they are escaped character
// by character (markdownText), inside they are lines.ts's escaped lines under a fence longer than any run of
// backticks in them, so nothing in a capture can close the block, start a link or load an image.
import { escapeText } from '../escape';
import type { DecodedMessage } from '../types';
import { appendBodyLines, BRIEF } from './lines';

export interface MarkdownOptions {
  /** Messages shown with their attribute tree; later ones only in the table and the count. */
  readonly detailed: number;
  /** Rows in the table before the rest is counted. */
  readonly tableRows: number;
}

const DEFAULTS: MarkdownOptions = { detailed: 4, tableRows: 16 };

/**
 * Text that renders as itself in Markdown, also in a table cell: escaped (escape.ts), then every ASCII punctuation
 * character backslash-escaped (CommonMark allows it for all of them), which leaves no emphasis, link, image, HTML,
 * entity, autolink (`http\://`, `www\.`) or cell border. An `_` between letters or digits cannot start or end
 * emphasis and stays as it is, so names like RTM_NEWLINK read (and search) as themselves.
 */
export function markdownText(s: string): string {
  return escapeText(s).replace(/[!-/:-@[-^`{-~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\$&');
}

/** A backtick fence longer than any run of backticks in `lines` (CommonMark: a shorter run cannot close it). */
function codeFence(lines: readonly string[]): string {
  let longest = 0;
  for (const line of lines) {
    for (let k = line.indexOf('`'); k >= 0; k = line.indexOf('`', k)) {
      let end = k;
      while (line.charCodeAt(end) === 96) end++;
      if (end - k > longest) longest = end - k;
      k = end;
    }
  }
  return '`'.repeat(Math.max(3, longest + 1));
}

function typeText(m: DecodedMessage): string {
  return m.command ? `${m.typeName} ${m.command}` : m.typeName;
}

export function renderMarkdown(
  messages: readonly DecodedMessage[],
  context: string,
  options: MarkdownOptions = DEFAULTS,
): string {
  const total = messages.reduce((n, m) => Math.max(n, m.offset + Math.max(m.length, 0)), 0);
  const problems = messages.reduce((n, m) => n + m.problems.length, 0);
  const out: string[] = [
    `**Netlink** — ${messages.length} message${messages.length === 1 ? '' : 's'}, ${total} bytes, ${context}${problems > 0 ? ` — ⚠ ${problems} problem${problems === 1 ? '' : 's'}` : ''}`,
    '',
    '| # | len | type | flags | seq | pid |',
    '|--:|--:|:--|:--|--:|--:|',
  ];
  messages.slice(0, options.tableRows).forEach((m, i) => {
    const type = m.error && m.type === 2 ? `${m.typeName} ${m.error.name}` : typeText(m);
    out.push(
      `| ${i} | ${m.length} | ${markdownText(type)} | ${markdownText(m.flagNames.join(' ') || '0')} | ${m.seq} | ${m.pid} |`,
    );
  });
  if (messages.length > options.tableRows) {
    const counts = new Map<string, number>();
    for (const m of messages.slice(options.tableRows)) counts.set(m.typeName, (counts.get(m.typeName) ?? 0) + 1);
    out.push(
      '',
      `… and ${messages.length - options.tableRows} more: ${[...counts].map(([t, n]) => `${n}× ${markdownText(t)}`).join(', ')}`,
    );
  }
  messages.slice(0, options.detailed).forEach((m, i) => {
    const body: string[] = [];
    appendBodyLines(body, m, '', BRIEF);
    const fence = codeFence(body);
    out.push(
      '',
      `**#${i} ${markdownText(typeText(m))}**${m.family ? ` · ${markdownText(m.family)}` : ''} · @${m.offset}`,
      '',
      `${fence}text`,
    );
    for (const line of body) out.push(line);
    out.push(fence);
  });
  if (messages.length > options.detailed)
    out.push(
      '',
      `_${messages.length - options.detailed} more message(s) not expanded: use **Netlink: Decode Netlink Bytes in Selection** for all._`,
    );
  return out.join('\n');
}
