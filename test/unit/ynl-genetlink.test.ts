// YNL loader, genetlink level: test/fixtures/ynl/genl-features.yaml → exact FamilyDef parts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttrDef, FamilyDef } from '../../extension/src/netlink/types';
import { loadFixture } from '../fixtures/ynl/load-fixture';

const loaded = loadFixture('genl-features.yaml');
const family = loaded.family as FamilyDef;

function set(name: string): Map<number, AttrDef> {
  const s = family.attrSets.get(name);
  assert.ok(s, `attribute set ${name}`);
  assert.equal(s.name, name);
  return new Map(s.byType);
}

describe('YNL genetlink spec', () => {
  it('loads without problems as a generic netlink family', () => {
    assert.deepEqual(loaded.problems, []);
    assert.equal(family.name, 'wb-test');
    assert.equal(family.genl, true);
    assert.equal(family.protocol, 16);
    assert.equal(family.source.endsWith('genl-features.yaml'), true);
    assert.deepEqual(family.mcastGroups, ['mgmt', 'events']);
  });

  it('enums count from 0 or value-start, explicit values restart the count', () => {
    assert.deepEqual(family.enums.get('colour'), {
      name: 'colour',
      flags: false,
      entries: new Map([
        [0, 'red'],
        [1, 'green'],
        [2, 'blue'],
      ]),
    });
    assert.deepEqual(family.enums.get('state'), {
      name: 'state',
      flags: false,
      entries: new Map([
        [10, 'up'],
        [20, 'down'],
        [21, 'gone'],
      ]),
    });
  });

  it('flags entries are bit positions, stored as masks', () => {
    assert.deepEqual(family.enums.get('caps'), {
      name: 'caps',
      flags: true,
      entries: new Map([
        [1, 'read'],
        [2, 'write'],
        [128, 'admin'],
      ]),
    });
  });

  it('enum-as-flags on an enum adds a derived flags enum; on a flags definition it uses it as is', () => {
    assert.deepEqual(family.enums.get('bits/as-flags'), {
      name: 'bits/as-flags',
      flags: true,
      entries: new Map([
        [1, 'zero'],
        [2, 'one'],
        [4, 'two'],
      ]),
    });
    assert.equal(family.enums.has('caps/as-flags'), false);
    assert.deepEqual([...family.enums.keys()].sort(), ['bits', 'bits/as-flags', 'caps', 'colour', 'state']);
  });

  it('numbers attributes from 1, skips unused numbers, restarts at explicit values and maps every type', () => {
    assert.deepEqual(
      set('dev'),
      new Map<number, AttrDef>([
        [1, { name: 'ifindex', kind: 'u32' }],
        [2, { name: 'name', kind: 'string' }],
        [3, { name: 'colour', kind: 'u8', enumName: 'colour', checks: { max: '2', enum: 'colour' } }],
        [4, { name: 'caps', kind: 'u64', enumName: 'caps', checks: { mask: '131', enum: 'caps' } }],
        [5, { name: 'bits', kind: 'u32', enumName: 'bits/as-flags', checks: { mask: '7', enum: 'bits' } }],
        [6, { name: 'port', kind: 'u16', bigEndian: true }],
        [7, { name: 'addrs', kind: 'nest', nested: 'addr', multiAttr: true }],
        [8, { name: 'queues', kind: 'indexed-array', nested: 'queue' }],
        [9, { name: 'weights', kind: 'indexed-array', subType: 'u32' }],
        // 10 is `unused`: reserved, no definition
        [11, { name: 'padding', kind: 'binary' }],
        [12, { name: 'up', kind: 'flag' }],
        [20, { name: 'stats', kind: 'uint' }],
        [21, { name: 'delta', kind: 'sint' }],
        [22, { name: 'small', kind: 's8' }],
        [23, { name: 'mask', kind: 'bitfield32', enumName: 'caps', checks: { mask: '131', enum: 'caps' } }],
        [24, { name: 'key', kind: 'binary', display: 'hex', checks: { exactLen: '16' } }],
        [25, { name: 'per-op', kind: 'indexed-array', nested: 'queue' }],
        [26, { name: 'policy', kind: 'indexed-array', subType: 'indexed-array', nested: 'addr' }],
      ]),
    );
  });

  it('maps display hints (fddi shows like a MAC address)', () => {
    assert.deepEqual(
      set('addr'),
      new Map<number, AttrDef>([
        [1, { name: 'v4', kind: 'binary', display: 'ipv4' }],
        [2, { name: 'v6', kind: 'binary', display: 'ipv6' }],
        [3, { name: 'mac', kind: 'binary', display: 'mac' }],
        [4, { name: 'id', kind: 'binary', display: 'uuid' }],
        [5, { name: 'ring', kind: 'binary', display: 'mac' }],
      ]),
    );
    assert.deepEqual(
      set('queue'),
      new Map<number, AttrDef>([
        [1, { name: 'id', kind: 'u32' }],
        [2, { name: 'state', kind: 'u32', enumName: 'state' }],
      ]),
    );
  });

  it('a subset (even one listed before its parent) keeps the parent numbers and definitions', () => {
    assert.deepEqual(
      set('dev-subset'),
      new Map<number, AttrDef>([
        [1, { name: 'ifindex', kind: 'u32' }],
        [7, { name: 'addrs', kind: 'nest', nested: 'addr', multiAttr: true }],
      ]),
    );
  });

  it('numbers commands in order from 1 (unified), honours value, skips reserved ops, and names their kind', () => {
    assert.deepEqual(
      [...family.messages.values()],
      [
        { value: 1, name: 'dev-get', kind: 'get', attrSet: 'dev' },
        { value: 2, name: 'dev-add-ntf', kind: 'new', attrSet: 'dev' },
        // 3 is reserved-op
        { value: 4, name: 'dev-set', kind: 'new', attrSet: 'dev' },
        { value: 10, name: 'queue-stats', kind: 'get', attrSet: 'queue' },
        { value: 11, name: 'dev-del', kind: 'del', attrSet: 'dev' },
        { value: 12, name: 'bind-thing', kind: 'other', attrSet: 'dev-subset' },
        { value: 13, name: 'queue-event', kind: 'other', attrSet: 'queue' },
      ],
    );
    for (const [value, m] of family.messages) assert.equal(m.value, value);
  });

  it('has no structs or sub-messages', () => {
    assert.equal(family.structs.size, 0);
    assert.equal(family.subMessages.size, 0);
  });
});
