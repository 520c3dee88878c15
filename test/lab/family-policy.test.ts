// "Show Family Policy" against the lab's Debian kernel: nlctrl's and ethtool's policies through the helper on the
// guest, lined up with the kernel's own specs (linux-source-6.12; the lab runs Debian's 6.1, so attributes newer
// than 6.1 show as disagreements). Here a dump-only op's policy is listed under its own cmd (getpolicy), unlike
// the 6.18 kernel of the unit fixtures, which lists it under cmd 0. netdev's policy, and nlctrl's on 6.12, are
// checked in kernel-6.12.test.ts.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OneShotExchanger } from '../../extension/src/exercise/oneShot';
import type { LabVm } from '../../extension/src/lab/labVm';
import { createRegistry } from '../../extension/src/netlink/index';
import { fetchFamilyPolicy } from '../../extension/src/policy/familyPolicy';
import { loadSpecFiles } from '../../extension/src/specs/specFiles';
import { CACHE, GUEST_HELPER, installModuleAndHelper, startLab } from './labFixture';

const SPECS = join(CACHE, 'ynl-specs-6.12/linux-source-6.12/Documentation/netlink/specs');

describe('family policy on the lab kernel', () => {
  let vm: LabVm;
  let exchanger: OneShotExchanger;
  const registry = createRegistry(loadSpecFiles([SPECS]).families);

  before(async () => {
    vm = await startLab();
    await installModuleAndHelper(vm);
    exchanger = new OneShotExchanger({ exec: (argv, o) => vm.exec(argv, { timeoutMs: o.timeoutMs }) }, GUEST_HELPER);
  });
  after(async () => {
    await vm?.stop();
  });

  test('nlctrl: getfamily and getpolicy under their own cmds; the unstated family-name limit found', async () => {
    const r = await fetchFamilyPolicy(exchanger, 'nlctrl', registry, 10_000);
    assert.ok(!('error' in r), 'error' in r ? r.error : '');
    const names = r.report.ops.map((o) => o.name);
    assert.ok(names.includes('getfamily') && names.includes('getpolicy'), names.join(', '));
    assert.ok(!names.includes('cmd 0'), names.join(', '));
    assert.ok(
      r.report.rows.some((x) => x.path === 'ctrl-attrs.family-name' && x.mismatch === 'max len: kernel 15, spec none'),
    );
  });

  test('ethtool (netdev is newer than 6.1): ops mapped, the nested request header followed to its set', async () => {
    const r = await fetchFamilyPolicy(exchanger, 'ethtool', registry, 10_000);
    assert.ok(!('error' in r), 'error' in r ? r.error : '');
    const shown = r.report.rows.map((x) => `${x.path}: ${x.kernel} / ${x.spec} / ${x.mismatch ?? 'agrees'}`).join('\n');
    assert.ok(
      r.report.ops.some((o) => o.name === 'linkinfo-get' && o.do !== undefined),
      shown,
    );
    const devName = r.report.rows.find((x) => x.path === 'header.dev-name');
    assert.ok(devName, shown);
    assert.match(devName.kernel, /^nul-string/, shown);
  });
});
