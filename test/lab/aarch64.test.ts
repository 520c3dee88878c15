// The static aarch64 helper on a real arm64 kernel: an aarch64 lab VM (Debian's arm64 kernel on QEMU's virt
// machine under TCG, arm64 busybox and dropbear), the extension's TargetManager deploying nlhelper to it (no
// compiler in the guest, so the static build for `uname -m` = aarch64 is uploaded), and a HelperSession whose
// info, RTM_GETLINK dump and nlctrl GETFAMILY answers come from the arm64 kernel. run.sh cross-builds
// dist/native/aarch64/nlhelper (native/build-static.sh aarch64) before this runs.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LabVm } from '../../extension/src/lab/labVm';
import type { HelperSession } from '../../extension/src/target/helperSession';
import { TargetManager, type TargetSession } from '../../extension/src/target/targets';
import {
  CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, GENL_ID_CTRL, IFLA_IFNAME, NLMSG_DONE, NLMSG_ERROR, RTM_NEWLINK, errorCode, getFamily,
  getLinkDump, header, parseAttrs,
} from '../support/netlink-bytes';
import { CACHE, REPO } from './labFixture';

/** Measured 12-13 s to SSH under TCG on a loaded 2-core machine; 6x that before this counts as broken. */
const BOOT_LIMIT_S = 80;
const STATIC_HELPER = path.join(REPO, 'dist', 'native', 'aarch64', 'nlhelper');
const EM_AARCH64 = 183;

/** Attributes (type → value) after the family's fixed header of `skip` bytes. */
const attrs = (msg: Uint8Array, skip: number): Map<number, Buffer> => parseAttrs(header(msg).payload.subarray(skip));

const cString = (v: Buffer | undefined): string | undefined => v?.toString('latin1').replace(/\0.*$/s, '');

describe('aarch64 lab: the static arm64 helper through the extension\'s target code', () => {
  let vm: LabVm;
  let manager: TargetManager;
  let session: TargetSession;
  let helper: HelperSession;
  let t0 = 0;

  before(async () => {
    assert.ok(existsSync(STATIC_HELPER), `${STATIC_HELPER} is missing: run the tier with bash test/lab/run.sh (it runs native/build-static.sh aarch64)`);
    t0 = Date.now();
    vm = await LabVm.start({
      cacheDir: CACHE,
      arch: 'aarch64',
      bootTimeoutMs: 180_000,
      log: process.env.NETLINK_LAB_VERBOSE === '1' ? (l) => process.stderr.write(`[lab aarch64] ${l}\n`) : undefined,
    });
    // A file that overruns gets SIGTERM, which skips 'exit' handlers: kill QEMU first.
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      process.once(sig, () => {
        vm.terminate();
        process.exit(sig === 'SIGTERM' ? 143 : 130);
      });
    }
    const lab = vm;
    manager = new TargetManager({ extensionRoot: REPO, lab: () => ({ sshArgs: lab.sshArgs }) });
    session = manager.session('lab');
  });

  after(async () => {
    await manager?.dispose();
    await vm?.stop();
  });

  test('the guest is an arm64 kernel, booted under TCG', async (t) => {
    t.diagnostic(`boot to SSH ready: ${vm.bootSeconds.toFixed(1)} s (${vm.accel}, kernel ${vm.kernelRelease}); start() incl. preparation ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    assert.equal(vm.arch, 'aarch64');
    assert.equal(vm.accel, 'tcg');
    assert.match(vm.kernelRelease, /-arm64$/);
    assert.equal(vm.headersDir, '', 'no headers: the arm64 kbuild tools cannot run here');
    assert.ok(vm.bootSeconds > 0 && vm.bootSeconds < BOOT_LIMIT_S, `boot took ${vm.bootSeconds} s`);
    const r = await session.exec(['uname', '-m'], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'aarch64');
    const cc = await session.exec(['sh', '-c', 'command -v cc || command -v gcc || echo none'], { timeoutMs: 30_000 });
    assert.equal(cc.stdout.trim(), 'none', 'the guest has no compiler, so deploy must upload the static build');
  });

  test('commands started together over the ControlMaster all come back with their own exit status (dropbear)', async () => {
    // Dropbear closes some sessions that start while another ends, with no output and no exit status (ssh: 255);
    // the connection runs exec's commands one at a time so that never happens.
    for (let round = 0; round < 4; round++) {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => session.exec(i % 2 ? ['cat', '/proc/version'] : ['test', '-d', '/nonexistent'], { timeoutMs: 60_000 })));
      assert.deepEqual(results.map((r) => r.code), [1, 0, 1, 0, 1, 0, 1, 0], `round ${round}: ${results.map((r) => `${r.code} ${r.stderr.trim()}`).join(' | ')}`);
      for (const r of results.filter((_, i) => i % 2)) assert.match(r.stdout, /^Linux version .*-arm64/);
    }
  });

  test('the static build to deploy is an aarch64 ELF', () => {
    const elf = readFileSync(STATIC_HELPER);
    assert.equal(elf.readUInt32BE(0), 0x7f454c46, 'ELF magic');
    assert.equal(elf.readUInt16LE(18), EM_AARCH64, 'e_machine is EM_AARCH64');
  });

  test('deploy picks the static aarch64 helper by uname -m and uploads it unchanged', async () => {
    const d = await session.deployHelper();
    assert.equal(d.how, 'static');
    assert.equal(d.arch, 'aarch64');
    assert.match(d.note ?? '', /no C compiler/);
    assert.match(d.binary, /\/nlhelper-static-aarch64-[0-9a-f]{16}\/nlhelper$/);
    const sum = await session.exec(['sha256sum', d.binary], { timeoutMs: 30_000 });
    assert.equal(sum.code, 0, sum.stderr);
    assert.equal(sum.stdout.split(/\s+/)[0], createHash('sha256').update(readFileSync(STATIC_HELPER)).digest('hex'));
    // A second deployment finds its marker and uploads nothing.
    const again = await session.deployHelper({ force: true });
    assert.equal(again.how, 'cache');
    assert.equal(again.binary, d.binary);
  });

  test('HelperSession: info says aarch64 and the arm64 kernel', async () => {
    helper = await session.helper();
    const info = await helper.info();
    assert.equal(info.helper, 'nlhelper');
    assert.equal(info.uname?.machine, 'aarch64');
    assert.equal(info.uname?.release, vm.kernelRelease);
    assert.equal(info.uid, 0);
  });

  test('RTM_GETLINK dump: lo is link 1, eth0 is there, the dump ends with NLMSG_DONE', async () => {
    const r = await helper.exchange(0, getLinkDump(11), 10_000);
    assert.equal(r.outcome, 'done');
    const h = r.replies.map(header);
    assert.equal(h[h.length - 1]?.type, NLMSG_DONE);
    const links = r.replies.filter((m) => header(m).type === RTM_NEWLINK);
    assert.ok(links.every((m) => header(m).seq === 11));
    const byName = new Map(links.map((m) => [cString(attrs(m, 16).get(IFLA_IFNAME)), Buffer.from(m.buffer, m.byteOffset, m.byteLength).readInt32LE(20)]));
    assert.equal(byName.get('lo'), 1, `links: ${[...byName].join('; ')}`);
    assert.ok(byName.has('eth0'), `links: ${[...byName.keys()].join(', ')}`);
  });

  test('nlctrl GETFAMILY "nlctrl": family id 16 and name, then the ack', async () => {
    const r = await helper.exchange(16, getFamily(12, 'nlctrl'), 10_000);
    assert.equal(r.outcome, 'done');
    assert.deepEqual(r.replies.map((m) => header(m).type), [GENL_ID_CTRL, NLMSG_ERROR]);
    assert.equal(errorCode(r.replies[1] as Uint8Array), 0);
    const a = attrs(r.replies[0] as Uint8Array, 4);
    assert.equal(a.get(CTRL_ATTR_FAMILY_ID)?.readUInt16LE(0), 16);
    assert.equal(cString(a.get(CTRL_ATTR_FAMILY_NAME)), 'nlctrl');
  });
});
