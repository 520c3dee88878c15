// The server's hover answer on real-shaped texts: a C array, a log line, a strace string, and text that only
// looks like hex. Pure code (no LSP): the in-host and UI tiers check the same through VS Code.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  concatBytes,
  createRegistry,
  encodeAttrs,
  encodeMessage,
  encodeString,
  toHex,
} from '../../extension/src/netlink/index';
import { hoverAt } from '../../extension/src/server/hover';

const ifinfo = new Uint8Array(16);
new DataView(ifinfo.buffer).setInt32(4, 1, true);
const link = encodeMessage(
  { type: 16, flags: 2, seq: 9, pid: 321 },
  concatBytes([ifinfo, encodeAttrs([{ type: 3, payload: encodeString('lo') }])]),
);
const bytes = [...link].map((b) => b.toString(16).padStart(2, '0'));
const registry = createRegistry();

describe('hover', () => {
  it('decodes a C byte array hovered in its middle', () => {
    const c = `int x;\nstatic const unsigned char reply[] = {\n  ${bytes.map((b) => `0x${b}`).join(', ')}\n};\nint y;\n`;
    const at = c.indexOf('0x10'); // the nlmsg_type byte
    const answer = hoverAt(c, at + 1, 0, registry);
    assert.ok(answer);
    assert.match(answer.markdown, /\| 0 \| 40 \| RTM_NEWLINK \| NLM_F_MULTI \| 9 \| 321 \|/);
    assert.match(answer.markdown, /IFLA_IFNAME = "lo"/);
    assert.equal(c.slice(answer.start, answer.start + 4), '0x28');
    assert.equal(hoverAt(c, c.indexOf('int y'), 0, registry), undefined);
  });

  it('decodes a log line with spaced hex and a strace \\x string', () => {
    const log = `[  1.0] nl: ${bytes.join(' ')}\n`;
    assert.match(hoverAt(log, log.indexOf(bytes[5]!, 14) + 1, 0, registry)!.markdown, /RTM_NEWLINK/);
    const strace = `sendto(3, "${bytes.map((b) => `\\x${b}`).join('')}", 40, 0, NULL, 0) = 40\n`;
    assert.match(hoverAt(strace, strace.indexOf('\\x') + 8, 0, registry)!.markdown, /IFLA_IFNAME = "lo"/);
  });

  it('stays quiet on hex that cannot be a netlink message', () => {
    const sha = 'commit 3f786850e387550fdab836ed7e6dc881de23001b\n';
    assert.equal(hoverAt(sha, 12, 0, registry), undefined);
    const tooShort = 'key: de ad be ef\n';
    assert.equal(hoverAt(tooShort, 7, 0, registry), undefined);
  });

  it('summarises a long dump instead of expanding every message', () => {
    const many = toHex(concatBytes(Array.from({ length: 40 }, () => link)));
    const answer = hoverAt(many, 10, 0, registry)!;
    assert.match(answer.markdown, /40 messages, 1600 bytes/);
    assert.match(answer.markdown, /… and 24 more: 24× RTM_NEWLINK/);
    assert.match(answer.markdown, /36 more message\(s\) not expanded/);
  });
});

describe('protocol hints near the hex', () => {
  const genl = encodeMessage(
    { type: 0x10, flags: 5, seq: 1, pid: 0 },
    concatBytes([Uint8Array.from([3, 1, 0, 0]), encodeAttrs([{ type: 2, payload: encodeString('nlctrl') }])]),
  );
  const hex = toHex(genl);

  it('decodes as generic netlink when the line above names the protocol', () => {
    for (const above of [
      '# protocol=16 request',
      'socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC) = 3',
      'proto: generic',
    ]) {
      const text = `${above}\n${hex}\n`;
      const answer = hoverAt(text, text.indexOf(hex) + 4, 0, registry)!;
      assert.match(answer.markdown, /nlctrl CTRL_CMD_GETFAMILY/, above);
    }
  });

  it('uses the default without a hint: not from further up, not from prose', () => {
    for (const before of ['protocol=16\nsecond\n', 'nlreply: loaded, protocol 16\n']) {
      const text = `${before}${hex}\n`;
      assert.match(hoverAt(text, text.indexOf(hex) + 4, 0, registry)!.markdown, /route \(0\)/, before);
    }
  });
});
