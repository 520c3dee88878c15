// Hovering real netlink bytes in the fixtures returns the decoded message from the language server. Each test
// activates the extension itself (a no-op once it is active), so any one of them can run alone.
import * as assert from 'node:assert/strict';
import { activateExtension, hoverText, hoverUntil, openFixture, positionOf } from '../helpers';
import { describe, it } from '../runner';

interface HoverCase {
  name: string;
  file: string;
  /** The hover position: `offset` characters into the first `needle` after `anchor`. */
  anchor: string;
  needle: string;
  offset: number;
  expected: (string | RegExp)[];
}

const cases: HoverCase[] = [
  {
    name: 'decodes the RTM_NEWLINK reply for lo in a C byte array',
    file: 'rtnetlink.c',
    // The 5th byte of the reply: inside the nlmsghdr (type 0x10 = RTM_NEWLINK).
    anchor: 'newlink_lo_reply',
    needle: '0x10',
    offset: 2,
    expected: ['RTM_NEWLINK', 'IFLA_IFNAME', /\blo\b/],
  },
  {
    name: 'decodes the RTM_GETLINK request with its flags',
    file: 'rtnetlink.c',
    anchor: 'getlink_lo_request',
    needle: '0x12',
    offset: 2,
    expected: ['RTM_GETLINK', 'NLM_F_REQUEST'],
  },
  {
    name: 'decodes an NLMSG_ERROR from spaced hex in a log with its errno name',
    file: 'kernel.log',
    // "ed ff ff ff" is the error field: -19.
    anchor: 'nldump: rx',
    needle: 'ed ff ff ff',
    offset: 1,
    expected: ['NLMSG_ERROR', 'ENODEV'],
  },
  {
    name: 'decodes a strace string with \\x escapes',
    file: 'kernel.log',
    anchor: 'recvfrom(3, "',
    needle: '\\x34',
    offset: 2,
    expected: ['NLMSG_ERROR', 'ENODEV'],
  },
];

describe('hover', () => {
  for (const c of cases) {
    // The first hover also waits for the language server to start, hence the longer deadline.
    it(
      c.name,
      async () => {
        await activateExtension();
        const editor = await openFixture(c.file);
        await hoverUntil(
          editor.document.uri,
          positionOf(editor.document, c.anchor, c.needle, c.offset),
          c.expected,
          45_000,
        );
      },
      60_000,
    );
  }

  it('gives no netlink hover on ordinary text', async () => {
    await activateExtension();
    const editor = await openFixture('rtnetlink.c');
    const doc = editor.document;
    // The server answers hovers in this file: the empty answer below is its verdict, not its absence.
    await hoverUntil(doc.uri, positionOf(doc, 'getlink_lo_request', '0x12', 2), ['RTM_GETLINK'], 45_000);
    const text = await hoverText(doc.uri, positionOf(doc, 'size_t', 'fixture_bytes', 3));
    assert.doesNotMatch(text, /RTM_|NLMSG_/, 'a netlink hover on a function name');
  }, 60_000);
});
