// Loading bytes back into the builder form: the form must give back exactly the bytes it was loaded from, for
// the requests and every reply message of the kernel fixtures, with names where the family defines them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRegistry, toHex } from '../../extension/src/netlink/index';
import { buildMessage } from '../../webview/src/model/encode';
import { loadMessage } from '../../webview/src/model/load';
import { lineColumn, parseLoadText } from '../../webview/src/model/loadText';
import { initialState } from '../../webview/src/model/state';
import { fixtureNames, loadFixture } from '../fixtures/load';

function messagesOf(buffer: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  for (let pos = 0; pos + 16 <= buffer.length;) {
    const len = view.getUint32(pos, true);
    out.push(buffer.subarray(pos, pos + len));
    pos += (len + 3) & ~3;
  }
  return out;
}

function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
}

describe('builder: load from bytes', () => {
  it('RTM_NEWLINK with nested attributes loads into named fields and re-encodes to the same bytes', () => {
    const registry = createRegistry();
    const hex =
      '3c00000010000506020000000000000000000000000000000000000000000000' +
      '0b00030064756d6d79300000100012800a00010064756d6d79000000';
    const r = loadMessage(fromHex(hex), 0, registry);
    assert.ok('state' in r);
    assert.equal(r.exact, true);
    assert.deepEqual(r.notes, []);
    const s = r.state;
    assert.equal(s.messageType, 'RTM_NEWLINK');
    assert.equal(s.flags, 0x605);
    assert.equal(s.seq, '2');
    assert.equal(s.payloadMode, 'attrs');
    assert.deepEqual(Object.keys(s.header), ['ifi_family', 'ifi_type', 'ifi_index', 'ifi_flags', 'ifi_change']);
    assert.equal(s.header.ifi_index, '0');
    assert.deepEqual(
      s.attrs.map((a) => [a.type, a.value, a.children.map((c) => [c.type, c.value])]),
      [
        ['IFLA_IFNAME', 'dummy0', []],
        ['IFLA_LINKINFO', '', [['IFLA_INFO_KIND', 'dummy']]],
      ],
    );
    assert.equal(toHex(buildMessage(s, registry).bytes), hex);
  });

  it('every fixture request and every reply message round-trips exactly', () => {
    let count = 0;
    for (const name of fixtureNames()) {
      const f = loadFixture(name);
      const registry = createRegistry();
      if (f.genlFamily) registry.bindGenlId(f.genlFamily.id, f.genlFamily.name);
      for (const msg of [f.request, ...f.buffers.flatMap(messagesOf)]) {
        const r = loadMessage(msg, f.protocol, registry);
        assert.ok('state' in r, `${name}: ${'error' in r ? r.error : ''}`);
        assert.equal(r.exact, true, `${name} message ${count}: ${r.notes.join('; ')}`);
        const back = buildMessage(r.state, registry);
        assert.equal(toHex(back.bytes.subarray(0, msg.length)), toHex(msg), `${name}: re-encoded bytes`);
        count++;
      }
    }
    assert.ok(count > 40, `only ${count} messages in the fixtures`);
  });

  it('names what it can: genl family and command, nested ops of an nlctrl reply keep their structure', () => {
    const f = loadFixture('genl-getfamily-nlctrl');
    const registry = createRegistry();
    const req = loadMessage(f.request, 16, registry);
    assert.ok('state' in req);
    assert.equal(req.state.genlFamily, 'nlctrl');
    assert.equal(req.state.genlFamilyId, '');
    assert.equal(req.state.messageType, 'CTRL_CMD_GETFAMILY');
    assert.deepEqual(
      req.state.attrs.map((a) => [a.type, a.value]),
      [['CTRL_ATTR_FAMILY_NAME', 'nlctrl']],
    );
    const reply = loadMessage(f.buffers[0]!, 16, registry);
    assert.ok('state' in reply);
    assert.equal(reply.state.messageType, 'CTRL_CMD_NEWFAMILY');
    const ops = reply.state.attrs.find((a) => a.type === 'CTRL_ATTR_OPS');
    assert.ok(ops);
    // Indexed array: entries are numbered, each a nest of CTRL_ATTR_OP_* attributes.
    assert.equal(ops.children[0]!.type, '1');
    assert.deepEqual(
      ops.children[0]!.children.map((c) => c.type),
      ['CTRL_ATTR_OP_ID', 'CTRL_ATTR_OP_FLAGS'],
    );
  });

  it('falls back to hex per attribute, then for the payload, and says when bytes cannot be reproduced', () => {
    const registry = createRegistry();
    // IFLA_IFNAME "lo" without its NUL: a string the form would NUL-terminate, so it stays hex.
    const noNul = fromHex('2800000010000500010000000000000000000000000000000000000000000000' + '06000300' + '6c6f0000');
    const a = loadMessage(noNul, 0, registry);
    assert.ok('state' in a);
    assert.equal(a.exact, true);
    assert.deepEqual(
      a.state.attrs.map((n) => [n.type, n.kind, n.value]),
      [['IFLA_IFNAME', 'binary', '6c 6f']],
    );
    // Attributes that do not frame (nla_len 3): the whole payload becomes hex.
    const broken = fromHex(
      '2800000010000500010000000000000000000000000000000000000000000000' + '03000300' + '6c6f0000',
    );
    const b = loadMessage(broken, 0, registry);
    assert.ok('state' in b);
    assert.equal(b.state.payloadMode, 'hex');
    assert.equal(b.state.payloadHex, '03 00 03 00 6c 6f 00 00');
    assert.equal(b.exact, true);
    // Non-zero padding inside the message: attributes cannot say it, the hex payload can.
    const dirtyPad = fromHex('2800000010000500010000000000000000000000000000000000000000000000' + '07000300616200ff');
    const c = loadMessage(dirtyPad, 0, registry);
    assert.ok('state' in c);
    assert.equal(c.exact, true);
    assert.equal(c.state.payloadMode, 'hex');
    // genlmsghdr.reserved is always sent as 0: a message with another value cannot be reproduced, and it says so.
    const reserved = fromHex('14000000100001000100000000000000' + '03010100');
    const d = loadMessage(reserved, 16, registry);
    assert.ok('state' in d);
    assert.equal(d.exact, false);
    assert.deepEqual(d.notes, [
      'genlmsghdr.reserved is not 0; the form always sends 0',
      'the form re-encodes these bytes differently from byte 18 on (bytes the form cannot express, such as non-zero padding)',
    ]);
  });

  it('loads several messages as the first one and tells; refuses too few bytes', () => {
    const registry = createRegistry();
    const one = buildMessage(initialState(), registry).bytes;
    const two = new Uint8Array([...one, ...one]);
    const r = loadMessage(two, 0, registry);
    assert.ok('state' in r);
    assert.deepEqual(r.notes, ['the bytes hold 2 messages; only the first is in the form']);
    assert.deepEqual(loadMessage(one.subarray(0, 10), 0, registry), {
      error: '10 bytes are too few for a 16-byte nlmsghdr',
    });
  });
});

describe('builder: the "Load bytes" box', () => {
  it('reads hex in the forms people paste (spaced, C array with its declaration)', () => {
    const want = [0x20, 0x00, 0x0a, 0xff];
    for (const text of [
      '20 00 0a ff',
      '20000aff',
      'static const unsigned char msg[] = {\n\t0x20, 0x00,\n\t0x0a, 0xff,\n};\n',
    ]) {
      const r = parseLoadText(text);
      assert.ok('bytes' in r, `${JSON.stringify(text)}: ${JSON.stringify(r)}`);
      assert.deepEqual([...r.bytes], want, JSON.stringify(text));
    }
  });

  it('bad hex: what is wrong, at which line and column', () => {
    assert.deepEqual(parseLoadText('20 00 00 00 1'), {
      error: 'odd number of hex digits (1) in "1": every byte needs two, at line 1, column 13',
      offset: 12,
    });
    assert.deepEqual(parseLoadText('20 00\n00 0z 00'), {
      error: 'unexpected character "z" in "0z", at line 2, column 5',
      offset: 10,
    });
    assert.deepEqual(parseLoadText('  \n'), { error: 'nothing to load: paste the message as hex first', offset: 0 });
  });

  it('line and column count from 1, columns restart after each newline', () => {
    assert.deepEqual(lineColumn('abc', 0), { line: 1, column: 1 });
    assert.deepEqual(lineColumn('ab\ncd\nef', 7), { line: 3, column: 2 });
    assert.deepEqual(lineColumn('ab\n', 3), { line: 2, column: 1 });
  });
});
