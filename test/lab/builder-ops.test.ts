// The builder's operation picker against the lab's Debian 6.1 kernel: ethtool linkinfo-get built from the kernel's
// own spec (linux-source-6.12), the family id resolved on the guest, sent through the builder's exchange path
// (nlhelper xchg on the guest), the replies decoded by the spec. Do on the guest's NIC, do on lo (an error with
// the kernel's ext-ack message), and the dump. netdev is newer than 6.1: kernel-6.12.test.ts sends its dev-get
// on Debian's 6.12 in the lab, test/native/builder-ops-host.test.ts on this machine's kernel.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OneShotExchanger } from '../../extension/src/exercise/oneShot';
import type { LabVm } from '../../extension/src/lab/labVm';
import { attr, sendForm, specForm, specRegistry } from '../support/specRequest';
import { CACHE, GUEST_HELPER, guestSh, installModuleAndHelper, startLab } from './labFixture';

describe('builder operations on the lab kernel', () => {
  let vm: LabVm;
  let exchanger: OneShotExchanger;
  let nic: string;
  const registry = specRegistry(CACHE);

  before(async () => {
    vm = await startLab();
    await installModuleAndHelper(vm);
    exchanger = new OneShotExchanger({ exec: (argv, o) => vm.exec(argv, { timeoutMs: o.timeoutMs }) }, GUEST_HELPER);
    const names = (await guestSh(vm, 'ls /sys/class/net')).split(/\s+/).filter((n) => n !== '' && n !== 'lo');
    assert.ok(names.length > 0, 'the lab guest has a network interface besides lo');
    nic = names[0]!;
  });
  after(async () => {
    await vm?.stop();
  });

  test('ethtool linkinfo-get do on the NIC: one reply, decoded by the spec, naming the device', async () => {
    const s = await specForm(exchanger, registry, 'ethtool', 'linkinfo-get do', [['header', '', [['dev-name', nic]]]]);
    assert.equal(s.flags, 0x5);
    const { result, replies } = await sendForm(exchanger, registry, s);
    assert.ok(result.kind === 'replies' && result.kernelError === undefined, JSON.stringify(result));
    const reply = replies.find((m) => m.family === 'ethtool' && m.error === undefined);
    assert.ok(reply, JSON.stringify(replies));
    assert.deepEqual(reply.problems, []);
    assert.equal(reply.command, 'linkinfo-get');
    const header = attr(reply.attrs, 'header');
    assert.equal(attr(header.attrs, 'dev-name').value, nic);
    assert.ok(
      reply.attrs.some((a) => a.name === 'port'),
      reply.attrs.map((a) => a.name).join(', '),
    );
  });

  test('ethtool linkinfo-get do on lo: EOPNOTSUPP with the kernel ext-ack message', async () => {
    const s = await specForm(exchanger, registry, 'ethtool', 'linkinfo-get do', [['header', '', [['dev-name', 'lo']]]]);
    const { result, replies } = await sendForm(exchanger, registry, s);
    assert.ok(result.kind === 'replies');
    assert.equal(result.kernelError?.name, 'EOPNOTSUPP', JSON.stringify(result));
    assert.match(result.kernelError?.message ?? '', /link settings/);
    // The echoed request, decoded by the same spec: what was sent.
    const echoed = replies.find((m) => m.error?.request)?.error?.request;
    assert.equal(echoed?.command, 'linkinfo-get');
    assert.equal(attr(attr(echoed?.attrs, 'header').attrs, 'dev-name').value, 'lo');
  });

  test('ethtool linkinfo-get dump: every device that has link settings, the NIC among them', async () => {
    const s = await specForm(exchanger, registry, 'ethtool', 'linkinfo-get dump', [['header', '', []]]);
    assert.equal(s.flags, 0x301);
    const { result, replies } = await sendForm(exchanger, registry, s);
    assert.ok(result.kind === 'replies' && result.outcome === 'done', JSON.stringify(result));
    const devices = replies
      .filter((m) => m.command === 'linkinfo-get')
      .map((m) => attr(attr(m.attrs, 'header').attrs, 'dev-name').value);
    assert.ok(devices.includes(nic), devices.join(', '));
    assert.ok(replies.every((m) => m.problems.length === 0));
  });
});
