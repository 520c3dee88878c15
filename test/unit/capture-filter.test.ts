// The capture filter shared by `decode --pcap` and the viewer: the raw-header stage never rules out a record
// that the decoded stage would match, and each condition on decoded messages of real kernel replies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEmptyFilter, messageMatches, recordCouldMatch } from '../../extension/src/netlink/capture/filter';
import type { CaptureFilter } from '../../extension/src/netlink/capture/filter';
import { createRegistry, decodeMessages } from '../../extension/src/netlink/index';
import { fixtureNames, loadFixture } from '../fixtures/load';

const records = fixtureNames().flatMap((name) => {
  const f = loadFixture(name);
  return [f.request, ...f.buffers].map((bytes) => ({ protocol: f.protocol, bytes }));
});

describe('capture filter', () => {
  const registry = createRegistry();
  const decoded = records.map((r) => ({ ...r, messages: decodeMessages(r.bytes, { protocol: r.protocol, registry }) }));
  const all = decoded.flatMap((r) => r.messages);
  const filters: CaptureFilter[] = [
    {},
    { protocol: 0 },
    { protocol: 16, type: '16' },
    { type: 'rtm_newlink' },
    { type: '3' },
    { seq: all.find((m) => m.typeName === 'RTM_NEWADDR')!.seq },
    { port: all.find((m) => m.pid !== 0)!.pid, protocol: 0 },
    { errorsOnly: true },
    { grep: 'EINVAL' },
    { family: 'nlctrl', grep: 'notify' },
  ];

  for (const f of filters) {
    it(`${JSON.stringify(f)}: the header stage keeps every record the full filter matches`, () => {
      let matched = 0;
      for (const r of decoded) {
        const hits = r.messages.filter((m) => messageMatches(f, r.protocol, m)).length;
        if (hits > 0) assert.ok(recordCouldMatch(f, r.protocol, r.bytes));
        matched += hits;
      }
      assert.ok(matched > 0, 'the filter matches something in the fixtures');
      if (!isEmptyFilter(f)) assert.ok(matched < all.length, 'and not everything');
    });
  }

  it('errors-only: kernel errors and a DONE with one, never an ack', () => {
    const errors = decoded.flatMap((r) =>
      r.messages.filter((m) => messageMatches({ errorsOnly: true }, r.protocol, m)),
    );
    assert.ok(errors.every((m) => m.error !== undefined && m.error.code < 0));
    assert.ok(errors.some((m) => m.typeName === 'NLMSG_DONE'));
    assert.ok(all.some((m) => m.error?.code === 0) && !errors.some((m) => m.error?.code === 0));
  });

  it('grep looks into nested attributes, values and value names, in any case', () => {
    const [m] = decodeMessages(loadFixture('genl-getfamily-nlctrl').buffers[0]!, { protocol: 16 });
    assert.ok(messageMatches({ grep: 'NOTIFY' }, 16, m!)); // CTRL_ATTR_MCAST_GRP_NAME, two levels down
    assert.ok(messageMatches({ grep: 'cap_dump' }, 16, m!)); // a flags value name
    assert.ok(!messageMatches({ grep: 'nl80211' }, 16, m!));
  });
});
