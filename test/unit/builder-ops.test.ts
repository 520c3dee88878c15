// The builder on the kernel's own YNL specs (linux-source-6.12, fetched into the cache by
// test/fixtures/ynl/fetch-specs.sh): the operation picker (ethtool linkinfo-get, netdev dev-get), a classic
// spec family beside the built-in rtnetlink (rt-link newlink with linkinfo: nest, kind selector, data
// sub-message, a big-endian enum, multi-attr), the spec's checks validated before sending, and the ynl command.
// Skips, saying how to fetch the specs, when the cache is empty; the checks and ynl quoting cases that need no
// kernel spec run always.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { catalogOf } from '../../extension/src/builder/catalog';
import {
  createRegistry,
  decodeMessages,
  FamilyRegistry,
  NETLINK_ROUTE,
  type DecodedAttr,
  type FamilyDef,
} from '../../extension/src/netlink/index';
import { loadYnlSpec } from '../../extension/src/netlink/ynl/index';
import { registryFromCatalog } from '../../webview/src/model/catalog';
import { copyAsYnlCli, copyAsYnlJson } from '../../webview/src/model/copyAs';
import { addAttr, findNode, setClassicFamily, setGenlFamily, setProtocol } from '../../webview/src/model/edit';
import { buildMessage } from '../../webview/src/model/encode';
import {
  attrOffers,
  chooseOperation,
  currentOperation,
  operationChoices,
  opChoiceKey,
  requestAttrNames,
} from '../../webview/src/model/operations';
import { resolve as resolveForm, topScope } from '../../webview/src/model/schema';
import { initialState, isBuilderState, type BuilderState } from '../../webview/src/model/state';
import { FIXTURES } from '../fixtures/ynl/load-fixture';

const CACHE = process.env.NETLINK_CACHE ?? resolve(FIXTURES, '../../../.cache');
const SPECS = join(CACHE, 'ynl-specs-6.12/linux-source-6.12/Documentation/netlink/specs');
const skip = existsSync(SPECS) ? false : `kernel YNL specs not in ${SPECS}; run: bash test/fixtures/ynl/fetch-specs.sh`;

function spec(file: string): FamilyDef {
  const path = join(SPECS, file);
  const r = loadYnlSpec(readFileSync(path, 'utf8'), path);
  assert.deepEqual(r.problems, []);
  return r.family!;
}

/** The webview's registry: built-ins plus the specs, through the catalog's JSON as the host sends it. */
function webviewRegistry(families: FamilyDef[], genlIds: [number, string][] = []): FamilyRegistry {
  const host = createRegistry(families);
  for (const [id, name] of genlIds) host.bindGenlId(id, name);
  return registryFromCatalog(JSON.parse(JSON.stringify(catalogOf(host))) as ReturnType<typeof catalogOf>);
}

function setValue(s: BuilderState, reg: FamilyRegistry, type: string, value: string, parent?: number): number {
  const id = addAttr(s, reg, parent, type)!;
  findNode(s.attrs, id)!.value = value;
  return id;
}

function named(attrs: readonly DecodedAttr[] | undefined, name: string): DecodedAttr {
  const a = attrs?.find((x) => x.name === name);
  assert.ok(a, `no ${name} among ${attrs?.map((x) => x.name).join(', ')}`);
  return a;
}

describe('builder operations: generic netlink specs', { skip }, () => {
  it('ethtool linkinfo-get: do and dump, header listed for the request, flags by mode', () => {
    const reg = webviewRegistry([spec('ethtool.yaml')], [[20, 'ethtool']]);
    const s = initialState();
    setProtocol(s, 'generic', reg);
    setGenlFamily(s, 'ethtool', reg);
    const family = reg.genlByFamilyName('ethtool')!;
    const keys = operationChoices(family).map(opChoiceKey);
    assert.ok(keys.includes('linkinfo-get do') && keys.includes('linkinfo-get dump'), keys.join(', '));
    // A notification-only op (cable-test-ntf) is not something to send.
    assert.ok(!keys.some((k) => k.startsWith('cable-test-ntf')));

    assert.equal(chooseOperation(s, reg, family, 'linkinfo-get do'), true);
    let r = resolveForm(s, reg);
    assert.equal(s.messageType, 'linkinfo-get');
    assert.equal(r.type, 2, 'ETHTOOL_MSG_LINKINFO_GET');
    assert.equal(s.flags, 0x5, 'NLM_F_REQUEST|NLM_F_ACK');
    assert.deepEqual(currentOperation(s, r), {
      op: family.operations!.find((o) => o.name === 'linkinfo-get'),
      mode: 'do',
    });
    assert.deepEqual(requestAttrNames(currentOperation(s, r)), ['header']);
    const offers = attrOffers(topScope(r), requestAttrNames(currentOperation(s, r)));
    assert.deepEqual(
      offers.filter((o) => o.listed).map((o) => o.def.name),
      ['header'],
    );
    assert.ok(offers.length > 1 && offers.slice(1).every((o) => !o.listed), 'the rest of the set follows, unmarked');

    const header = setValue(s, reg, 'header', '');
    setValue(s, reg, 'dev-name', 'lo', header);
    const built = buildMessage(s, reg);
    assert.deepEqual(built.issues, []);
    const [decoded] = decodeMessages(built.bytes, { protocol: 16, registry: reg });
    assert.equal(decoded!.command, 'linkinfo-get');
    assert.equal(named(named(decoded!.attrs, 'header').attrs, 'dev-name').value, 'lo');

    assert.equal(chooseOperation(s, reg, family, 'linkinfo-get dump'), true);
    r = resolveForm(s, reg);
    assert.equal(s.flags, 0x301, 'NLM_F_REQUEST|NLM_F_DUMP');
    assert.equal(currentOperation(s, r)?.mode, 'dump');
    assert.equal(chooseOperation(s, reg, family, 'no-such-op do'), false);
  });

  it('netdev dev-get: the do request lists ifindex, the dump none; ifindex min 1 checked before sending', () => {
    const reg = webviewRegistry([spec('netdev.yaml')], [[30, 'netdev']]);
    const s = initialState();
    setProtocol(s, 'generic', reg);
    setGenlFamily(s, 'netdev', reg);
    const family = reg.genlByFamilyName('netdev')!;
    assert.equal(chooseOperation(s, reg, family, 'dev-get do'), true);
    let r = resolveForm(s, reg);
    assert.equal(r.type, 1, 'NETDEV_CMD_DEV_GET');
    assert.equal(r.familyId, 30);
    assert.deepEqual(requestAttrNames(currentOperation(s, r)), ['ifindex']);
    const id = setValue(s, reg, 'ifindex', '0');
    assert.deepEqual(buildMessage(s, reg).issues, [
      { field: `attr.${id}.value`, path: 'ifindex', message: "0 is below the spec's minimum 1" },
    ]);
    findNode(s.attrs, id)!.value = '1';
    assert.deepEqual(buildMessage(s, reg).issues, []);
    assert.equal(copyAsYnlCli(s, reg), `ynl --family 'netdev' --do 'dev-get' --json '{"ifindex":1}'`);

    assert.equal(chooseOperation(s, reg, family, 'dev-get dump'), true);
    r = resolveForm(s, reg);
    assert.equal(requestAttrNames(currentOperation(s, r)), undefined, 'the dump request lists no attributes');
    assert.equal(copyAsYnlCli(s, reg), `ynl --family 'netdev' --dump 'dev-get'`);
  });
});

describe('builder operations: rt-link beside the built-in rtnetlink', { skip }, () => {
  it('newlink with linkinfo: kind selects the data sub-message; big-endian enum, nested multi-attr; ynl by spec path', () => {
    const rtLink = spec('rt_link.yaml');
    const reg = webviewRegistry([rtLink]);
    assert.deepEqual(
      reg.classicFamilies(NETLINK_ROUTE).map((f) => f.name),
      ['rtnetlink', 'rt-link'],
      'the built-in table still decodes by default; the spec family is offered too',
    );
    const s = initialState();
    setClassicFamily(s, 'rt-link', reg);
    let r = resolveForm(s, reg);
    assert.equal(r.family?.name, 'rt-link');
    assert.equal(chooseOperation(s, reg, r.family!, 'newlink do'), true);
    r = resolveForm(s, reg);
    assert.equal(r.type, 16, 'RTM_NEWLINK');
    assert.equal(r.header?.name, 'ifinfomsg');
    assert.equal(s.flags, 0x5);
    assert.ok(requestAttrNames(currentOperation(s, r))?.includes('linkinfo'));

    s.header['ifi-index'] = '0';
    setValue(s, reg, 'ifname', 'wbvlan0');
    const linkinfo = setValue(s, reg, 'linkinfo', '');
    setValue(s, reg, 'kind', 'vlan', linkinfo);
    const data = setValue(s, reg, 'data', '', linkinfo);
    setValue(s, reg, 'id', '5', data);
    setValue(s, reg, 'protocol', '8021ad', data);
    const qos = setValue(s, reg, 'egress-qos', '', data);
    setValue(s, reg, 'mapping', '0100000002000000', qos);
    setValue(s, reg, 'mapping', '0300000004000000', qos);
    const built = buildMessage(s, reg);
    assert.deepEqual(built.issues, []);

    // Read back by the spec alone (rt-link as NETLINK_ROUTE's family): every name and value as written.
    const [m] = decodeMessages(built.bytes, { protocol: 0, registry: new FamilyRegistry([rtLink]) });
    assert.deepEqual(m!.problems, []);
    assert.equal(m!.typeName, 'newlink');
    assert.equal(named(m!.attrs, 'ifname').value, 'wbvlan0');
    const info = named(m!.attrs, 'linkinfo');
    assert.equal(named(info.attrs, 'kind').value, 'vlan');
    const vlan = named(info.attrs, 'data');
    assert.equal(named(vlan.attrs, 'id').value, 5);
    assert.equal(named(vlan.attrs, 'protocol').valueName, '8021ad');
    const proto = named(vlan.attrs, 'protocol');
    assert.deepEqual([...built.bytes.subarray(proto.offset + 4, proto.offset + 6)], [0x88, 0xa8], 'big-endian');
    const mappings = named(vlan.attrs, 'egress-qos').attrs!.filter((a) => a.name === 'mapping');
    assert.equal(mappings.length, 2);

    // Another kind selects another format: vlan's attribute names no longer apply.
    const kindNode = s.attrs[1]!.children[0]!;
    kindNode.value = 'bond';
    assert.ok(
      buildMessage(s, reg).issues.some((i) => /"id" is not an attribute of linkinfo-bond-attrs/.test(i.message)),
    );
    kindNode.value = 'vlan';

    // rt_link.yaml is not named after its family (rt-link), so ynl --family would not find it: given by path.
    const json = copyAsYnlJson(s, reg)!;
    assert.deepEqual(JSON.parse(json), {
      'ifi-family': 0,
      'ifi-type': 0,
      'ifi-index': 0,
      'ifi-flags': 0,
      'ifi-change': 0,
      ifname: 'wbvlan0',
      linkinfo: {
        kind: 'vlan',
        data: { id: 5, protocol: '8021ad', 'egress-qos': { mapping: ['0100000002000000', '0300000004000000'] } },
      },
    });
    s.flags |= 0x400 | 0x200;
    assert.equal(
      copyAsYnlCli(s, reg),
      `ynl --spec '${join(SPECS, 'rt_link.yaml')}' --do 'newlink' --json '${json}' --excl --create`,
    );
  });
});

describe('builder: a classic family chosen by name', { skip }, () => {
  it('survives the state check, is dropped with the protocol, and an unknown name is a located error', () => {
    const reg = webviewRegistry([spec('rt_link.yaml')]);
    const s = initialState();
    setClassicFamily(s, 'rt-link', reg);
    assert.equal(s.messageType, 'getlink', "rt-link's first get");
    assert.ok(isBuilderState(JSON.parse(JSON.stringify(s))));
    assert.ok(!isBuilderState({ ...s, classicFamily: 7 }));
    setProtocol(s, 'generic', reg);
    setProtocol(s, '0', reg);
    assert.equal(s.classicFamily, undefined);
    assert.equal(resolveForm(s, reg).family?.name, 'rtnetlink');
    s.classicFamily = 'rt-nope';
    // The message then has no family to be named in: that is said too, after the family.
    assert.deepEqual(resolveForm(s, reg).issues[0], {
      field: 'family',
      path: 'family',
      message: 'no family "rt-nope" is defined on protocol 0: choose another or load its spec',
    });
  });
});

describe('builder: checks and ynl values without kernel specs', () => {
  const text = [
    'name: wb-checks',
    'protocol: genetlink',
    'definitions:',
    '  - { name: name-len, type: const, value: 8 }',
    '  - name: mode',
    '    type: enum',
    '    entries: [ off, on ]',
    '  - name: caps',
    '    type: flags',
    '    entries: [ rx, tx, sg ]',
    'attribute-sets:',
    '  - name: main',
    '    attributes:',
    '      - { name: level, type: s8, checks: { min: -3, max: 3 } }',
    '      - { name: big, type: u64, checks: { max: u32-max } }',
    '      - { name: name, type: string, checks: { max-len: name-len } }',
    '      - { name: key, type: binary, checks: { exact-len: 4 } }',
    '      - { name: blob, type: binary, checks: { min-len: 2, max-len: 3 } }',
    '      - { name: mode, type: u8, enum: mode }',
    '      - { name: caps, type: u32, enum: caps }',
    '      - { name: sel, type: bitfield32, enum: caps }',
    'operations:',
    '  list:',
    '    - name: set',
    '      attribute-set: main',
    '      do: { request: { attributes: [ level, name ] } }',
  ].join('\n');
  const loaded = loadYnlSpec(text, '/home/dev/my module/wb.yaml');

  function form(): { s: BuilderState; reg: FamilyRegistry } {
    assert.deepEqual(loaded.problems, []);
    const reg = webviewRegistry([loaded.family!], [[40, 'wb-checks']]);
    const s = initialState();
    setProtocol(s, 'generic', reg);
    setGenlFamily(s, 'wb-checks', reg);
    assert.equal(chooseOperation(s, reg, reg.genlByFamilyName('wb-checks')!, 'set do'), true);
    return { s, reg };
  }

  it('min/max by signedness and width, string length without its NUL, binary exact/min/max length', () => {
    const { s, reg } = form();
    const cases: [string, string, string | undefined][] = [
      ['level', '-3', undefined],
      ['level', '-4', "-4 is below the spec's minimum -3"],
      ['level', '4', "4 is above the spec's maximum 3"],
      ['big', '4294967295', undefined],
      ['big', '4294967296', "4294967296 is above the spec's maximum 4294967295"],
      ['name', '12345678', undefined],
      ['name', '123456789', "the string's 9 bytes: the spec allows at most 8"],
      ['key', '01020304', undefined],
      ['key', '010203', '3 bytes: the spec wants exactly 4'],
      ['blob', '01', '1 bytes: the spec wants at least 2'],
      ['blob', '010203', undefined],
      ['blob', '01020304', '4 bytes: the spec allows at most 3'],
    ];
    for (const [type, value, message] of cases) {
      s.attrs = [];
      const id = setValue(s, reg, type, value);
      const issues = buildMessage(s, reg).issues;
      assert.deepEqual(
        issues,
        message === undefined ? [] : [{ field: `attr.${id}.value`, path: type, message }],
        `${type} = ${value}`,
      );
    }
    // A kind override (raw hex) is the user's own bytes: the definition's checks no longer judge them.
    s.attrs = [];
    const id = setValue(s, reg, 'key', '01');
    findNode(s.attrs, id)!.kind = 'unspec';
    assert.deepEqual(buildMessage(s, reg).issues, []);
  });

  it('ynl JSON: enums by name, flags as lists of names, bitfield32 as value/selector, a module spec by path', () => {
    const { s, reg } = form();
    setValue(s, reg, 'mode', 'on');
    setValue(s, reg, 'caps', 'rx|sg');
    setValue(s, reg, 'sel', 'tx/tx|sg');
    setValue(s, reg, 'name', "it's");
    setValue(s, reg, 'key', 'de:ad:be:ef');
    assert.equal(
      copyAsYnlJson(s, reg),
      '{"mode":"on","caps":["rx","sg"],"sel":{"value":["tx"],"selector":["tx","sg"]},"name":"it\'s","key":"deadbeef"}',
    );
    assert.equal(
      copyAsYnlCli(s, reg),
      `ynl --spec '/home/dev/my module/wb.yaml' --do 'set' --json ` +
        `'{"mode":"on","caps":["rx","sg"],"sel":{"value":["tx"],"selector":["tx","sg"]},"name":"it'\\''s","key":"deadbeef"}'`,
    );
    // A number no entry names stays a number.
    s.attrs = [];
    setValue(s, reg, 'mode', '7');
    setValue(s, reg, 'caps', '0x10');
    assert.equal(copyAsYnlJson(s, reg), '{"mode":7,"caps":16}');
  });
});
