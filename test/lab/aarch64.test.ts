// The static aarch64 helper on a real arm64 kernel: an aarch64 lab VM (Debian's arm64 kernel on QEMU's virt
// machine under TCG, arm64 busybox and dropbear), the extension's TargetManager deploying nlhelper to it (no
// compiler in the guest, so the static build for `uname -m` = aarch64 is uploaded), and a HelperSession whose
// info, RTM_GETLINK dump and nlctrl GETFAMILY answers come from the arm64 kernel. Then the module loop for it:
// kmod/ cross-built here in local-headers mode through the extension's code (Debian's arm64 headers with this
// machine's kbuild, fetched for the guest's uname -r; aarch64-linux-gnu-gcc), loaded in the guest and answering
// through the helper session; and the same build from a target's headersDir setting. run.sh cross-builds
// dist/native/aarch64/nlhelper (native/build-static.sh aarch64, which installs the cross compiler) before this runs.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildModule } from '../../extension/src/module/build';
import { insmod, moduleParameterArgs, moduleState, rmmod } from '../../extension/src/module/module';
import type { ModuleTarget } from '../../extension/src/module/remote';
import { moduleTargetOf } from '../../extension/src/module/sessionTarget';
import { LabVm } from '../../extension/src/lab/labVm';
import { readModinfo } from '../../extension/src/lab/modinfo';
import type { HelperSession } from '../../extension/src/target/helperSession';
import { TargetManager, type TargetSession } from '../../extension/src/target/targets';
import { validateTargets } from '../../extension/src/target/validate';
import {
  CTRL_ATTR_FAMILY_ID,
  CTRL_ATTR_FAMILY_NAME,
  GENL_ID_CTRL,
  IFLA_IFNAME,
  NLM_F_ACK,
  NLM_F_REQUEST,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLREPLY_PROTOCOL,
  RTM_NEWLINK,
  errorCode,
  getFamily,
  getLinkDump,
  header,
  nlmsg,
  parseAttrs,
  replyText,
} from '../support/netlink-bytes';
import { CACHE, REPO, kernelTroubleSince, labAsSshTarget } from './labFixture';

/** Measured 12-13 s to SSH under TCG on a loaded 2-core machine; 6x that before this counts as broken. */
const BOOT_LIMIT_S = 80;
const STATIC_HELPER = path.join(REPO, 'dist', 'native', 'aarch64', 'nlhelper');
const EM_AARCH64 = 183;
const KMOD = path.join(REPO, 'kmod');
const WORK = '/root/netlink-work';
const P = NLREPLY_PROTOCOL;

/** The one build folder buildModule made under `root` (one per sources + headers), and the .ko in it. */
function localKo(root: string): string {
  const dirs = readdirSync(root);
  assert.equal(dirs.length, 1, `build folders: ${dirs.join(', ')}`);
  return path.join(root, dirs[0] as string, 'nlreply.ko');
}

/** An ELF file's e_machine (after checking the magic). */
function elfMachine(file: string): number {
  const elf = readFileSync(file);
  assert.equal(elf.readUInt32BE(0), 0x7f454c46, `${file}: ELF magic`);
  return elf.readUInt16LE(18);
}

/** An ELF's e_machine and the vermagic in its .modinfo. */
function elfMachineAndVermagic(file: string): { machine: number; vermagic: string | undefined } {
  return { machine: elfMachine(file), vermagic: readModinfo(readFileSync(file), file).get('vermagic')?.[0] };
}

/** Attributes (type → value) after the family's fixed header of `skip` bytes. */
const attrs = (msg: Uint8Array, skip: number): Map<number, Buffer> => parseAttrs(header(msg).payload.subarray(skip));

const cString = (v: Buffer | undefined): string | undefined => v?.toString('latin1').replace(/\0.*$/s, '');

describe("aarch64 lab: the static arm64 helper through the extension's target code", () => {
  let vm: LabVm;
  let manager: TargetManager;
  let session: TargetSession;
  let helper: HelperSession;
  let t0 = 0;
  let tmp = '';
  let moduleTarget: ModuleTarget;
  let koPath = '';
  let headersDir = '';
  let dmesgBefore = '';

  before(async () => {
    assert.ok(
      existsSync(STATIC_HELPER),
      `${STATIC_HELPER} is missing: run the tier with bash test/lab/run.sh (it runs native/build-static.sh aarch64)`,
    );
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
    tmp = mkdtempSync(path.join(os.tmpdir(), 'aarch64-lab-'));
  });

  after(async () => {
    await manager?.dispose();
    await vm?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('the guest is an arm64 kernel, booted under TCG', async (t) => {
    t.diagnostic(
      `boot to SSH ready: ${vm.bootSeconds.toFixed(1)} s (${vm.accel}, kernel ${vm.kernelRelease}); start() incl. preparation ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    assert.equal(vm.arch, 'aarch64');
    assert.equal(vm.accel, 'tcg');
    assert.match(vm.kernelRelease, /-arm64$/);
    assert.equal(vm.headersDir, '', 'headers are not prepared at boot: the first module build fetches them');
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
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          session.exec(i % 2 ? ['cat', '/proc/version'] : ['test', '-d', '/nonexistent'], { timeoutMs: 60_000 }),
        ),
      );
      assert.deepEqual(
        results.map((r) => r.code),
        [1, 0, 1, 0, 1, 0, 1, 0],
        `round ${round}: ${results.map((r) => `${r.code} ${r.stderr.trim()}`).join(' | ')}`,
      );
      for (const r of results.filter((_, i) => i % 2)) assert.match(r.stdout, /^Linux version .*-arm64/);
    }
  });

  test('the static build to deploy is an aarch64 ELF', () => {
    assert.equal(elfMachine(STATIC_HELPER), EM_AARCH64, 'e_machine is EM_AARCH64');
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
    const r = await helper.exchange(0, getLinkDump(11), { timeoutMs: 10_000 });
    assert.equal(r.outcome, 'done');
    const h = r.replies.map(header);
    assert.equal(h[h.length - 1]?.type, NLMSG_DONE);
    const links = r.replies.filter((m) => header(m).type === RTM_NEWLINK);
    assert.ok(links.every((m) => header(m).seq === 11));
    const byName = new Map(
      links.map((m) => [
        cString(attrs(m, 16).get(IFLA_IFNAME)),
        Buffer.from(m.buffer, m.byteOffset, m.byteLength).readInt32LE(20),
      ]),
    );
    assert.equal(byName.get('lo'), 1, `links: ${[...byName].join('; ')}`);
    assert.ok(byName.has('eth0'), `links: ${[...byName.keys()].join(', ')}`);
  });

  test('nlctrl GETFAMILY "nlctrl": family id 16 and name, then the ack', async () => {
    const r = await helper.exchange(16, getFamily(12, 'nlctrl'), { timeoutMs: 10_000 });
    assert.equal(r.outcome, 'done');
    assert.deepEqual(
      r.replies.map((m) => header(m).type),
      [GENL_ID_CTRL, NLMSG_ERROR],
    );
    assert.equal(errorCode(r.replies[1] as Uint8Array), 0);
    const a = attrs(r.replies[0] as Uint8Array, 4);
    assert.equal(a.get(CTRL_ATTR_FAMILY_ID)?.readUInt16LE(0), 16);
    assert.equal(cString(a.get(CTRL_ATTR_FAMILY_NAME)), 'nlctrl');
  });

  test('local-headers: kmod/ cross-built here for the arm64 guest, headers fetched for its uname -r', async (t) => {
    const lines: Array<{ at: number; line: string }> = [];
    const log = (line: string): void => void lines.push({ at: Date.now(), line });
    moduleTarget = await moduleTargetOf(session, { cacheDir: CACHE, log });
    assert.equal(moduleTarget.headersDir, undefined, 'the aarch64 lab has no headers at boot');
    assert.equal(moduleTarget.buildMode, 'local-headers');
    const start = Date.now();
    const r = await buildModule(moduleTarget, { moduleDir: KMOD, localBuildRoot: path.join(tmp, 'build'), log });
    const end = Date.now();
    const make = lines.find((l) => l.line.startsWith('make -C '));
    t.diagnostic(
      lines
        .filter((l) => /fetching|downloading|cross build|apt-get/.test(l.line))
        .map((l) => l.line)
        .join(' | '),
    );
    t.diagnostic(
      `headers ready after ${(((make?.at ?? end) - start) / 1000).toFixed(1)} s, make ${((end - (make?.at ?? start)) / 1000).toFixed(1)} s: ${r.summary}`,
    );
    assert.equal(r.ok, true, `${r.summary}\n${r.output}`);
    assert.deepEqual(
      r.diagnostics.filter((d) => d.severity !== 'note'),
      [],
      'the reference module builds clean for arm64 too',
    );
    assert.ok(lines.some((l) => l.line.includes(`runs kernel ${vm.kernelRelease}: fetching its headers`)));
    headersDir = (make?.line ?? '').split(' ')[2] ?? '';
    assert.ok(
      headersDir.endsWith(`/kernels/${vm.kernelRelease}/usr/src/linux-headers-${vm.kernelRelease}`),
      headersDir,
    );
    assert.match(make?.line ?? '', / ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- modules$/);
    assert.ok(
      lines.some((l) => /LD \[M\]\s+\S+nlreply\.ko/.test(l.line)),
      'kbuild output went to the log',
    );
    assert.match(r.koPath ?? '', /\/kmod-[0-9a-f]{12}\/nlreply\.ko$/);
    assert.ok(
      r.koPath?.startsWith(`${moduleTarget.workFolder}/`),
      `${r.koPath} in the lab target's work folder ${moduleTarget.workFolder}`,
    );
    koPath = r.koPath as string;

    // An arm64 object with the guest kernel's vermagic (the same as its own modules'), uploaded unchanged.
    const built = localKo(path.join(tmp, 'build'));
    const ko = elfMachineAndVermagic(built);
    const guestModule = elfMachineAndVermagic(
      path.join(vm.kernel.modulesDir, 'kernel', 'drivers', 'net', 'virtio_net.ko'),
    );
    assert.equal(ko.machine, EM_AARCH64, 'e_machine is EM_AARCH64');
    assert.equal(guestModule.machine, EM_AARCH64);
    assert.equal(ko.vermagic, guestModule.vermagic);
    assert.match(ko.vermagic ?? '', new RegExp(`^${vm.kernelRelease.replace(/[.+]/g, '\\$&')} SMP .*aarch64$`));
    const sum = await session.exec(['sha256sum', koPath], { timeoutMs: 30_000 });
    assert.equal(sum.stdout.split(/\s+/)[0], createHash('sha256').update(readFileSync(built)).digest('hex'));
  });

  test('headers cached: the next fetch asks apt nothing', async (t) => {
    const lines: string[] = [];
    const again = await moduleTargetOf(session, { cacheDir: CACHE, log: (l) => lines.push(l) });
    const start = Date.now();
    assert.equal(await again.fetchHeaders?.(), headersDir);
    t.diagnostic(`cached fetch ${Date.now() - start} ms: ${lines.join(' | ')}`);
    assert.deepEqual(
      lines.filter((l) => !l.includes('fetching its headers')),
      [],
      'no apt, no download',
    );
  });

  test('insmod in the guest; NLM_F_ACK gets exactly one NLMSG_DONE from port 0 naming our port, no ACK gets nothing', async () => {
    dmesgBefore = (await session.exec(['dmesg'], { timeoutMs: 30_000 })).stdout;
    await insmod(moduleTarget, koPath, moduleParameterArgs({ protocol: P }), 'nlreply');
    const state = await moduleState(moduleTarget, 'nlreply');
    assert.equal(state.loaded, true);
    assert.equal(state.state, 'Live');
    const counters = async (): Promise<number[]> =>
      (
        await session.exec(['sh', '-c', 'cd /sys/module/nlreply/parameters && cat received replied'], {
          timeoutMs: 30_000,
        })
      ).stdout
        .trim()
        .split(/\s+/)
        .map(Number);
    const before = await counters();

    const acked = await helper.exchange(
      P,
      nlmsg({ flags: NLM_F_REQUEST | NLM_F_ACK, seq: 0x5eed0001, payload: 'arm64\0' }),
      { timeoutMs: 10_000 },
    );
    assert.equal(acked.outcome, 'done');
    assert.equal(acked.replies.length, 1, 'exactly one reply');
    const reply = header(acked.replies[0] as Uint8Array);
    assert.equal(reply.type, NLMSG_DONE);
    assert.equal(reply.pid, 0, 'from the kernel (port 0)');
    assert.equal(reply.seq, 0x5eed0001);
    const port = (await helper.info()).sockets.find((s) => s.protocol === P)?.portid;
    assert.ok(port !== undefined && port > 0, "the helper holds a socket on the module's protocol");
    assert.equal(replyText(reply), `message from port ${port} processed by kernel: arm64`);

    const quiet = await helper.exchange(P, nlmsg({ flags: NLM_F_REQUEST, seq: 0x5eed0002 }), { timeoutMs: 1_500 });
    assert.equal(quiet.outcome, 'timeout');
    assert.deepEqual(quiet.replies, []);
    const after = await counters();
    assert.deepEqual([after[0]! - before[0]!, after[1]! - before[1]!], [2, 1], 'received 2, replied 1');
  });

  test('rmmod unloads it (after the helper lets go of its socket on the protocol)', async () => {
    await helper.closeSockets(P);
    await rmmod(moduleTarget, 'nlreply');
    assert.deepEqual(await moduleState(moduleTarget, 'nlreply'), { loaded: false });
    const dmesg = (await session.exec(['dmesg'], { timeoutMs: 30_000 })).stdout;
    assert.match(dmesg, /nlreply: serving netlink protocol 31[\s\S]*nlreply: released netlink protocol 31/);
    assert.deepEqual(await kernelTroubleSince(vm, dmesgBefore), []);
  });

  test('a target whose headersDir setting names the arm64 tree builds the same way', async () => {
    const ssh = labAsSshTarget(vm, tmp);
    const { targets, problems } = validateTargets([
      {
        name: 'arm',
        ...ssh,
        buildMode: 'local-headers',
        workFolder: WORK,
        headersDir,
      },
    ]);
    assert.deepEqual(problems, []);
    const own = new TargetManager({ extensionRoot: REPO });
    try {
      await own.setTargets(targets, 'arm');
      const configured = await moduleTargetOf(own.session('arm'), {
        cacheDir: path.join(tmp, 'no-cache'),
        log: () => undefined,
      });
      assert.equal(configured.headersDir, headersDir);
      assert.equal(configured.fetchHeaders, undefined, 'configured headers are used as they are');
      const lines: string[] = [];
      const r = await buildModule(configured, {
        moduleDir: KMOD,
        localBuildRoot: path.join(tmp, 'build-configured'),
        log: (l) => lines.push(l),
      });
      assert.equal(r.ok, true, `${r.summary}\n${r.output}`);
      assert.ok(
        lines.some((l) => l.endsWith(' ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- modules')),
        lines.join('\n'),
      );
      assert.equal(elfMachine(localKo(path.join(tmp, 'build-configured'))), EM_AARCH64);
      const there = await own.session('arm').exec(['test', '-f', r.koPath as string], { timeoutMs: 30_000 });
      assert.equal(there.code, 0, `${r.koPath} is on the target`);
    } finally {
      await own.dispose();
    }
  });
});
