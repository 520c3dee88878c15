// YNL loader, netlink-raw level: test/fixtures/ynl/raw-features.yaml → exact FamilyDef parts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttrDef, FamilyDef, StructFieldDef } from '../../extension/src/netlink/types';
import { loadYnlSpec } from '../../extension/src/netlink/ynl/index';
import { loadFixture } from '../fixtures/ynl/load-fixture';

const loaded = loadFixture('raw-features.yaml');
const family = loaded.family as FamilyDef;

describe('YNL netlink-raw spec', () => {
  it('loads without problems as a classic family on its protonum', () => {
    assert.deepEqual(loaded.problems, []);
    assert.equal(family.name, 'wb-raw');
    assert.equal(family.genl, false);
    assert.equal(family.protocol, 25);
    // Classic groups sit at their numbers.
    assert.deepEqual(family.mcastGroups, ['', 'objects', '', 'stats']);
  });

  it('reads struct members: pad and binary lengths, const lengths, byte order, enums, display hints', () => {
    assert.deepEqual(family.structs.get('objmsg'), {
      name: 'objmsg',
      fields: [
        { name: 'family', kind: 'u8' },
        { name: 'pad', kind: 'pad', length: 3 },
        { name: 'index', kind: 's32' },
        { name: 'flags', kind: 'u32', enumName: 'obj-flags' },
        { name: 'kind', kind: 'u16', enumName: 'obj-type' },
        { name: 'port', kind: 'u16', bigEndian: true },
        { name: 'label', kind: 'string', length: 8 },
        { name: 'hw', kind: 'binary', length: 6, display: 'mac' },
        // A struct member that is a struct (defined later) is inlined field by field.
        { name: 'range.lo', kind: 'u32' },
        { name: 'range.hi', kind: 'u32' },
      ] satisfies StructFieldDef[],
    });
    assert.deepEqual(family.structs.get('box-hdr'), {
      name: 'box-hdr',
      fields: [
        { name: 'width', kind: 'u16' },
        { name: 'height', kind: 'u16' },
      ],
    });
    assert.deepEqual([...family.structs.keys()], ['objmsg', 'span', 'box-hdr']);
  });

  it('maps sub-message attributes and binary-with-struct attributes', () => {
    assert.deepEqual(
      new Map(family.attrSets.get('obj-attrs')!.byType),
      new Map<number, AttrDef>([
        [1, { name: 'name', kind: 'string' }],
        [2, { name: 'kind', kind: 'string' }],
        [3, { name: 'data', kind: 'sub-message', subMessage: 'obj-data', selector: 'kind' }],
        [4, { name: 'span', kind: 'struct', struct: 'span' }],
        [5, { name: 'addr', kind: 'u32', bigEndian: true, display: 'ipv4' }],
      ]),
    );
  });

  it('reads sub-message formats with their fixed headers and attribute sets', () => {
    assert.deepEqual(family.subMessages.get('obj-data'), {
      name: 'obj-data',
      variants: new Map([
        ['box', { value: 'box', struct: 'box-hdr', attrSet: 'box-attrs' }],
        ['ring', { value: 'ring', attrSet: 'box-attrs' }],
        ['plain', { value: 'plain' }],
      ]),
    });
  });

  it('keys messages by nlmsg type: request values, then reply-only values (directional)', () => {
    assert.deepEqual(
      [...family.messages.values()],
      [
        // 16 is both newobj's request and getobj's reply (same layout): the request's op names it.
        { value: 16, name: 'newobj', kind: 'new', header: 'objmsg', attrSet: 'obj-attrs' },
        { value: 17, name: 'delobj', kind: 'del', header: 'objmsg', attrSet: 'obj-attrs' },
        { value: 18, name: 'getobj', kind: 'get', header: 'objmsg', attrSet: 'obj-attrs' },
        // getstats: op-level fixed header overrides the default; reply 28 is used by no request.
        { value: 28, name: 'getstats', kind: 'get', header: 'span', attrSet: 'stats-attrs' },
        { value: 30, name: 'getstats', kind: 'get', header: 'span', attrSet: 'stats-attrs' },
        // A notification takes the notified op's set and the default header.
        { value: 40, name: 'obj-ntf', kind: 'other', header: 'objmsg', attrSet: 'obj-attrs' },
      ],
    );
  });
});

describe("YNL x-text-payload (this project's extension key for text protocols)", () => {
  it('marks the request and reply parts that carry text, and only those', () => {
    const text = [
      'name: txt',
      'protocol: netlink-raw',
      'protonum: 30',
      'attribute-sets: [ { name: a, attributes: [ { name: x, type: u8 } ] } ]',
      'operations:',
      '  enum-model: directional',
      '  list:',
      '    - name: say',
      '      attribute-set: a',
      '      do:',
      '        request: { value: 16, x-text-payload: true }',
      '        reply: { value: 17 }',
      '    - name: shout',
      '      do:',
      '        request: { value: 18 }',
      '        reply: { value: 3, x-text-payload: true }',
      '',
    ].join('\n');
    const r = loadYnlSpec(text, 'txt.yaml');
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      [...r.family!.messages.values()],
      [
        { value: 3, name: 'shout', kind: 'other', textPayload: true },
        // A text payload has no attributes even when the op names a set.
        { value: 16, name: 'say', kind: 'other', textPayload: true },
        { value: 17, name: 'say', kind: 'other', attrSet: 'a' },
        { value: 18, name: 'shout', kind: 'other' },
      ],
    );
  });
});
