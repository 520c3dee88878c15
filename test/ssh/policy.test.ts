// "Show Family Policy"'s path through a real helper session over SSH to this machine's kernel: the family id
// resolved by name, the policy dump read and lined up with the kernel's own specs (linux-source-6.12).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createRegistry } from '../../extension/src/netlink/index';
import { fetchFamilyPolicy } from '../../extension/src/policy/familyPolicy';
import { loadSpecFiles } from '../../extension/src/specs/specFiles';
import type { HelperSession } from '../../extension/src/target/helperSession';
import { useRemote, type Remote } from './fixture';

const CACHE = process.env.NETLINK_CACHE ?? resolve(__dirname, '../../.cache');
const SPECS = join(CACHE, 'ynl-specs-6.12/linux-source-6.12/Documentation/netlink/specs');

let remote: Remote;
let helper: HelperSession;

before(async () => {
  remote = await useRemote();
  const m = await remote.manager([remote.target('policy')]);
  helper = await m.session().helper();
});
after(async () => {
  await remote.release();
});

describe('family policy over SSH', () => {
  test('the specs are there (the test command fetches them first)', () => {
    assert.ok(existsSync(SPECS), `no specs in ${SPECS}: run bash test/fixtures/ynl/fetch-specs.sh`);
  });

  test('netdev: ops mapped, dev-get ifindex agrees with netdev.yaml', async () => {
    const registry = createRegistry(loadSpecFiles([SPECS]).families);
    const r = await fetchFamilyPolicy(helper, 'netdev', registry, 10_000);
    assert.ok(!('error' in r), 'error' in r ? r.error : '');
    assert.ok(r.specSource?.endsWith('netdev.yaml'));
    assert.ok(r.report.ops.some((o) => o.name === 'dev-get' && o.do !== undefined));
    const ifindex = r.report.rows.find((x) => x.path === 'dev.ifindex');
    assert.equal(ifindex?.kernel, 'u32 1..4294967295');
    assert.equal(ifindex?.mismatch, undefined);
  });

  test('nlctrl: the limit nlctrl.yaml does not state is found', async () => {
    const registry = createRegistry(loadSpecFiles([SPECS]).families);
    const r = await fetchFamilyPolicy(helper, 'nlctrl', registry, 10_000);
    assert.ok(!('error' in r), 'error' in r ? r.error : '');
    assert.ok(
      r.report.rows.some((x) => x.path === 'ctrl-attrs.family-name' && x.mismatch === 'max len: kernel 15, spec none'),
    );
  });

  test('a family the kernel does not have: the error names it, nothing thrown', async () => {
    const r = await fetchFamilyPolicy(helper, 'nlwb-nofamily', createRegistry(), 10_000);
    assert.ok('error' in r);
    assert.match(r.error, /nlwb-nofamily.*no such family/);
  });
});
