// The builder's pure model: form state → exact bytes through the codec, validation with field paths, the
// byte ↔ field map. Expected bytes are written out by hand from the uapi layouts (netlink-facts.md).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createRegistry, decodeMessages, toHex } from '../../extension/src/netlink/index';
import { loadYnlSpec } from '../../extension/src/netlink/ynl/index';
import { ByteMap } from '../../webview/src/model/byteMap';
import { addAttr, findNode, setFlag, setGenlFamily, setMessageType, setProtocol } from '../../webview/src/model/edit';
import { buildMessage } from '../../webview/src/model/encode';
import { initialState, type BuilderState } from '../../webview/src/model/state';

const registry = createRegistry();
const zeros = (n: number): string => '00'.repeat(n);

/** Adds an attribute with a value and returns its id. */
function add(state: BuilderState, parent: number | undefined, type: string, value = ''): number {
  const id = addAttr(state, registry, parent, type);
  assert.ok(id !== undefined);
  findNode(state.attrs, id)!.value = value;
  return id;
}

function newlinkDummy(): BuilderState {
  const s = initialState();
  setMessageType(s, 'RTM_NEWLINK', registry);
  s.flags = 0x605; // REQUEST|ACK|EXCL|CREATE
  s.seq = '2';
  add(s, undefined, 'IFLA_IFNAME', 'dummy0');
  const info = add(s, undefined, 'IFLA_LINKINFO');
  add(s, info, 'IFLA_INFO_KIND', 'dummy');
  return s;
}

describe('builder: encoding the form', () => {
  it('a fresh form is an RTM_GETLINK dump request with a zero ifinfomsg', () => {
    const r = buildMessage(initialState(), registry);
    assert.deepEqual(r.issues, []);
    assert.equal(r.protocol, 0);
    assert.equal(toHex(r.bytes), `20000000120001030100000000000000${zeros(16)}`);
  });

  it('fixed header fields take numbers and enum names', () => {
    const s = initialState();
    s.header = {
      ifi_family: 'AF_INET6',
      ifi_index: '0x7',
      ifi_flags: 'IFF_UP|IFF_RUNNING',
      ifi_type: '0',
      ifi_change: '0',
    };
    s.flags = 0x1;
    const r = buildMessage(s, registry);
    assert.deepEqual(r.issues, []);
    // ifi_family 10, pad, ifi_type 0, ifi_index 7, ifi_flags 0x41, ifi_change 0
    assert.equal(toHex(r.bytes), `200000001200010001000000000000000a000000070000004100000000000000`);
  });

  it('nested attributes: IFLA_LINKINFO holding IFLA_INFO_KIND gets NLA_F_NESTED and padded lengths', () => {
    const r = buildMessage(newlinkDummy(), registry);
    assert.deepEqual(r.issues, []);
    assert.equal(
      toHex(r.bytes),
      [
        '3c000000',
        '1000',
        '0506',
        '02000000',
        '00000000',
        zeros(16),
        '0b000300',
        '64756d6d7930',
        '0000', // IFLA_IFNAME "dummy0\0" + 1 pad byte
        '10001280', // IFLA_LINKINFO, len 16, type 18 | NLA_F_NESTED
        '0a000100',
        '64756d6d7900',
        '0000', // IFLA_INFO_KIND "dummy\0" + 2 pad bytes
      ].join(''),
    );
    // The codec reads it back as what was built.
    const [m] = decodeMessages(r.bytes, { protocol: 0, registry });
    assert.deepEqual(m!.problems, []);
    assert.equal(m!.attrs[1]!.attrs![0]!.name, 'IFLA_INFO_KIND');
    assert.equal(m!.attrs[1]!.attrs![0]!.value, 'dummy');
  });

  it('typed attribute values: u32, MAC, IPv4/IPv6, flag, big-endian and net byte order', () => {
    const s = initialState();
    setMessageType(s, 'RTM_NEWLINK', registry);
    s.flags = 0x5;
    add(s, undefined, 'IFLA_MTU', '1500');
    add(s, undefined, 'IFLA_ADDRESS', '02:00:00:00:00:01');
    const r1 = buildMessage(s, registry);
    assert.deepEqual(r1.issues, []);
    assert.equal(toHex(r1.bytes.subarray(32)), '08000400dc050000' + '0a000100' + '020000000001' + '0000');

    const a = initialState();
    setMessageType(a, 'RTM_NEWADDR', registry);
    a.flags = 0x5;
    add(a, undefined, 'IFA_LOCAL', '192.0.2.1');
    add(a, undefined, 'IFA_ADDRESS', '2001:db8::1');
    const id = add(a, undefined, '99', '0x1234');
    findNode(a.attrs, id)!.kind = 'u16';
    findNode(a.attrs, id)!.netByteOrder = true;
    const r2 = buildMessage(a, registry);
    assert.deepEqual(r2.issues, []);
    assert.equal(
      toHex(r2.bytes.subarray(24)),
      [
        '08000200c0000201',
        '1400010020010db8000000000000000000000001',
        '06006340',
        '1234',
        '0000', // type 99 | NLA_F_NET_BYTEORDER, big-endian 0x1234, padding
      ].join(''),
    );
  });

  it('generic netlink: genlmsghdr after nlmsghdr, nlmsg_type is the family id (nlctrl request from a 6.18 capture)', () => {
    const s = initialState();
    setProtocol(s, 'generic', registry);
    setGenlFamily(s, 'nlctrl', registry);
    setMessageType(s, 'CTRL_CMD_GETFAMILY', registry);
    s.flags = 0x1;
    s.seq = '0x4e4c0006';
    add(s, undefined, 'CTRL_ATTR_FAMILY_NAME', 'nlctrl');
    const r = buildMessage(s, registry);
    assert.deepEqual(r.issues, []);
    assert.equal(r.protocol, 16);
    const fixture = readFileSync(new URL('../fixtures/genl-getfamily-nlctrl.hex', import.meta.url), 'utf8');
    assert.equal(toHex(r.bytes), /request=([0-9a-f]+)/.exec(fixture)![1]);
  });

  it('generic netlink family from a YNL spec, id given by hand, version and a u32 attribute', () => {
    const spec = loadYnlSpec(
      [
        'name: wb-builder',
        'protocol: genetlink',
        'attribute-sets:',
        '  - name: dev',
        '    attributes:',
        '      - { name: ifindex, type: u32 }',
        '      - { name: name, type: string }',
        'operations:',
        '  list:',
        '    - name: dev-get',
        '      attribute-set: dev',
        '      do: { request: { attributes: [ ifindex ] }, reply: { attributes: [ ifindex, name ] } }',
      ].join('\n'),
      'wb-builder.yaml',
    );
    assert.deepEqual(spec.problems, []);
    const reg = createRegistry([spec.family!]);
    const s = initialState();
    setProtocol(s, '16', reg);
    setGenlFamily(s, 'wb-builder', reg);
    assert.equal(s.messageType, 'dev-get');
    let r = buildMessage(s, reg);
    assert.deepEqual(
      r.issues.map((i) => i.field),
      ['genl.familyId'],
      'the id of an unbound family is asked for',
    );
    s.genlFamilyId = '27';
    s.genlVersion = '2';
    s.flags = 0x5;
    const id = addAttr(s, reg, undefined, 'ifindex')!;
    findNode(s.attrs, id)!.value = '3';
    r = buildMessage(s, reg);
    assert.deepEqual(r.issues, []);
    assert.equal(
      toHex(r.bytes),
      ['1c000000', '1b00', '0500', '01000000', '00000000', '01020000', '08000100', '03000000'].join(''),
    );
    // Once the registry knows the id, the form needs none.
    reg.bindGenlId(27, 'wb-builder');
    s.genlFamilyId = '';
    assert.equal(toHex(buildMessage(s, reg).bytes), toHex(r.bytes));
  });

  it('the reference module (protocol 31): text payload, NLM_F_REQUEST|NLM_F_ACK (native/README.md example)', () => {
    const spec = loadYnlSpec(
      readFileSync(new URL('../../kmod/nlreply.yaml', import.meta.url), 'utf8'),
      'kmod/nlreply.yaml',
    );
    const reg = createRegistry([spec.family!]);
    const s = initialState();
    setProtocol(s, 'module', reg);
    assert.equal(s.messageType, 'request');
    assert.equal(s.payloadMode, 'text');
    assert.equal(s.flags, 0x5);
    s.payloadText = 'hi';
    s.seq = '1';
    const r = buildMessage(s, reg);
    assert.deepEqual(r.issues, []);
    assert.equal(toHex(r.bytes), '1200000010000500010000000000000068690000');
  });

  it('a raw protocol number with a numbered type and a hex payload', () => {
    const s = initialState();
    setProtocol(s, '4', registry);
    s.messageType = '20';
    s.payloadMode = 'hex';
    s.payloadHex = '0x01, 0x02, 0x03';
    s.flags = 0x301;
    s.seq = '0';
    const r = buildMessage(s, registry);
    assert.deepEqual(r.issues, []);
    assert.equal(toHex(r.bytes), '1300000014000103000000000000000001020300');
  });

  it('another protocol or genl family drops a raw hex payload written for the old one: back to attributes', () => {
    const s = initialState();
    s.payloadMode = 'hex';
    s.payloadHex = '08 00 04 00 dc 05 00 00';
    setMessageType(s, 'RTM_NEWLINK', registry);
    assert.equal(s.payloadMode, 'hex', 'another message of the same family keeps the hex payload');
    setProtocol(s, 'generic', registry);
    assert.deepEqual([s.payloadMode, s.payloadHex], ['attrs', '']);
    s.payloadMode = 'hex';
    s.payloadHex = '01 02';
    setGenlFamily(s, 'nlctrl', registry);
    assert.deepEqual([s.payloadMode, s.payloadHex], ['attrs', '']);
    assert.deepEqual(buildMessage(s, registry).issues, []);
  });

  it('flags follow the message kind: switching GET → NEW resets an untouched default, keeps chosen flags', () => {
    const s = initialState();
    assert.equal(s.flags, 0x301);
    setMessageType(s, 'RTM_NEWADDR', registry);
    assert.equal(s.flags, 0x5);
    setFlag(s, 0x400, true);
    setMessageType(s, 'RTM_DELADDR', registry);
    assert.equal(s.flags, 0x405);
  });
});

describe('builder: validation before sending', () => {
  it('out-of-range numbers name the field path and the range', () => {
    const s = initialState();
    setMessageType(s, 'RTM_NEWLINK', registry);
    s.header.ifi_family = '256';
    s.seq = '4294967296';
    const id = addAttr(s, registry, undefined, 'IFLA_MTU')!;
    findNode(s.attrs, id)!.value = '-1';
    const { issues } = buildMessage(s, registry);
    assert.deepEqual(issues, [
      { field: 'seq', path: 'nlmsghdr.nlmsg_seq', message: '4294967296 is out of range for u32 (0..4294967295)' },
      { field: 'header.ifi_family', path: 'ifinfomsg.ifi_family', message: '256 is out of range for u8 (0..255)' },
      { field: `attr.${id}.value`, path: 'IFLA_MTU', message: '-1 is out of range for u32 (0..4294967295)' },
    ]);
  });

  it('bad MAC, IPv4, IPv6 and hex values, nested paths joined with dots', () => {
    const s = initialState();
    setMessageType(s, 'RTM_NEWLINK', registry);
    const mac = addAttr(s, registry, undefined, 'IFLA_ADDRESS')!;
    findNode(s.attrs, mac)!.value = '02:00:00:00:00:zz';
    const spec = addAttr(s, registry, undefined, 'IFLA_AF_SPEC')!;
    const inet6 = addAttr(s, registry, spec, 'AF_INET6')!;
    const token = addAttr(s, registry, inet6, 'IFLA_INET6_TOKEN')!;
    findNode(s.attrs, token)!.value = '2001:db8::1::2';
    const raw = addAttr(s, registry, undefined, 'IFLA_WIRELESS')!;
    findNode(s.attrs, raw)!.value = '01 0g';
    const a = initialState();
    setMessageType(a, 'RTM_NEWADDR', registry);
    const local = addAttr(a, registry, undefined, 'IFA_LOCAL')!;
    findNode(a.attrs, local)!.value = '192.0.2.300';

    const issues = buildMessage(s, registry).issues.map((i) => [i.field, i.path, i.message]);
    assert.deepEqual(issues, [
      [
        `attr.${mac}.value`,
        'IFLA_ADDRESS',
        '"02:00:00:00:00:zz" is not a MAC address (two-digit hex octets separated by ":" or "-", e.g. 02:00:00:00:00:01)',
      ],
      [`attr.${token}.value`, 'IFLA_AF_SPEC.AF_INET6.IFLA_INET6_TOKEN', '"2001:db8::1::2": "::" may appear only once'],
      [`attr.${raw}.value`, 'IFLA_WIRELESS', 'bad hex at character 5: unexpected character "g" in "0g"'],
    ]);
    assert.deepEqual(
      buildMessage(a, registry).issues.map((i) => [i.path, i.message]),
      [['IFA_LOCAL', '"192.0.2.300": part 4 ("300") is not a number 0-255']],
    );
  });

  it('unknown attribute names, message types and protocols are reported where they were typed', () => {
    const s = initialState();
    const bad = addAttr(s, registry, undefined, 'IFLA_NOSUCH')!;
    s.messageType = 'RTM_GETLINK';
    assert.deepEqual(buildMessage(s, registry).issues, [
      {
        field: `attr.${bad}`,
        path: 'IFLA_NOSUCH',
        message: '"IFLA_NOSUCH" is not an attribute of link-attrs nor a number',
      },
    ]);
    s.messageType = 'RTM_FROB';
    assert.deepEqual(
      buildMessage(s, registry).issues.map((i) => i.field),
      ['messageType', `attr.${bad}`],
    );
    s.protocol = '40';
    assert.deepEqual(
      buildMessage(s, registry)
        .issues.map((i) => [i.field, i.message])
        .slice(0, 1),
      [['protocol', 'protocol 40 is out of range (0-31)']],
    );
  });

  it('a value attribute with children is an error; a value too large for nla_len is refused', () => {
    const s = initialState();
    setMessageType(s, 'RTM_NEWLINK', registry);
    const name = addAttr(s, registry, undefined, 'IFLA_IFNAME')!;
    findNode(s.attrs, name)!.value = 'x'.repeat(70000);
    const issues = buildMessage(s, registry).issues;
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.path, 'IFLA_IFNAME');
    assert.match(issues[0]!.message, /longer than an attribute can hold/);
  });
});

describe('builder: byte ↔ field map', () => {
  it('every byte of a nested message belongs to the innermost field that produced it', () => {
    const s = newlinkDummy();
    const r = buildMessage(s, registry);
    const map = new ByteMap(r.bytes.length, r.spans);
    const [nameId, infoId] = s.attrs.map((a) => a.id);
    const kindId = s.attrs[1]!.children[0]!.id;
    for (let i = 0; i < r.bytes.length; i++) assert.ok(map.spanAt(i), `byte ${i} has a field`);
    assert.equal(map.spanAt(0)!.key, 'nlmsghdr.nlmsg_len');
    assert.equal(map.fieldAt(5), 'messageType');
    assert.equal(map.fieldAt(7), 'flags');
    assert.equal(map.fieldAt(10), 'seq');
    assert.equal(map.fieldAt(20), 'header.ifi_index');
    assert.equal(map.spanAt(17)!.key, 'ifinfomsg.__ifi_pad');
    assert.equal(map.spanAt(32)!.key, `attr.${nameId}.nla_len`);
    assert.equal(map.fieldAt(36), `attr.${nameId}.value`);
    assert.equal(map.spanAt(43)!.key, `attr.${nameId}.pad`);
    assert.equal(map.fieldAt(46), `attr.${infoId}`);
    assert.equal(map.fieldAt(52), `attr.${kindId}.value`);
    assert.equal(map.spanAt(52)!.label, 'IFLA_LINKINFO.IFLA_INFO_KIND value');
    assert.equal(map.spanAt(59)!.key, `attr.${kindId}.pad`);
    assert.equal(map.spanAt(60), undefined);
    // The other way: a field's bytes.
    assert.deepEqual(map.rangeOf(`attr.${infoId}`), { start: 44, end: 60 });
    assert.deepEqual(map.rangeOf(`attr.${kindId}.value`), { start: 52, end: 58 });
    assert.deepEqual(map.rangeOf('header.ifi_flags'), { start: 24, end: 28 });
    assert.deepEqual(map.rangeOf('seq'), { start: 8, end: 12 });
    assert.equal(map.rangeOf('attr.999'), undefined);
  });

  it('attribute spans agree with where the codec decodes each attribute', () => {
    const s = newlinkDummy();
    const r = buildMessage(s, registry);
    const map = new ByteMap(r.bytes.length, r.spans);
    const [m] = decodeMessages(r.bytes, { protocol: 0, registry });
    const walk = (attrs: NonNullable<typeof m>['attrs'], nodes: BuilderState['attrs']): void => {
      attrs.forEach((a, i) => {
        const node = nodes[i]!;
        assert.equal(map.spanAt(a.offset)!.key, `attr.${node.id}.nla_len`);
        assert.equal(map.rangeOf(`attr.${node.id}`)!.start, a.offset);
        if (a.attrs) walk(a.attrs, node.children);
      });
    };
    walk(m!.attrs, s.attrs);
  });
});
