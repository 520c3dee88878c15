// The lab on Debian's 6.12 kernel (the default lab's 6.1 has no netdev family): netdev dev-get built from the
// kernel's own spec by the builder's model, sent through the builder's exchange path (nlhelper xchg on the guest),
// the replies decoded by the spec; and "Show Family Policy" for nlctrl and netdev, the kernel's policy lined up
// with the spec. One VM for the file. run.sh fetches the 6.12 packages through apt; the static helper is the same
// x86_64 build the 6.1 lab takes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OneShotExchanger } from '../../extension/src/exercise/oneShot';
import type { LabVm } from '../../extension/src/lab/labVm';
import type { PolicyReport } from '../../extension/src/netlink/policy';
import { fetchFamilyPolicy } from '../../extension/src/policy/familyPolicy';
import { netdevDevGet, netdevDevGetDump } from '../support/netdevDevGet';
import { sendForm, specForm, specRegistry } from '../support/specRequest';
import { CACHE, GUEST_HELPER, guestSh, installHelper, startLab } from './labFixture';

const SERIES = '6.12';

/** "index path: why" for every row that disagrees, sorted. */
function mismatches(r: PolicyReport): string[] {
  return r.rows
    .filter((x) => x.mismatch !== undefined)
    .map((x) => `${x.policyIndex} ${x.path}: ${x.mismatch}`)
    .sort();
}

/** The whole comparison table, for a failing assertion's message. */
function table(r: PolicyReport): string {
  const ops = r.ops.map((o) => `${o.name} (cmd ${o.cmd}) do ${o.do ?? '-'} dump ${o.dump ?? '-'}`);
  const rows = r.rows.map((x) => `${x.path}: ${x.kernel} / ${x.spec} / ${x.mismatch ?? 'agrees'}`);
  return [...ops, ...rows, ...r.problems.map((p) => `problem: ${p}`)].join('\n');
}

describe(`the lab on Debian ${SERIES}: netdev from its spec, nlctrl and netdev policies`, () => {
  let vm: LabVm;
  let exchanger: OneShotExchanger;
  /** The ifindex of the guest's NIC (not lo). */
  let nic: number;
  const registry = specRegistry(CACHE);

  before(async () => {
    vm = await startLab(undefined, SERIES);
    assert.match(vm.kernelRelease, /^6\.12\./);
    await installHelper(vm);
    exchanger = new OneShotExchanger({ exec: (argv, o) => vm.exec(argv, { timeoutMs: o.timeoutMs }) }, GUEST_HELPER);
    const lines = await guestSh(vm, 'for d in /sys/class/net/*; do echo "${d##*/} $(cat "$d/ifindex")"; done');
    const nics = lines
      .split('\n')
      .map((l) => l.split(' '))
      .filter(([name]) => name !== undefined && name !== '' && name !== 'lo');
    assert.ok(nics.length > 0, `the guest has a network interface besides lo: ${lines}`);
    nic = Number(nics[0]![1]);
    assert.ok(Number.isInteger(nic) && nic > 1, lines);
  });
  after(async () => {
    await vm?.stop();
  });

  test('netdev dev-get do for the NIC and for lo, each one reply decoded by the spec', async () => {
    await netdevDevGet(exchanger, registry, nic);
    await netdevDevGet(exchanger, registry, 1);
  });

  test('netdev dev-get dump: lo and the NIC among the devices', async () => {
    await netdevDevGetDump(exchanger, registry, [1, nic]);
  });

  test("netdev page-pool-stats-get, in the spec but not built into Debian's 6.12: EOPNOTSUPP", async () => {
    const s = await specForm(exchanger, registry, 'netdev', 'page-pool-stats-get dump', []);
    const { result } = await sendForm(exchanger, registry, s);
    assert.ok(result.kind === 'replies');
    assert.equal(result.kernelError?.name, 'EOPNOTSUPP', JSON.stringify(result));
  });

  test('nlctrl policy: getpolicy under its own cmd; the spec misses the name limit and getfamily by id', async () => {
    const r = await fetchFamilyPolicy(exchanger, 'nlctrl', registry, 10_000);
    assert.ok(!('error' in r), 'error' in r ? r.error : '');
    const shown = table(r.report);
    assert.deepEqual(r.report.problems, [], shown);
    const ops = r.report.ops.map((o) => `${o.name} ${o.cmd} do ${o.do ?? '-'} dump ${o.dump ?? '-'}`);
    assert.deepEqual(ops, ['getfamily 3 do 0 dump 0', 'getpolicy 10 do - dump 1'], shown);
    // What disagrees, all of it: GENL_NAMSIZ's limit (16 with the NUL), which the spec does not state, and the
    // id getfamily also looks a family up by, which the spec's getfamily request does not list.
    assert.deepEqual(mismatches(r.report), [
      "0 ctrl-attrs.family-id: the kernel accepts it; the spec's request does not list it",
      '0 ctrl-attrs.family-name: max len: kernel 15, spec none',
      '1 ctrl-attrs.family-name: max len: kernel 15, spec none',
    ]);
  });

  test("netdev policy: every attribute agrees with the spec; dump-only ops point at the kernel's reject-all", async () => {
    const r = await fetchFamilyPolicy(exchanger, 'netdev', registry, 10_000);
    assert.ok(!('error' in r), 'error' in r ? r.error : '');
    const shown = table(r.report);
    assert.deepEqual(r.report.problems, [], shown);
    assert.deepEqual(mismatches(r.report), [], shown);
    const op = (name: string) => r.report.ops.find((o) => o.name === name);
    // Debian's 6.12 config leaves CONFIG_PAGE_POOL_STATS unset: the spec's page-pool-stats-get is not registered.
    assert.deepEqual(
      r.report.ops.map((o) => o.name),
      ['dev-get', 'page-pool-get', 'queue-get', 'napi-get', 'qstats-get', 'bind-rx'],
      shown,
    );
    // ... and the report names it, though no attribute row could.
    assert.deepEqual(r.report.specOpsNotInKernel, ['page-pool-stats-get'], shown);
    // The min 1 the builder checks before sending (builder-ops-host.test.ts) is the kernel's own.
    const ifindex = r.report.rows.find((x) => x.policyIndex === op('dev-get')?.do && x.path === 'dev.ifindex');
    assert.equal(ifindex?.kernel, 'u32 1..4294967295', shown);
    // dev-get's dump takes no attributes: the kernel gives it genl_policy_reject_all, whose NLA_REJECT entries
    // the policy dump leaves out, so its index has no rows (and page-pool-get's dump shares it).
    const dump = op('dev-get')?.dump;
    assert.ok(dump !== undefined, shown);
    assert.equal(op('page-pool-get')?.dump, dump, shown);
    assert.ok(!r.report.rows.some((x) => x.policyIndex === dump), shown);
    // The nested queue list of bind-rx followed to its own set.
    const queues = r.report.rows.find((x) => x.path === 'dmabuf.queues');
    const queueType = r.report.rows.find((x) => x.path === 'queue-id.type');
    assert.ok(queues && queueType, shown);
    assert.equal(queues.kernel, `nested policy ${queueType.policyIndex}`, shown);
    assert.equal(queueType.kernel, 'u32 0..1', shown);
  });
});
