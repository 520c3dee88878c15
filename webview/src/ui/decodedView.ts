// A decoded message as an expandable tree (details/summary: keyboard-operable without any script): header line,
// fixed header fields, attributes with their offsets, errors with their extended ack, problems.
// Decoded strings and spec names only ever become text nodes (h() appends strings as text, never HTML), and are
// escaped as in every other view (escape.ts), so control and bidi characters show as \n, \x1b, \u{202e}.
// Lists are filled in loops: a reply can hold tens of thousands of attributes or messages, too many to spread
// into one call's arguments.
import type { DecodedAttr, DecodedError, DecodedMessage } from '../../../extension/src/netlink/index';
import { escapeText, fieldsText, quoteText } from '../../../extension/src/netlink/index';
import { messageLine } from '../model/summary';
import { h } from './dom';

export interface DecodedViewOptions {
  /** Clicking an attribute or problem with a byte offset (the preview uses it to move the hex cursor). */
  readonly onOffset?: (offset: number) => void;
  readonly testid: string;
  /** Open the message nodes (a single preview) or leave them closed (a long dump). */
  readonly open: boolean;
}

const MAX_HEX_CHARS = 96;

function valueText(a: DecodedAttr): string {
  const v = a.value;
  if (v === undefined) return a.attrs ? `(${a.attrs.length} nested)` : '';
  if (typeof v === 'boolean') return 'true';
  if (a.kind === 'string') return quoteText(String(v));
  if (a.valueName !== undefined)
    return typeof v === 'number' || /^-?\d+$/.test(String(v))
      ? `${v} (${escapeText(a.valueName)})`
      : escapeText(a.valueName);
  const s = String(v);
  return s.length > MAX_HEX_CHARS ? `${s.slice(0, MAX_HEX_CHARS)}… (${s.length / 2} bytes)` : s;
}

/** `parent` with one child per item, appended one by one. */
function listOf<T>(parent: HTMLElement, items: readonly T[], node: (item: T, i: number) => HTMLElement): HTMLElement {
  items.forEach((item, i) => parent.append(node(item, i)));
  return parent;
}

function offsetLink(offset: number, text: string, o: DecodedViewOptions): HTMLElement {
  if (!o.onOffset) return h('span', {}, text);
  const link = h('a', { href: '#', class: 'offset-link', 'data-offset': offset, title: `show byte ${offset}` }, text);
  link.addEventListener('click', (e) => {
    e.preventDefault();
    o.onOffset!(offset);
  });
  return link;
}

function attrNode(a: DecodedAttr, o: DecodedViewOptions): HTMLElement {
  const line = h(
    'span',
    { class: 'attr-line' },
    offsetLink(a.offset, escapeText(a.name), o),
    ' ',
    h('span', { class: 'value' }, valueText(a)),
    a.fields ? h('span', { class: 'fields' }, ` ${fieldsText(a.fields)}`) : null,
    h('span', { class: 'muted' }, ` @${a.offset} len ${a.length}${a.netByteOrder ? ' net-byte-order' : ''}`),
  );
  if (!a.attrs || a.attrs.length === 0) return h('li', {}, line);
  return h(
    'li',
    {},
    h(
      'details',
      {},
      h('summary', {}, line),
      listOf(h('ul', { class: 'attrs' }), a.attrs, (c) => attrNode(c, o)),
    ),
  );
}

function errorNode(e: DecodedError, o: DecodedViewOptions): HTMLElement {
  const lines: (HTMLElement | string)[] = [
    h(
      'div',
      { class: e.code === 0 ? 'ack' : 'error-code' },
      e.code === 0 ? 'ACK (error 0)' : `error ${e.code} ${escapeText(e.name)}`,
    ),
  ];
  if (e.message !== undefined)
    lines.push(h('div', { 'data-testid': 'extack-message' }, `ext-ack: ${escapeText(e.message)}`));
  if (e.offset !== undefined)
    lines.push(h('div', {}, `offset ${e.offset} into the request${e.attrPath ? `: ${escapeText(e.attrPath)}` : ''}`));
  if (e.missType !== undefined)
    lines.push(
      h(
        'div',
        {},
        `missing attribute ${e.missType}${e.missTypeName ? ` (${escapeText(e.missTypeName)})` : ''}${e.missNest !== undefined ? ` in the nest at offset ${e.missNest}` : ''}`,
      ),
    );
  if (e.cookie !== undefined) lines.push(h('div', {}, `cookie ${escapeText(e.cookie)}`));
  if (e.request)
    lines.push(
      h(
        'details',
        {},
        h('summary', {}, `echoed request: ${messageLine(e.request)}`),
        messageBody(e.request, { ...o, onOffset: undefined }),
      ),
    );
  return h('div', { class: 'decoded-error' }, ...lines);
}

function messageBody(m: DecodedMessage, o: DecodedViewOptions): HTMLElement {
  return h(
    'div',
    { class: 'msg-body' },
    m.header ? h('div', { class: 'fields' }, fieldsText(m.header)) : null,
    m.text !== undefined ? h('div', { class: 'text-payload' }, `text ${quoteText(m.text)}`) : null,
    m.payloadHex !== undefined
      ? h(
          'div',
          { class: 'muted' },
          `payload ${m.payloadHex.slice(0, MAX_HEX_CHARS)}${m.payloadHex.length > MAX_HEX_CHARS ? '…' : ''}`,
        )
      : null,
    m.error ? errorNode(m.error, o) : null,
    m.attrs.length > 0 ? listOf(h('ul', { class: 'attrs' }), m.attrs, (a) => attrNode(a, o)) : null,
    m.problems.length > 0
      ? listOf(h('ul', { class: 'problems' }), m.problems, (p) =>
          h('li', {}, offsetLink(p.offset, `@${p.offset}`, o), ` ${escapeText(p.message)}`),
        )
      : null,
  );
}

export function decodedView(messages: readonly DecodedMessage[], o: DecodedViewOptions): HTMLElement {
  return listOf(h('div', { class: 'decoded', 'data-testid': o.testid }), messages, (m, i) =>
    h(
      'details',
      {
        class: `msg${m.error && m.error.code !== 0 ? ' msg-error' : ''}`,
        open: o.open,
        'data-testid': `${o.testid}-msg-${i}`,
      },
      h('summary', {}, `#${i} ${messageLine(m)}${m.family ? ` [${escapeText(m.family)}]` : ''} len=${m.length}`),
      messageBody(m, o),
    ),
  );
}
