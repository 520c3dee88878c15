// The reference module's own spec (kmod/nlreply.yaml, written with the module) loads cleanly: protocol 31,
// message types 16 (request) and 3 (the NLMSG_DONE reply), both with a text payload (`x-text-payload`).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { loadYnlSpec } from '../../extension/src/netlink/ynl/index';
import { FIXTURES } from '../fixtures/ynl/load-fixture';

const SPEC = resolve(FIXTURES, '../../../kmod/nlreply.yaml');

describe('YNL loader on kmod/nlreply.yaml', { skip: existsSync(SPEC) ? false : `${SPEC} not written yet` }, () => {
  it('loads without problems as a text-payload netlink-raw family on protocol 31', () => {
    const r = loadYnlSpec(readFileSync(SPEC, 'utf8'), SPEC);
    assert.deepEqual(r.problems, []);
    const f = r.family!;
    assert.equal(f.name, 'nlreply');
    assert.equal(f.protocol, 31);
    assert.equal(f.genl, false);
    assert.equal(f.source, SPEC);
    assert.deepEqual(f.messages.get(16), { value: 16, name: 'request', kind: 'other', textPayload: true });
    assert.deepEqual(f.messages.get(3), { value: 3, name: 'request', kind: 'other', textPayload: true });
    assert.equal(f.attrSets.size, 0);
  });
});
