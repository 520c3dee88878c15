// YNL loader on bad specs: every mistake is a problem at its YAML line with its spec path, nothing throws,
// and whatever is well-formed still loads.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { loadYnlSpec } from '../../extension/src/netlink/ynl/index';
import type { FamilyDef } from '../../extension/src/netlink/types';
import { lineOf, loadFixture } from '../fixtures/ynl/load-fixture';

describe('YNL loader problems: wrong types and dangling names (bad-types.yaml)', () => {
  const { problems, family, text } = loadFixture('bad-types.yaml');
  const at = (needle: string, from = 1) => lineOf(text, needle, from);
  const expected = [
    { line: at('protonum: twelve'), path: 'protonum', message: '"protonum" must be a non-negative integer' },
    {
      line: at('type: union'),
      path: 'definitions[not-a-type].type',
      message: 'unknown type "union" (expected const, enum, flags, struct)',
    },
    {
      line: at('len: no-such-const'),
      path: 'definitions[hdr].members[size].len',
      message: '"len" names no constant: "no-such-const"',
    },
    {
      line: at('name: size'),
      path: 'definitions[hdr].members[size]',
      message: 'struct member "size" has an unusable "len"; the struct\'s fields from here on are not decoded',
    },
    {
      line: at('name: blob'),
      path: 'definitions[hdr2].members[blob]',
      message: 'struct member "blob" of type binary needs "len"; the struct\'s fields from here on are not decoded',
    },
    {
      line: at('type: u33'),
      path: 'attribute-sets[main].attributes[first].type',
      message: /^unknown type "u33" \(expected unused, pad, flag, binary/,
    },
    {
      line: at('value: -4'),
      path: 'attribute-sets[main].attributes[second].value',
      message: '"value" must be a non-negative integer',
    },
    {
      line: at('multi-attr: sometimes'),
      path: 'attribute-sets[main].attributes[fourth].multi-attr',
      message: '"multi-attr" must be true or false',
    },
    {
      line: at('name: clash'),
      path: 'attribute-sets[main].attributes[clash]',
      message: '"clash" and "fourth" both have value 4 in set "main"',
    },
    {
      line: at('subset-of: no-parent'),
      path: 'attribute-sets[orphan].subset-of',
      message: 'subset-of names unknown attribute set "no-parent"',
    },
    {
      line: at('notify: nothing'),
      path: 'operations.list[thing-ntf].notify',
      message: 'notify names unknown operation "nothing"',
    },
    {
      line: at('struct: no-struct'),
      path: 'definitions[hdr2].members[inner].struct',
      message: 'unknown struct "no-struct"',
    },
    {
      line: at('nested-attributes: nowhere'),
      path: 'attribute-sets[main].attributes[third].nested-attributes',
      message: 'unknown attribute set "nowhere"',
    },
    {
      line: at('enum: no-enum'),
      path: 'attribute-sets[main].attributes[fourth].enum',
      message: 'unknown enum "no-enum"',
    },
    {
      line: at('attribute-set: missing-set'),
      path: 'operations.list[getthing].attribute-set',
      message: 'unknown attribute set "missing-set"',
    },
  ];

  it('reports each mistake once, at its line and path', () => {
    assert.equal(problems.length, expected.length, JSON.stringify(problems, null, 1));
    for (const want of expected) {
      const got = problems.find(
        (p) =>
          p.path === want.path &&
          p.line === want.line &&
          (typeof want.message === 'string' ? p.message === want.message : want.message.test(p.message)),
      );
      assert.ok(
        got,
        `no problem ${JSON.stringify({ ...want, message: String(want.message) })} in ${JSON.stringify(problems, null, 1)}`,
      );
    }
  });

  it('keeps what is well-formed', () => {
    const f = family as FamilyDef;
    assert.equal(f.name, 'wb-bad');
    assert.equal(f.genl, false);
    // No usable protonum: -1 matches no socket rather than guessing one.
    assert.equal(f.protocol, -1);
    assert.deepEqual(
      f.enums.get('good-enum')?.entries,
      new Map([
        [0, 'a'],
        [1, 'b'],
      ]),
    );
    // A struct stops at the first member it cannot size: later fields would sit at wrong offsets.
    assert.deepEqual(f.structs.get('hdr'), { name: 'hdr', fields: [{ name: 'ok', kind: 'u32' }] });
    assert.deepEqual(f.structs.get('hdr2'), { name: 'hdr2', fields: [] });
    const main = f.attrSets.get('main')!.byType;
    // An unknown type shows as bytes; a bad value keeps counting; the clashing attribute is dropped.
    assert.deepEqual(main.get(1), { name: 'first', kind: 'binary' });
    assert.deepEqual(main.get(2), { name: 'second', kind: 'u32' });
    assert.deepEqual(main.get(4), { name: 'fourth', kind: 'u8', enumName: 'no-enum' });
    assert.deepEqual(main.get(5), { name: 'fine', kind: 'string' });
    assert.equal(f.attrSets.has('orphan'), false);
    assert.deepEqual([...f.messages.keys()], [1, 2]);
  });
});

describe('YNL loader problems: YAML and structure', () => {
  it('a YAML syntax error is a problem at its line, and no family comes out of an unreadable spec', () => {
    const r = loadYnlSpec('name: x\nattribute-sets:\n  - name: a\n    attributes: [ { name: b\n', 'broken.yaml');
    assert.ok(r.problems.length > 0);
    assert.match(r.problems[0]!.message, /^YAML: /);
    assert.ok(r.problems[0]!.line !== undefined && r.problems[0]!.line >= 4, JSON.stringify(r.problems));
  });

  it('a duplicate key is a YAML problem at the second key', () => {
    const r = loadYnlSpec('name: x\noperations:\n  list: []\nname: y\n', 'dup.yaml');
    assert.equal(r.problems.length, 1, JSON.stringify(r.problems));
    assert.match(r.problems[0]!.message, /^YAML: .*unique/i);
    assert.equal(r.problems[0]!.line, 4);
  });

  it('a mapping of 100,000 keys is read in seconds, and the key repeated at its end is still found', () => {
    // 1.3 MB, within the 4 MiB a workspace spec may have. The YAML parser's own duplicate check compares every key
    // with all before it: minutes for this file.
    const keys = Array.from({ length: 100_000 }, (_, i) => `x-${i}: 1`).join('\n');
    const t0 = performance.now();
    const r = loadYnlSpec(`name: big\n${keys}\nx-7: 2\n`, 'big.yaml');
    const ms = performance.now() - t0;
    assert.ok(ms < 20_000, `read in ${Math.round(ms)} ms`);
    assert.deepEqual(
      r.problems.filter((p) => p.message.startsWith('YAML:')),
      [{ message: 'YAML: Map keys must be unique', line: 100_002 }],
    );
  });

  it('a spec that is not a mapping gives one problem and no family', () => {
    const r = loadYnlSpec('- just\n- a list\n', 'list.yaml');
    assert.deepEqual(r, { problems: [{ message: 'spec must be a YAML mapping', line: 1 }] });
    assert.deepEqual(loadYnlSpec('', 'empty.yaml'), { problems: [{ message: 'spec must be a YAML mapping' }] });
  });

  it('a spec without a name reports it and gives no family; missing operations are reported', () => {
    const r = loadYnlSpec('protocol: genetlink\nattribute-sets: []\n', 'anon.yaml');
    assert.equal(r.family, undefined);
    assert.deepEqual(r.problems, [
      { message: 'missing "name"', line: 1, path: 'name' },
      { message: 'missing "operations"', line: 1, path: 'operations' },
    ]);
  });

  it('an unknown protocol level is reported and read as genetlink', () => {
    const r = loadYnlSpec('name: x\nprotocol: genetlink-xyz\noperations:\n  list: []\n', 'p.yaml');
    assert.deepEqual(r.problems, [
      {
        message: 'unknown protocol "genetlink-xyz" (expected genetlink, genetlink-c, genetlink-legacy, netlink-raw)',
        line: 2,
        path: 'protocol',
      },
    ]);
    assert.equal(r.family?.genl, true);
    assert.equal(r.family?.protocol, 16);
  });

  it('netlink-raw without protonum is reported', () => {
    const r = loadYnlSpec('name: x\nprotocol: netlink-raw\noperations:\n  list: []\n', 'raw.yaml');
    assert.deepEqual(r.problems, [
      { message: 'netlink-raw spec needs "protonum" (the netlink protocol number)', line: 1, path: 'protonum' },
    ]);
    assert.equal(r.family?.protocol, -1);
  });

  it('lists that are not lists, and directional ops that are neither calls nor notifications', () => {
    const text = [
      'name: x', // 1
      'attribute-sets: { a: 1 }', // 2
      'operations:', // 3
      '  enum-model: directional', // 4
      '  list:', // 5
      '    - name: placeholder', // 6
      '    - name: get-x', // 7
      '      do: { request: { value: 5 } }', // 8
      '',
    ].join('\n');
    const r = loadYnlSpec(text, 'lists.yaml');
    assert.deepEqual(r.problems, [
      { message: '"attribute-sets" must be a list', line: 2, path: 'attribute-sets' },
      {
        message: 'operation "placeholder" has neither do, dump, notify nor event',
        line: 6,
        path: 'operations.list[placeholder]',
      },
    ]);
    assert.deepEqual([...r.family!.messages.values()], [{ value: 5, name: 'get-x', kind: 'get' }]);
  });

  it('a value read by several loading steps is reported once', () => {
    const r = loadYnlSpec('name: x\noperations:\n  list:\n    - name: 7\n      do: 5\n', 'once.yaml');
    assert.deepEqual(r.problems, [
      { message: '"name" must be a string', line: 4, path: 'operations.list[0].name' },
      { message: 'expected a mapping', line: 5, path: 'operations.list[0].do' },
    ]);
  });

  it('two ops requesting with one value, two attributes with one name, and two sets with one name', () => {
    const text = [
      'name: x', // 1
      'attribute-sets:', // 2
      '  - name: s', // 3
      '    attributes:', // 4
      '      - { name: a, type: u8 }', // 5
      '      - { name: a, type: u16 }', // 6
      '  - name: s', // 7
      '    attributes: []', // 8
      'operations:', // 9
      '  list:', // 10
      '    - { name: one, value: 3, do: {} }', // 11
      '    - { name: two, value: 3, do: {} }', // 12
      '',
    ].join('\n');
    const r = loadYnlSpec(text, 'dups.yaml');
    assert.deepEqual(r.problems, [
      { message: 'duplicate attribute "a" in set "s"', line: 6, path: 'attribute-sets[s].attributes[a]' },
      { message: 'duplicate attribute set "s"', line: 7, path: 'attribute-sets[s]' },
      { message: 'operations "one" and "two" both request with value 3', line: 12, path: 'operations.list[two]' },
    ]);
    assert.deepEqual(new Map(r.family!.attrSets.get('s')!.byType), new Map([[1, { name: 'a', kind: 'u8' }]]));
    assert.equal(r.family!.messages.get(3)?.name, 'one');
  });
});

describe('YNL loader never throws', () => {
  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const r = loadYnlSpec(text, 'fuzz.yaml');
        assert.ok(Array.isArray(r.problems));
      }),
      { numRuns: 300 },
    );
  });

  it('on arbitrary YAML shaped like a spec', () => {
    const scalar = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.integer({ min: -3, max: 40 }),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom(
        'u32',
        'nest',
        'indexed-array',
        'sub-message',
        'struct',
        'flags',
        'enum',
        'netlink-raw',
        'directional',
        'pad',
        'binary',
      ),
    );
    const key = fc.constantFrom(
      'name',
      'type',
      'value',
      'attributes',
      'attribute-sets',
      'definitions',
      'entries',
      'members',
      'len',
      'nested-attributes',
      'subset-of',
      'sub-message',
      'selector',
      'operations',
      'list',
      'do',
      'dump',
      'request',
      'reply',
      'notify',
      'event',
      'fixed-header',
      'enum',
      'enum-as-flags',
      'protocol',
      'protonum',
      'sub-messages',
      'formats',
      'mcast-groups',
      'type-value',
    );
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('map')),
      list: fc.array(tie('tree'), { maxLength: 4 }),
      map: fc.dictionary(key, tie('tree'), { maxKeys: 5 }),
    }));
    const spec = fc
      .record({
        name: fc.constant('fz'),
        protocol: fc.constantFrom('genetlink', 'netlink-raw', 'genetlink-legacy'),
        protonum: fc.constant(20),
      })
      .chain((head) => fc.dictionary(key, tree, { maxKeys: 6 }).map((rest) => ({ ...rest, ...head })));
    fc.assert(
      fc.property(spec, (value) => {
        const r = loadYnlSpec(stringify(value), 'fuzz.yaml');
        assert.ok(!r.problems.some((p) => p.message.startsWith('internal error')), JSON.stringify(r.problems));
        // Each problem is reported once, however many loading steps read the bad value.
        const keys = r.problems.map((p) => JSON.stringify(p));
        assert.equal(new Set(keys).size, keys.length, JSON.stringify(r.problems));
      }),
      { numRuns: 400 },
    );
  });
});
