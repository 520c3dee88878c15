// One line naming a message for lists (history, replies): "RTM_GETLINK NLM_F_REQUEST|NLM_F_DUMP seq=1".
import { decodeMessages, escapeText } from '../../../extension/src/netlink/index';
import type { DecodedMessage, FamilyRegistry } from '../../../extension/src/netlink/index';

/** Names and the ext-ack message escaped as in every view (escape.ts): this line also titles history entries. */
export function messageLine(m: DecodedMessage): string {
  const type = m.command ? `${m.typeName} ${m.command}` : m.typeName;
  const flags = m.flagNames.length > 0 ? m.flagNames.join('|') : '0';
  let tail = '';
  if (m.error) tail = m.error.code === 0 ? ' ACK' : ` ${m.error.name}${m.error.message ? `: ${m.error.message}` : ''}`;
  return escapeText(`${type} ${flags} seq=${m.seq}${tail}`);
}

export function summarize(bytes: Uint8Array, protocol: number, registry: FamilyRegistry): string {
  const messages = decodeMessages(bytes, { protocol, registry, maxMessages: 4 });
  const first = messages[0];
  if (!first) return `${bytes.length} bytes`;
  return messages.length > 1 ? `${messageLine(first)} (+${messages.length - 1} more)` : messageLine(first);
}
