// Huge decodes render instead of overflowing the stack: a message with 200,000 attributes (alone and echoed in an
// NLMSG_ERROR) through the text renderer, the hover's Markdown and the decode report. No renderer spreads an unbounded
// array into a call's arguments.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  concatBytes,
  createRegistry,
  decodeMessages,
  encodeAttrs,
  encodeMessage,
  encodeScalar,
  renderMarkdown,
  renderText,
  toHex,
} from '../../extension/src/netlink/index';
import type { AttrInput } from '../../extension/src/netlink/index';
import { decodeReport } from '../../extension/src/server/report';

const COUNT = 200_000;
const empty = (): AttrInput[] => Array.from({ length: COUNT }, () => ({ type: 0x3ff, payload: new Uint8Array(0) }));
const link = (attrs: AttrInput[]): Uint8Array =>
  encodeMessage({ type: 16, flags: 0, seq: 1, pid: 0 }, concatBytes([new Uint8Array(16), encodeAttrs(attrs)]));
const NLMSG_ERROR = 2;

describe('renderers on 200,000 attributes', () => {
  it('text: one line per attribute, in a message and in the request an error echoes', () => {
    const request = link(empty());
    const top = renderText(decodeMessages(request, { protocol: 0 }));
    assert.equal(top.split('\n').length, 2 + COUNT);
    const error = encodeMessage(
      { type: NLMSG_ERROR, flags: 0, seq: 1, pid: 0 },
      concatBytes([encodeScalar('s32', -22), request]),
    );
    const echoed = renderText(decodeMessages(error, { protocol: 0 }));
    assert.equal(echoed.split('\n').length, 4 + COUNT);
  });

  it('hover Markdown: the first attributes and the count of the rest', () => {
    const markdown = renderMarkdown(decodeMessages(link(empty()), { protocol: 0 }), 'test');
    assert.match(markdown, new RegExp(`… ${COUNT - 60} more attributes`));
  });

  it('decode report', () => {
    const report = decodeReport(toHex(link(empty())), 'big.log', 0, false, createRegistry());
    assert.equal(report.messages, 1);
    assert.ok(report.report.split('\n').length > COUNT);
  });
});
