// YNL loader, genetlink-legacy level: test/fixtures/ynl/legacy-features.yaml → exact messages, where request
// and reply numbers are counted apart and collide with different layouts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FamilyDef } from '../../extension/src/netlink/types';
import { loadFixture } from '../fixtures/ynl/load-fixture';

const loaded = loadFixture('legacy-features.yaml');
const family = loaded.family as FamilyDef;

describe('YNL genetlink-legacy spec', () => {
  it('loads without problems as a generic netlink family with fixed-header structs', () => {
    assert.deepEqual(loaded.problems, []);
    assert.equal(family.genl, true);
    assert.equal(family.protocol, 16);
    assert.equal(family.mcastGroups, undefined);
    assert.deepEqual(family.structs.get('wb-wide-header'), {
      name: 'wb-wide-header',
      fields: [
        { name: 'dp-ifindex', kind: 'u32' },
        { name: 'cookie', kind: 'u64' },
      ],
    });
  });

  it('numbers requests and replies apart; a reply layout that differs from the request at its number goes to reply*', () => {
    assert.deepEqual(
      [...family.messages.values()],
      [
        { value: 1, name: 'port-get', kind: 'get', header: 'wb-header', attrSet: 'port' },
        // Request 2 is stats-get; the kernel's message 2 is port-ntf (port set, default header).
        {
          value: 2,
          name: 'stats-get',
          kind: 'get',
          header: 'wb-wide-header',
          attrSet: 'stats',
          replyHeader: 'wb-header',
          replyAttrSet: 'port',
          replyName: 'port-ntf',
        },
        // Request 3 is port-set; the kernel's message 3 is stats-get's reply.
        {
          value: 3,
          name: 'port-set',
          kind: 'new',
          header: 'wb-header',
          attrSet: 'port',
          replyHeader: 'wb-wide-header',
          replyAttrSet: 'stats',
          replyName: 'stats-get',
        },
        // 4 is only a reply: the event.
        { value: 4, name: 'stats-ntf', kind: 'other', header: 'wb-wide-header', attrSet: 'stats' },
      ],
    );
  });
});
