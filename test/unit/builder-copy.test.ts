// "Copy as" outputs of the builder, exact strings; value editors' text ↔ bytes; the webview protocol's checks
// and the family catalog's JSON round trip.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRegistry, decodeMessages } from '../../extension/src/netlink/index';
import { loadYnlSpec } from '../../extension/src/netlink/ynl/index';
import { catalogOf } from '../../extension/src/builder/catalog';
import { parseIpv6 } from '../../webview/src/model/addresses';
import { registryFromCatalog } from '../../webview/src/model/catalog';
import type { CatalogJson } from '../../extension/src/protocol/webview';
import {
  copyAs,
  copyAsCArray,
  copyAsCString,
  copyAsHex,
  copyAsNlhelper,
  copyAsYnlCli,
  copyAsYnlJson,
} from '../../webview/src/model/copyAs';
import { addAttr, findNode, setGenlFamily, setMessageType, setProtocol } from '../../webview/src/model/edit';
import { buildMessage } from '../../webview/src/model/encode';
import { initialState } from '../../webview/src/model/state';
import { encodeValue, valueText } from '../../webview/src/model/values';
import { checkWebviewMessage } from '../../extension/src/protocol/webview';

const registry = createRegistry();
const getlink = buildMessage(initialState(), registry).bytes;

describe('builder: copy as', () => {
  it('hex, C array, C string and the nlhelper command line', () => {
    assert.equal(copyAsHex(getlink), '2000000012000103010000000000000000000000000000000000000000000000');
    assert.equal(
      copyAsCArray(getlink),
      [
        'unsigned char msg[32] = {',
        '\t0x20, 0x00, 0x00, 0x00, 0x12, 0x00, 0x01, 0x03,',
        '\t0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,',
        '\t0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,',
        '\t0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,',
        '};',
      ].join('\n'),
    );
    assert.equal(copyAsCString(getlink.subarray(0, 8)), '"\\x20\\x00\\x00\\x00\\x12\\x00\\x01\\x03"');
    assert.equal(
      copyAsNlhelper(0, getlink),
      'nlhelper xchg --protocol 0 2000000012000103010000000000000000000000000000000000000000000000',
    );
  });

  it('YNL JSON and cli command for a spec family; none for the built-in tables', () => {
    assert.equal(copyAsYnlJson(initialState(), registry), undefined);
    assert.equal(copyAs('ynl-cli', initialState(), registry, getlink, 0), undefined);
    const spec = loadYnlSpec(
      [
        'name: wb-builder',
        'protocol: genetlink',
        'attribute-sets:',
        '  - name: dev',
        '    attributes:',
        '      - { name: ifindex, type: u32 }',
        '      - { name: name, type: string }',
        '      - { name: addr, type: binary, display-hint: ipv4 }',
        '      - { name: up, type: flag }',
        '      - { name: queue, type: nest, nested-attributes: queue, multi-attr: true }',
        '  - name: queue',
        '    attributes:',
        '      - { name: id, type: u32 }',
        'operations:',
        '  list:',
        '    - name: dev-get',
        '      attribute-set: dev',
        '      do: { request: { attributes: [ ifindex, name, addr, up, queue ] } }',
        '      dump: { request: { attributes: [ ifindex ] } }',
      ].join('\n'),
      'Documentation/netlink/specs/wb builder.yaml',
    );
    assert.deepEqual(spec.problems, []);
    const reg = createRegistry([spec.family!]);
    const s = initialState();
    setProtocol(s, 'generic', reg);
    setGenlFamily(s, 'wb-builder', reg);
    s.flags = 0x5;
    const set = (type: string, value: string, parent?: number): number => {
      const id = addAttr(s, reg, parent, type)!;
      findNode(s.attrs, id)!.value = value;
      return id;
    };
    set('ifindex', '3');
    set('name', "it's");
    set('addr', '192.0.2.1');
    set('up', '');
    set('id', '7', set('queue', ''));
    set('id', '8', set('queue', ''));
    assert.equal(
      copyAsYnlJson(s, reg),
      '{"ifindex":3,"name":"it\'s","addr":"192.0.2.1","up":true,"queue":[{"id":7},{"id":8}]}',
    );
    assert.equal(
      copyAsYnlCli(s, reg),
      "ynl --spec 'Documentation/netlink/specs/wb builder.yaml' --do 'dev-get' --json " +
        `'{"ifindex":3,"name":"it'\\''s","addr":"192.0.2.1","up":true,"queue":[{"id":7},{"id":8}]}'`,
    );
    s.flags = 0x301;
    s.attrs = [];
    assert.equal(copyAsYnlCli(s, reg), "ynl --spec 'Documentation/netlink/specs/wb builder.yaml' --dump 'dev-get'");
  });
});

describe('builder: value editors', () => {
  it('text → bytes → the same text, for every kind the loader writes back', () => {
    const cases: [Parameters<typeof encodeValue>[0], string, string][] = [
      [{ kind: 'u8', bigEndian: false }, '255', 'ff'],
      [{ kind: 's16', bigEndian: false }, '-2', 'feff'],
      [{ kind: 'u16', bigEndian: true }, '8080', '1f90'],
      [{ kind: 'u64', bigEndian: false }, '18446744073709551615', 'ffffffffffffffff'],
      [{ kind: 'uint', bigEndian: false }, '4294967296', '0000000001000000'],
      [{ kind: 'uint', bigEndian: false }, '5', '05000000'],
      [{ kind: 'sint', bigEndian: false }, '-1', 'ffffffff'],
      [{ kind: 'string', bigEndian: false }, 'eth0', '6574683000'],
      [{ kind: 'binary', display: 'mac', bigEndian: false }, '02:00:5e:10:00:01', '02005e100001'],
      [{ kind: 'binary', display: 'ipv6', bigEndian: false }, '2001:db8::1', '20010db8000000000000000000000001'],
      // The decoder's text for an IPv4-mapped address, dotted tail and all.
      [{ kind: 'binary', display: 'ipv6', bigEndian: false }, '::ffff:192.0.2.1', '00000000000000000000ffffc0000201'],
      [
        { kind: 'binary', display: 'uuid', bigEndian: false },
        '12345678-9abc-def0-1234-56789abcdef0',
        '123456789abcdef0123456789abcdef0',
      ],
      [{ kind: 'bitfield32', bigEndian: false }, '0x1/0x3', '0100000003000000'],
      [{ kind: 'flag', bigEndian: false }, '', ''],
      [{ kind: 'binary', bigEndian: false }, '01 02 0a', '01020a'],
    ];
    for (const [spec, text, hex] of cases) {
      const r = encodeValue(spec, text);
      assert.ok('bytes' in r, `${spec.kind} ${text}: ${'error' in r ? r.error : ''}`);
      assert.equal(Buffer.from(r.bytes).toString('hex'), hex, `${spec.kind} ${text}`);
      assert.equal(valueText(spec, r.bytes), text, `${spec.kind} ${hex} back to text`);
    }
    assert.equal(
      valueText({ kind: 'string', bigEndian: false }, new Uint8Array([0x61, 0, 0x62, 0])),
      undefined,
      'inner NUL',
    );
    assert.equal(valueText({ kind: 'u32', bigEndian: false }, new Uint8Array(2)), undefined, 'wrong width');
  });

  it('IPv6 text forms, with the dotted tail and "::" anywhere', () => {
    const hex = (t: string): string => {
      const r = parseIpv6(t);
      return 'bytes' in r ? Buffer.from(r.bytes).toString('hex') : r.error;
    };
    assert.equal(hex('::'), '0'.repeat(32));
    assert.equal(hex('::1'), `${'0'.repeat(31)}1`);
    assert.equal(hex('fe80::'), `fe80${'0'.repeat(28)}`);
    assert.equal(hex('::192.0.2.1'), `${'0'.repeat(24)}c0000201`);
    assert.equal(hex('1:2:3:4:5:6:192.0.2.1'), '000100020003000400050006c0000201');
    assert.equal(hex('1:2:3:4:5:6:7'), '"1:2:3:4:5:6:7" has 7 groups; an IPv6 address has 8 (or uses "::")');
    assert.equal(hex('1:2:3:4:5:6:7::8'), '"1:2:3:4:5:6:7::8": too many groups for "::"');
    assert.equal(hex('12345::'), '"12345::": "12345" is not a group of 1-4 hex digits');
  });
});

describe('builder: protocol and catalog', () => {
  it('the catalog survives JSON and decodes the same as the registry it came from', () => {
    const spec = loadYnlSpec(
      'name: wb-x\nprotocol: genetlink\nattribute-sets: []\noperations: { list: [] }\n',
      'x.yaml',
    );
    const reg = createRegistry([spec.family!]);
    reg.bindGenlId(30, 'wb-x');
    const copy = registryFromCatalog(JSON.parse(JSON.stringify(catalogOf(reg))) as CatalogJson);
    assert.deepEqual(
      copy.families().map((f) => f.name),
      reg.families().map((f) => f.name),
    );
    assert.equal(copy.genlIdOf('wb-x'), 30);
    const bytes = buildMessage(initialState(), registry).bytes;
    assert.deepEqual(
      decodeMessages(bytes, { protocol: 0, registry: copy }),
      decodeMessages(bytes, { protocol: 0, registry: reg }),
    );
    const s = initialState();
    setMessageType(s, 'RTM_NEWLINK', copy);
    findNode(s.attrs, addAttr(s, copy, undefined, 'IFLA_ADDRESS')!)!.value = '02:00:00:00:00:01';
    assert.deepEqual(buildMessage(s, copy).bytes, buildMessage(s, reg).bytes);
  });

  it('messages from the webview are checked before the host acts on them', () => {
    assert.deepEqual(checkWebviewMessage({ type: 'ready' }), { message: { type: 'ready' } });
    const send = { type: 'send', requestId: 1, protocol: 0, hex: '2000', timeoutMs: 1000, summary: 'x' };
    assert.deepEqual(checkWebviewMessage(send), { message: send });
    assert.deepEqual(checkWebviewMessage({ ...send, protocol: 32 }), { error: 'send: protocol must be 0-31' });
    assert.deepEqual(checkWebviewMessage({ ...send, hex: '200' }), {
      error: 'send: hex must be non-empty contiguous hex',
    });
    assert.deepEqual(checkWebviewMessage({ ...send, timeoutMs: 700000 }), {
      error: 'send: timeoutMs must be 0-600000',
    });
    assert.deepEqual(checkWebviewMessage({ type: 'frob' }), { error: 'unknown message type "frob"' });
    assert.deepEqual(checkWebviewMessage(null), { error: 'message without a type' });
  });
});
