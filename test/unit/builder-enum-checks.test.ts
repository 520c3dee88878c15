// What the kernel's generated policy enforces for enum-typed attributes, checked before sending. ynl-gen-c (6.12)
// makes NLA_POLICY_MAX/RANGE from a contiguous enum's values, NLA_POLICY_MASK from `enum-as-flags` or a flags
// enum, NLA_POLICY_BITFIELD32 from a bitfield32's flags, NLA_POLICY_MASK((1 << n) - 1) from `checks.flags-mask`;
// the loader adds these to the attribute's checks and the builder refuses a value outside them, naming the enum's
// values. On the kernel's own specs (linux-source-6.12, fetched into the cache by test/fixtures/ynl/fetch-specs.sh;
// skipped, saying how to fetch them, when the cache is empty), and on a small spec for what no kernel spec uses.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { catalogOf } from '../../extension/src/builder/catalog';
import { createRegistry, FamilyRegistry, type FamilyDef } from '../../extension/src/netlink/index';
import { loadYnlSpec } from '../../extension/src/netlink/ynl/index';
import { registryFromCatalog } from '../../webview/src/model/catalog';
import { addAttr, findNode, setGenlFamily, setProtocol } from '../../webview/src/model/edit';
import { buildMessage } from '../../webview/src/model/encode';
import { chooseOperation } from '../../webview/src/model/operations';
import { initialState, type BuilderState } from '../../webview/src/model/state';
import { FIXTURES } from '../fixtures/ynl/load-fixture';

const CACHE = process.env.NETLINK_CACHE ?? resolve(FIXTURES, '../../../.cache');
const SPECS = join(CACHE, 'ynl-specs-6.12/linux-source-6.12/Documentation/netlink/specs');
const skip = existsSync(SPECS) ? false : `kernel YNL specs not in ${SPECS}; run: bash test/fixtures/ynl/fetch-specs.sh`;

function load(text: string, source: string): FamilyDef {
  const r = loadYnlSpec(text, source);
  assert.deepEqual(r.problems, []);
  return r.family!;
}

function spec(file: string): FamilyDef {
  return load(readFileSync(join(SPECS, file), 'utf8'), join(SPECS, file));
}

function attr(family: FamilyDef, set: string, name: string) {
  const def = [...(family.attrSets.get(set)?.byType.values() ?? [])].find((d) => d.name === name);
  assert.ok(def, `${set}.${name}`);
  return def;
}

/** A form on `family`'s operation, through the catalog's JSON as the host sends it to the webview. */
function form(family: FamilyDef, op: string): { s: BuilderState; reg: FamilyRegistry } {
  const host = createRegistry([family]);
  host.bindGenlId(40, family.name);
  const reg = registryFromCatalog(JSON.parse(JSON.stringify(catalogOf(host))) as ReturnType<typeof catalogOf>);
  const s = initialState();
  setProtocol(s, 'generic', reg);
  setGenlFamily(s, family.name, reg);
  assert.equal(chooseOperation(s, reg, reg.genlByFamilyName(family.name)!, op), true, op);
  return { s, reg };
}

/** Each [attribute, value, expected message or undefined], alone in the message: the issues it gives. */
function judge(family: FamilyDef, op: string, cases: readonly (readonly [string, string, string | undefined])[]): void {
  const { s, reg } = form(family, op);
  for (const [type, value, message] of cases) {
    s.attrs = [];
    const id = addAttr(s, reg, undefined, type)!;
    findNode(s.attrs, id)!.value = value;
    assert.deepEqual(
      buildMessage(s, reg).issues,
      message === undefined ? [] : [{ field: `attr.${id}.value`, path: type, message }],
      `${type} = ${value}`,
    );
  }
}

describe('enum checks on the kernel specs: what ynl-gen-c makes the policy', { skip }, () => {
  it('a contiguous enum from 0 is NLA_POLICY_MAX (netdev queue.type: max 1, no min for an unsigned type)', () => {
    assert.deepEqual(attr(spec('netdev.yaml'), 'queue', 'type').checks, { max: '1', enum: 'queue-type' });
  });
  it('one starting at 1 is NLA_POLICY_RANGE (dpll pin.state 1..3, devlink reload-action 1..2)', () => {
    assert.deepEqual(attr(spec('dpll.yaml'), 'pin', 'state').checks, { min: '1', max: '3', enum: 'pin-state' });
    assert.deepEqual(attr(spec('devlink.yaml'), 'devlink', 'reload-action').checks, {
      min: '1',
      max: '2',
      enum: 'reload-action',
    });
  });
  it('a flags enum is NLA_POLICY_MASK (netdev qstats.scope: 0x1), a bitfield32 NLA_POLICY_BITFIELD32 of its flags', () => {
    assert.deepEqual(attr(spec('netdev.yaml'), 'qstats', 'scope').checks, { mask: '1', enum: 'qstats-scope' });
    // devlink reload-limits: bitfield32, enum reload-action (driver-reinit 1, fw-activate 2) as flags: 0b110.
    assert.deepEqual(attr(spec('devlink.yaml'), 'devlink', 'reload-limits').checks, {
      mask: '6',
      enum: 'reload-action',
    });
  });
  it("netlink-raw specs imply none: rtnetlink's policies are written by hand (no rt-link attribute gains one)", () => {
    const rt = spec('rt_link.yaml');
    const withEnum = [...rt.attrSets.values()].flatMap((s) => [...s.byType.values()]).filter((d) => d.enumName);
    // ext-mask (flags rtext-filter) and netkit mode (l2, l3) would imply a mask and a max in a generic family.
    assert.deepEqual(
      withEnum.map((d) => d.name),
      ['ext-mask', 'protocol', 'policy', 'peer-policy', 'mode'],
    );
    assert.deepEqual(
      withEnum.filter((d) => d.checks?.enum !== undefined || d.checks?.mask !== undefined).map((d) => d.name),
      [],
    );
  });
});

describe('builder: enum checks on the kernel specs before sending', { skip }, () => {
  it('netdev queue-get: type rx/tx (0, 1, by name or number) passes, 2 is refused naming the enum', () => {
    judge(spec('netdev.yaml'), 'queue-get do', [
      ['type', '0', undefined],
      ['type', 'tx', undefined],
      ['type', '1', undefined],
      ['type', '2', "2 is above the spec's maximum 1 (enum queue-type: 0 rx, 1 tx)"],
    ]);
  });
  it('dpll pin-set: state 0 is below the enum, 1..3 pass, 4 is above', () => {
    const why = ' (enum pin-state: 1 connected, 2 disconnected, 3 selectable)';
    judge(spec('dpll.yaml'), 'pin-set do', [
      ['state', '0', `0 is below the spec's minimum 1${why}`],
      ['state', '1', undefined],
      ['state', 'selectable', undefined],
      ['state', '4', `4 is above the spec's maximum 3${why}`],
    ]);
  });
  it('netdev qstats-get: scope queue (0x1) passes, other bits are refused with the mask', () => {
    judge(spec('netdev.yaml'), 'qstats-get dump', [
      ['scope', '0', undefined],
      ['scope', 'queue', undefined],
      ['scope', '0x3', "0x3 has bits outside the spec's mask 0x1: 0x2 (flags of qstats-scope: 0x1 queue)"],
    ]);
  });
  it('devlink reload: reload-limits value and selector within 0x6 pass, bit 0 in either is refused', () => {
    const why = ' (flags of reload-action: 0x2 driver-reinit, 0x4 fw-activate)';
    judge(spec('devlink.yaml'), 'reload do', [['reload-limits', '0x4/0x6', undefined]]);
    const { s, reg } = form(spec('devlink.yaml'), 'reload do');
    const id = addAttr(s, reg, undefined, 'reload-limits')!;
    findNode(s.attrs, id)!.value = '0x1/0x3';
    assert.deepEqual(
      buildMessage(s, reg).issues.map((i) => i.message),
      [
        `value 0x1 has bits outside the spec's mask 0x6: 0x1${why}`,
        `selector 0x3 has bits outside the spec's mask 0x6: 0x1${why}`,
      ],
    );
  });
});

describe('builder: enum checks on a small spec', () => {
  const family = load(
    [
      'name: wb-enums',
      'protocol: genetlink',
      'definitions:',
      '  - { name: level, type: enum, entries: [ low, mid, high ] }',
      '  - name: sparse',
      '    type: enum',
      '    entries: [ { name: a, value: 0 }, { name: b, value: 5 } ]',
      '  - { name: opts, type: flags, entries: [ x, y, z ] }',
      'attribute-sets:',
      '  - name: main',
      '    attributes:',
      '      - { name: signed, type: s32, enum: level }',
      '      - { name: capped, type: u8, enum: level, checks: { max: 1 } }',
      '      - { name: sparse, type: u32, enum: sparse }',
      '      - { name: masked, type: u32, checks: { flags-mask: opts } }',
      '      - { name: as-flags, type: u16, enum: level, enum-as-flags: true, checks: { max: 1 } }',
      'operations:',
      '  list:',
      '    - name: set',
      '      attribute-set: main',
      '      do: { request: { attributes: [ signed, capped, sparse, masked, as-flags ] } }',
    ].join('\n'),
    '/home/dev/wb-enums.yaml',
  );

  it('loads what the generator derives: min 0 kept for a signed type, written limits win, a mask drops min/max', () => {
    assert.deepEqual(attr(family, 'main', 'signed').checks, { min: '0', max: '2', enum: 'level' });
    assert.deepEqual(attr(family, 'main', 'capped').checks, { max: '1' });
    // value_range() refuses a non-contiguous enum: 6.12 generates no policy from it, so none is implied.
    assert.equal(attr(family, 'main', 'sparse').checks, undefined);
    assert.deepEqual(attr(family, 'main', 'masked').checks, { mask: '7', enum: 'opts' });
    assert.deepEqual(attr(family, 'main', 'as-flags').checks, { mask: '7', enum: 'level' });
  });

  it('judges them before sending', () => {
    judge(family, 'set do', [
      ['signed', '-1', "-1 is below the spec's minimum 0 (enum level: 0 low, 1 mid, 2 high)"],
      ['signed', 'high', undefined],
      ['signed', '3', "3 is above the spec's maximum 2 (enum level: 0 low, 1 mid, 2 high)"],
      ['capped', '1', undefined],
      ['capped', '2', "2 is above the spec's maximum 1"],
      ['sparse', '3', undefined],
      ['masked', '0x7', undefined],
      ['masked', '0x8', "0x8 has bits outside the spec's mask 0x7: 0x8 (flags of opts: 0x1 x, 0x2 y, 0x4 z)"],
      ['as-flags', '0x5', undefined],
      ['as-flags', '0x9', "0x9 has bits outside the spec's mask 0x7: 0x8 (flags of level: 0x1 low, 0x2 mid, 0x4 high)"],
    ]);
  });
});
