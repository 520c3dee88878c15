// "Export as C Program": the generated text (the bytes it sends, the names in its comments, how a generic family's
// id is found) and the escaping of everything given. That the text compiles warning-free and talks to a real
// kernel is the native tier's test/native/export-c.test.ts; against the reference module, the lab's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportCFileName, exportCProgram, type ExportCInput } from '../../extension/src/builder/exportC';
import { cCommentText, cStringLiteral } from '../../extension/src/builder/cText';
import { createRegistry } from '../../extension/src/netlink/index';
import { checkWebviewMessage } from '../../extension/src/protocol/webview';
import { NLM_F_ACK, NLM_F_REQUEST, getFamily, getLinkDump, newLinkBogusKind, nlmsg } from '../support/netlink-bytes';

function program(input: ExportCInput): string {
  const r = exportCProgram(input);
  assert.ok('text' in r, 'error' in r ? r.error : '');
  return r.text;
}

/** The bytes the program sends: its nlmsghdr/genlmsghdr initialisers and payload array read back. */
function sentBytes(text: string, genl: boolean): Buffer {
  const field = (name: string): number => {
    const m = new RegExp(`\\.${name} = (\\d+|GENL_ID_CTRL)`).exec(text);
    assert.ok(m, `no .${name} in the program`);
    return m[1] === 'GENL_ID_CTRL' ? 0x10 : Number(m[1]);
  };
  const flagsLine = /\.nlmsg_flags = .*\/\* 0x([0-9a-f]+) \*\/$/m.exec(text);
  assert.ok(flagsLine);
  const head = Buffer.alloc(genl ? 20 : 16);
  head.writeUInt32LE(field('nlmsg_len'), 0);
  head.writeUInt16LE(field('nlmsg_type'), 4);
  head.writeUInt16LE(parseInt(flagsLine[1]!, 16), 6);
  head.writeUInt32LE(field('nlmsg_seq'), 8);
  head.writeUInt32LE(field('nlmsg_pid'), 12);
  if (genl) {
    head[16] = field('cmd');
    head[17] = field('version');
    const reserved = /\.reserved = (\d+),/.exec(text);
    if (reserved) head.writeUInt16LE(Number(reserved[1]), 18);
  }
  const payload = /\.payload = \{\n([\s\S]*?)\n\t\},/.exec(text);
  const bytes = (payload?.[1] ?? '')
    .split('\n')
    .filter((l) => !l.trim().startsWith('/*'))
    .flatMap((l) => [...l.matchAll(/0x([0-9a-f]{2})/g)].map((m) => parseInt(m[1]!, 16)));
  return Buffer.concat([head, Buffer.from(bytes)]);
}

/** The C text with comments and string/char literals removed, as the compiler's first phases would see it. */
function codeOutsideCommentsAndStrings(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      assert.ok(end >= 0, `unterminated comment at ${i}`);
      i = end + 2;
      out += ' ';
    } else if (text[i] === '"' || text[i] === "'") {
      const quote = text[i]!;
      i++;
      while (i < text.length && text[i] !== quote) {
        assert.notEqual(text[i], '\n', `line break inside a literal at ${i}`);
        i += text[i] === '\\' ? 2 : 1;
      }
      i++;
      out += '""';
    } else out += text[i++];
  }
  return out;
}

describe('C text escaping', () => {
  it('string literals: quote, backslash, ? (no trigraph), control and non-ASCII bytes as 3-digit octal', () => {
    assert.equal(cStringLiteral('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(cStringLiteral('??/'), '"\\?\\?/"');
    assert.equal(cStringLiteral('x\n\u00001'), '"x\\012\\0001"');
    assert.equal(cStringLiteral('é'), '"\\303\\251"');
  });

  it('comments: no delimiter, line break or trigraph survives', () => {
    const hostile = 'a */ int evil; /* b\nc ??/ d\\';
    const out = cCommentText(hostile);
    assert.doesNotMatch(out, /\*\/|\/\*|\n|\?\?/);
    assert.ok(!out.endsWith('\\'));
    assert.match(out, /int evil/, 'the text is kept, only defused');
    assert.equal(cCommentText('x'.repeat(500)).length, 203);
  });
});

describe('exportCProgram', () => {
  it('a link dump: nlmsghdr by field, flags by name, the same bytes', () => {
    const bytes = getLinkDump(7);
    const text = program({ protocol: 0, bytes, summary: 'RTM_GETLINK dump' });
    assert.match(text, /\.nlmsg_type = 18, \/\* RTM_GETLINK \*\//);
    assert.match(text, /\.nlmsg_flags = NLM_F_REQUEST \| NLM_F_DUMP, \/\* 0x301 \*\//);
    assert.match(text, /#define NETLINK_PROTOCOL NETLINK_ROUTE/);
    assert.match(text, /NETLINK_EXT_ACK, &one/);
    assert.match(text, /#ifndef STRICT_CHECK\n#define STRICT_CHECK 0/, 'strict checking explained and switchable');
    assert.match(text, /MSG_PEEK \| MSG_TRUNC/);
    assert.match(text, /NLMSG_OK\(nlh, len\); nlh = NLMSG_NEXT\(nlh, len\)/);
    assert.deepEqual(sentBytes(text, false), bytes);
    assert.doesNotMatch(text, /resolve_family/);
  });

  it('attributes and the fixed header are named in comments, nests indented', () => {
    const bytes = newLinkBogusKind(13);
    const text = program({ protocol: 0, bytes, summary: 'new link' });
    assert.match(text, /\/\* fixed header: ifi_family = 0 \(AF_UNSPEC\),/);
    assert.match(text, /\/\* IFLA_IFNAME \(type 3\): string "nlhtest0" \*\//);
    assert.match(
      text,
      /\/\* IFLA_LINKINFO \(type 18, nested\): nest of 1 \*\/\n\t\t0x14, 0x00, 0x12, 0x80,\n\t\t {2}\/\* IFLA_INFO_KIND/,
    );
    assert.match(text, /NLM_F_REQUEST \| NLM_F_ACK \| NLM_F_EXCL \| NLM_F_CREATE/);
    // Ext-ack offsets are named by the innermost part that holds them.
    assert.match(
      text,
      /\{ 32, 45, "IFLA_IFNAME" \},\n\t\{ 48, 68, "IFLA_LINKINFO" \},\n\t\{ 52, 66, "IFLA_LINKINFO\.IFLA_INFO_KIND" \},/,
    );
    assert.deepEqual(sentBytes(text, false), bytes);
  });

  it('nlctrl keeps its fixed id GENL_ID_CTRL; no look-up', () => {
    const bytes = getFamily(9, 'nlctrl');
    const text = program({ protocol: 16, bytes, summary: 'get nlctrl' });
    assert.match(text, /\.nlmsg_type = GENL_ID_CTRL,/);
    assert.match(text, /\.cmd = 3, \/\* CTRL_CMD_GETFAMILY \*\//);
    assert.match(text, /#include <linux\/genetlink.h>/);
    assert.doesNotMatch(text, /resolve_family\(/);
    assert.deepEqual(sentBytes(text, true), bytes);
  });

  it('another generic family is looked up by name at run time, its id not written in', () => {
    const bytes = Buffer.from(getFamily(3, 'x').subarray(0, 20));
    bytes.writeUInt32LE(20, 0);
    bytes.writeUInt16LE(0x1c, 4);
    const text = program({ protocol: 16, bytes, summary: 'dev get', genlFamily: 'netdev' });
    assert.match(text, /#define FAMILY_NAME "netdev"/);
    assert.match(text, /\.nlmsg_type = 0, \/\* family netdev: its id is looked up at run time \(main\) \*\//);
    assert.match(text, /resolve_family\(&r, FAMILY_NAME, timeout_ms, &request\.nlh\.nlmsg_type\)/);
    assert.match(text, /CTRL_CMD_GETFAMILY/);
    assert.doesNotMatch(text, /nlmsg_type = 28/);
  });

  it('the family name comes from the registry when the form did not give one', () => {
    const registry = createRegistry();
    registry.bindGenlId(0x1c, 'nlwb-demo');
    const bytes = Buffer.alloc(20);
    bytes.writeUInt32LE(20, 0);
    bytes.writeUInt16LE(0x1c, 4);
    bytes.writeUInt16LE(NLM_F_REQUEST, 6);
    assert.match(program({ protocol: 16, bytes, summary: 's', registry }), /#define FAMILY_NAME "nlwb-demo"/);
    // Without any name the id is all there is: written in, and said to be this boot's.
    const bare = program({ protocol: 16, bytes, summary: 's' });
    assert.match(bare, /\.nlmsg_type = 28, \/\* the family id the builder used/);
    assert.doesNotMatch(bare, /resolve_family\(/);
  });

  it('a module protocol: the number, the text payload named, and no STRICT_CHK', () => {
    const bytes = nlmsg({ flags: NLM_F_REQUEST | NLM_F_ACK, seq: 5, payload: 'hello\0' });
    const text = program({ protocol: 31, bytes, summary: 'hello' });
    assert.match(text, /#define NETLINK_PROTOCOL 31\n/);
    assert.match(text, /\.nlmsg_len = 22, \/\* the message without its padding to 4 bytes, which REQUEST_LEN includes/);
    assert.match(text, /\/\* padding to a 4-byte boundary \*\/\n\t\t0x00, 0x00,\n/);
    assert.match(text, /\{ 16, 22, "the payload" \},/);
    assert.match(text, /only rtnetlink's GET requests look at it\. \*\/\n#define STRICT_CHECK 0/);
    assert.deepEqual(sentBytes(text, false), bytes);
  });

  it('hostile strings stay inside their comment or literal', () => {
    const summary = 'x */ #error broken /* ??/\n"\\';
    const text = program({ protocol: 16, bytes: getFamily(1, 'nlctrl'), summary, genlFamily: 'a"b', origin: '*/' });
    assert.doesNotMatch(text, /\?\?[=(/)'<!>-]/, 'no trigraph anywhere (they are replaced even in comments)');
    assert.doesNotMatch(codeOutsideCommentsAndStrings(text), /#error|broken/);
    assert.match(text, /#define REQUEST_SUMMARY "x \*\/ #error broken \/\* \\\?\\\?\/\\012\\"\\\\"/);
  });

  it('a length field that does not match: sent as composed, and said so', () => {
    const bytes = nlmsg({ lenField: 200, seq: 4, payload: 'abcd' });
    const text = program({ protocol: 31, bytes, summary: 'bad len' });
    assert.match(text, /\.nlmsg_len = 200, \/\* as composed; the program sends 20 bytes/);
    assert.match(text, /#define REQUEST_LEN 20\n/);
  });

  it('any bytes at all: the program sends exactly them (300 random messages, each protocol kind)', () => {
    let seed = 0x2545f491;
    const next = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed >>> 0;
    };
    for (let i = 0; i < 300; i++) {
      const protocol = [0, 16, 31][i % 3]!;
      const bytes = Buffer.from(Array.from({ length: 20 + (next() % 120) }, () => next() & 0xff));
      // Half of them framed like a message (nlmsg_len = the length), so the codec decodes and comments them.
      if (i % 2 === 0) bytes.writeUInt32LE(bytes.length, 0);
      const text = program({ protocol, bytes, summary: `random ${i}` });
      const expected = Buffer.from(bytes);
      if (protocol === 16 && expected.readUInt16LE(4) !== 0x10) {
        // No family name known for a random id: written in as it was.
        assert.match(text, /\.nlmsg_type = \d+, \/\* the family id the builder used/);
      }
      assert.deepEqual(sentBytes(text, protocol === 16), expected, `message ${i}: ${bytes.toString('hex')}`);
    }
  });

  it('refuses what is no message, with the reason', () => {
    assert.deepEqual(exportCProgram({ protocol: 0, bytes: new Uint8Array(8), summary: '' }), {
      error: '8 bytes cannot be sent as a program: a message needs its 16-byte header',
    });
    assert.match(
      (exportCProgram({ protocol: 16, bytes: new Uint8Array(16), summary: '' }) as { error: string }).error,
      /generic netlink message needs its 20-byte header/,
    );
    assert.match(
      (
        exportCProgram({ protocol: 16, bytes: getFamily(1, 'x'), summary: '', genlFamily: 'x'.repeat(16) }) as {
          error: string;
        }
      ).error,
      /longer than a family name can be/,
    );
    assert.match(
      (exportCProgram({ protocol: 40, bytes: getLinkDump(1), summary: '' }) as { error: string }).error,
      /0-31/,
    );
  });

  it('file names from the summary', () => {
    assert.equal(exportCFileName('RTM_GETLINK NLM_F_REQUEST seq=1'), 'rtm_getlink.c');
    assert.equal(exportCFileName('../../etc/passwd x'), 'etc_passwd.c');
    assert.equal(exportCFileName(''), 'netlink-request.c');
  });
});

describe('the exportC message from the webview', () => {
  const ok = { type: 'exportC', protocol: 0, hex: '1000', summary: 's', origin: 'o', timeoutMs: 2000 };
  it('passes a well-formed one, genlFamily optional', () => {
    assert.ok('message' in checkWebviewMessage(ok));
    assert.ok('message' in checkWebviewMessage({ ...ok, protocol: 16, genlFamily: 'netdev' }));
  });
  it('refuses each bad field by name', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ ...ok, protocol: 32 }, /protocol must be 0-31/],
      [{ ...ok, hex: '1' }, /hex must be/],
      [{ ...ok, hex: '' }, /hex must be/],
      [{ ...ok, timeoutMs: -1 }, /timeoutMs/],
      [{ ...ok, summary: 1 }, /summary and origin/],
      [{ ...ok, origin: undefined }, /summary and origin/],
      [{ ...ok, genlFamily: 5 }, /genlFamily must be a string/],
    ];
    for (const [m, re] of bad) {
      const r = checkWebviewMessage(m);
      assert.ok('error' in r && re.test(r.error), JSON.stringify(r));
    }
  });
});
