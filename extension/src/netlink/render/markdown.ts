// Markdown for hovers: a table of the messages (len, type, flags, seq, pid), then each message's tree in a
// code block. Long dumps are summarised: the first messages in full, the rest counted by type.
import type { DecodedMessage } from '../types';
import { BRIEF, bodyLines } from './lines';

export interface MarkdownOptions {
  /** Messages shown with their attribute tree; later ones only in the table and the count. */
  readonly detailed: number;
  /** Rows in the table before the rest is counted. */
  readonly tableRows: number;
}

const DEFAULTS: MarkdownOptions = { detailed: 4, tableRows: 16 };

function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

export function renderMarkdown(messages: readonly DecodedMessage[], context: string, options: MarkdownOptions = DEFAULTS): string {
  const total = messages.reduce((n, m) => Math.max(n, m.offset + Math.max(m.length, 0)), 0);
  const problems = messages.reduce((n, m) => n + m.problems.length, 0);
  const out: string[] = [
    `**Netlink** — ${messages.length} message${messages.length === 1 ? '' : 's'}, ${total} bytes, ${context}${problems > 0 ? ` — ⚠ ${problems} problem${problems === 1 ? '' : 's'}` : ''}`,
    '',
    '| # | len | type | flags | seq | pid |',
    '|--:|--:|:--|:--|--:|--:|',
  ];
  messages.slice(0, options.tableRows).forEach((m, i) => {
    const type = m.error && m.type === 2 ? `${m.typeName} ${m.error.name}` : m.command ? `${m.typeName} ${m.command}` : m.typeName;
    out.push(`| ${i} | ${m.length} | ${cell(type)} | ${cell(m.flagNames.join(' ') || '0')} | ${m.seq} | ${m.pid} |`);
  });
  if (messages.length > options.tableRows) {
    const counts = new Map<string, number>();
    for (const m of messages.slice(options.tableRows)) counts.set(m.typeName, (counts.get(m.typeName) ?? 0) + 1);
    out.push('', `… and ${messages.length - options.tableRows} more: ${[...counts].map(([t, n]) => `${n}× ${t}`).join(', ')}`);
  }
  messages.slice(0, options.detailed).forEach((m, i) => {
    out.push('', `**#${i} ${cell(m.command ? `${m.typeName} ${m.command}` : m.typeName)}**${m.family ? ` · ${m.family}` : ''} · @${m.offset}`, '', '```text');
    out.push(...bodyLines(m, '', BRIEF));
    out.push('```');
  });
  if (messages.length > options.detailed) out.push('', `_${messages.length - options.detailed} more message(s) not expanded: use **Netlink: Decode Netlink Bytes in Selection** for all._`);
  return out.join('\n');
}
