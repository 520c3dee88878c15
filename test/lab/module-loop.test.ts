// The module loop through the extension's own code (extension/src/module, extension/src/exercise) with the lab VM as
// the target: build (local-headers against the VM's headers; remote mode refused, the lab has no compiler),
// insmod with parameters, kernel log read and followed, the shipped exercise run through nlhelper in the guest,
// rmmod; and broken module copies whose build diagnostics point at the local file and line.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OneShotExchanger } from '../../extension/src/exercise/oneShot';
import { loadExerciseFile, parseExerciseText } from '../../extension/src/exercise/loadFile';
import { runExercise } from '../../extension/src/exercise/runner';
import { buildModule } from '../../extension/src/module/build';
import { KernelLogFollower, readKernelLog } from '../../extension/src/module/kernelLog';
import { insmod, moduleParameterArgs, moduleParameters, moduleState, rmmod } from '../../extension/src/module/module';
import { KmodError, type BuildMode, type ModuleTarget } from '../../extension/src/module/remote';
import { moduleTargetOf } from '../../extension/src/module/sessionTarget';
import { fetchDebianHeaders } from '../../extension/src/debian/kernel';
import { TargetManager } from '../../extension/src/target/targets';
import { validateTargets, type TargetConfig } from '../../extension/src/target/validate';
import type { LabVm } from '../../extension/src/lab/labVm';
import { thisMachineRunner } from '../support/thisMachine';
import {
  CACHE,
  GUEST_HELPER,
  REPO,
  builtArtifact,
  guest,
  guestSh,
  kernelTroubleSince,
  labAsSshTarget,
  startLab,
} from './labFixture';

const KMOD = path.join(REPO, 'kmod');
const EXERCISE = path.join(KMOD, 'exercises', 'nlreply.yaml');
const WORK = '/root/netlink-work';

/** Settings entries as the extension validates them; a problem fails the test. */
function validTargets(entries: unknown[]): TargetConfig[] {
  const { targets, problems } = validateTargets(entries);
  assert.deepEqual(problems, []);
  return targets;
}

/** LabVm as the module commands' target: the same shape the SSH target has. */
function labTarget(vm: LabVm, buildMode: BuildMode): ModuleTarget {
  return {
    name: 'lab',
    workFolder: WORK,
    headersDir: vm.headersDir,
    buildMode,
    exec: (argv, o) => vm.exec(argv, { timeoutMs: o.timeoutMs, ...(o.input === undefined ? {} : { input: o.input }) }),
    copyTo: (local, remote) => vm.copyTo(local, remote),
  };
}

/**
 * This machine as a `remote` build target (it has make and gcc, which the lab lacks), building against the lab
 * kernel's headers as its kernel build folder: the remote flow (probe, upload, make there, paths mapped back)
 * for real. Commands run from argv without a shell, as over SSH.
 */
function thisMachine(root: string, kernelBuildDir: string): ModuleTarget {
  return {
    name: 'this machine',
    workFolder: path.join(root, 'remote-work'),
    kernelBuildDir,
    buildMode: 'remote',
    ...thisMachineRunner(),
  };
}

/** A copy of kmod/'s build inputs (no objects of earlier builds) to break on purpose. */
function moduleCopy(root: string, name: string): string {
  const dir = path.join(root, name);
  cpSync(KMOD, dir, { recursive: true, filter: (s) => s === KMOD || /\/(Kbuild|Makefile|[^/]+\.[ch])$/.test(s) });
  return dir;
}

function lineOf(text: string, exact: string): number {
  const i = text.split('\n').indexOf(exact);
  assert.ok(i >= 0, `line ${JSON.stringify(exact)} not found`);
  return i + 1;
}

describe('module loop in the lab through extension code', () => {
  let vm: LabVm;
  let target: ModuleTarget;
  let tmp = '';
  let dmesgBefore = '';
  let koPath = '';

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'module-loop-'));
    vm = await startLab();
    target = labTarget(vm, 'local-headers');
    await guest(vm, ['mkdir', '-p', path.posix.dirname(GUEST_HELPER)]);
    await vm.copyTo(builtArtifact('NETLINK_LAB_NLHELPER'), GUEST_HELPER);
    await guest(vm, ['chmod', '755', GUEST_HELPER]);
    dmesgBefore = await guest(vm, ['dmesg']);
  });

  after(async () => {
    await vm?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('remote mode: the lab has no compiler, and the error says what to do', async () => {
    await assert.rejects(buildModule(labTarget(vm, 'remote'), { moduleDir: KMOD }), (e: unknown) => {
      assert.ok(e instanceof KmodError, String(e));
      assert.match(
        e.message,
        /^lab has no make and no C compiler \(gcc or cc\): build mode "remote" compiles on the target\..*"local-headers"/,
      );
      return true;
    });
  });

  test("local-headers: kmod/ builds against the VM kernel's headers and the .ko lands in the work folder", async (t) => {
    const lines: string[] = [];
    const t0 = Date.now();
    const r = await buildModule(target, {
      moduleDir: KMOD,
      localBuildRoot: path.join(tmp, 'build'),
      log: (l) => lines.push(l),
    });
    t.diagnostic(`${r.summary} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    assert.equal(r.ok, true, `${r.summary}\n${r.output}`);
    assert.equal(r.mode, 'local-headers');
    assert.deepEqual(
      r.diagnostics.filter((d) => d.severity !== 'note'),
      [],
      'the reference module builds clean',
    );
    assert.match(r.koPath ?? '', new RegExp(`^${WORK}/kmod-[0-9a-f]{12}/nlreply\\.ko$`));
    koPath = r.koPath as string;
    assert.match(await guest(vm, ['sh', '-c', 'ls -l "$1"', 'sh', koPath]), /nlreply\.ko/);
    assert.ok(
      lines.some((l) => /LD \[M\]\s+\S+nlreply\.ko/.test(l)),
      'kbuild output went to the log',
    );
  });

  test('an SSH target (not the built-in lab) in local-headers mode: headers fetched for its uname -r, or taken from headersDir', async (t) => {
    const entry = { name: 'vm', ...labAsSshTarget(vm, tmp), buildMode: 'local-headers', workFolder: WORK };
    const manager = new TargetManager({ extensionRoot: REPO });
    try {
      const fetched: string[] = [];
      await manager.setTargets(validTargets([entry]), 'vm');
      const st = await manager.refresh('vm');
      assert.equal(st.kind, 'connected', st.detail);
      const viaFetch = await moduleTargetOf(manager.session('vm'), { cacheDir: CACHE, log: (l) => fetched.push(l) });
      assert.equal(viaFetch.headersDir, undefined, 'no headers configured');
      const r = await buildModule(viaFetch, {
        moduleDir: KMOD,
        localBuildRoot: path.join(tmp, 'build-fetch'),
        log: () => undefined,
      });
      assert.equal(r.ok, true, `${r.summary}\n${r.output}`);
      assert.ok(
        fetched.some((l) => l.includes(`runs kernel ${vm.kernelRelease}: fetching its headers`)),
        fetched.join('\n'),
      );
      t.diagnostic(fetched.join(' | '));

      await manager.setTargets(validTargets([{ ...entry, headersDir: vm.headersDir }]), 'vm');
      const configured = await moduleTargetOf(manager.session('vm'), {
        cacheDir: path.join(tmp, 'no-cache'),
        log: () => undefined,
      });
      assert.equal(configured.headersDir, vm.headersDir);
      assert.equal(configured.fetchHeaders, undefined, 'configured headers are used as they are');
      const r2 = await buildModule(configured, {
        moduleDir: KMOD,
        localBuildRoot: path.join(tmp, 'build-configured'),
        log: () => undefined,
      });
      assert.equal(r2.ok, true, `${r2.summary}\n${r2.output}`);
    } finally {
      await manager.dispose();
    }
    // A kernel that is no Debian kernel, or of another architecture: refused before any download, saying what to do.
    await assert.rejects(
      fetchDebianHeaders(path.join(tmp, 'no-cache'), '6.18.0-custom', () => undefined),
      /not a Debian kernel.*headersDir/,
    );
    // Debian's 32-bit ARM flavour: neither this machine's architecture nor one it cross-builds for.
    await assert.rejects(
      fetchDebianHeaders(path.join(tmp, 'no-cache'), '6.1.0-57-armmp', () => undefined),
      /not a Debian kernel for amd64 or arm64/,
    );
  });

  test('insmod with parameters from the setting; loaded state and parameters read back', async () => {
    assert.deepEqual(await moduleState(target, 'nlreply'), { loaded: false });
    await insmod(target, koPath, moduleParameterArgs({ protocol: 31 }), 'nlreply');
    const state = await moduleState(target, 'nlreply');
    assert.equal(state.loaded, true);
    assert.equal(state.state, 'Live');
    const params = await moduleParameters(target, 'nlreply');
    assert.equal(params.get('protocol'), '31');
    for (const c of ['received', 'replied', 'unicast_failures', 'malformed'])
      assert.match(params.get(c) ?? '', /^\d+$/, c);
  });

  test('a second insmod says the module is already loaded', async () => {
    await assert.rejects(insmod(target, koPath, [], 'nlreply'), /insmod .* failed: .*\(the module is already loaded\)/);
  });

  test('the kernel log: read once, then followed as new lines come', async () => {
    const once = await readKernelLog(target);
    assert.ok(
      once.some((l) => /nlreply: serving netlink protocol 31/.test(l)),
      once.slice(-5).join('\n'),
    );
    const marker = `module-loop marker ${Date.now()}`;
    const seen: string[] = [];
    let gaps = 0;
    const follower = new KernelLogFollower(target, {
      intervalMs: 300,
      initialLines: 20,
      onLines: (lines, gap) => {
        seen.push(...lines);
        if (gap) gaps++;
      },
    });
    try {
      await waitFor(() => seen.length > 0, 20_000, 'the first read');
      const firstBatch = seen.length;
      assert.ok(firstBatch <= 20, `initial read limited to 20 lines, got ${firstBatch}`);
      await guestSh(vm, 'echo "$1" > /dev/kmsg', [marker]);
      await waitFor(() => seen.some((l) => l.includes(marker)), 20_000, 'the marker line');
      assert.equal(seen.filter((l) => l.includes(marker)).length, 1, 'each line once');
      assert.equal(gaps, 0);
    } finally {
      follower.stop();
    }
    await follower.done;
    assert.equal(follower.following, false);
  });

  test('kmod/exercises/nlreply.yaml through nlhelper xchg in the guest: every step passes', async (t) => {
    const loaded = await loadExerciseFile(EXERCISE);
    assert.deepEqual(loaded.problems, []);
    const ex = loaded.exercise!;
    const before = await moduleParameters(target, 'nlreply');
    const results = await runExercise(ex, new OneShotExchanger(target, GUEST_HELPER));
    for (const r of results) t.diagnostic(`step "${r.step.name}": ${r.status} in ${r.durationMs} ms`);
    for (const r of results) assert.equal(r.status, 'pass', `${r.step.name}: ${r.message}\n${r.details}`);
    assert.equal(results.length, ex.steps.length);
    // The module counted what the exercise sent: 6 messages (the last step sends two), 5 of them with NLM_F_ACK.
    const after = await moduleParameters(target, 'nlreply');
    assert.equal(Number(after.get('received')) - Number(before.get('received')), 6);
    assert.equal(Number(after.get('replied')) - Number(before.get('replied')), 5);
    // The decoded reply is in the details: NLMSG_DONE decoded as the module's text with its spec.
    assert.match(results[0]!.details, /message from port \d+ processed by kernel/);
    assert.match(results[0]!.message, /\$\{portid\} is not known to this exchanger/);
  });

  test('a wrong expectation fails with the decoded reply in the message', async () => {
    const wrong = parseExerciseText(
      `protocol: 31
spec: nlreply.yaml
steps:
  - name: expects another text
    send: {flags: [REQUEST, ACK], seq: 42, text: abc}
    expect: {reply: {seq: 42, text: "message from port \${portid} processed by kernel: xyz"}}
  - name: expects silence but asks for an ack
    send: {flags: [REQUEST, ACK], seq: 43}
    expect: nothing
    timeoutMs: 500
`,
      path.join(KMOD, 'inline.yaml'),
    );
    assert.deepEqual(wrong.problems, []);
    const [a, b] = await runExercise(wrong.exercise!, new OneShotExchanger(target, GUEST_HELPER));
    assert.equal(a?.status, 'fail');
    assert.match(
      a!.message,
      /^reply #0: text is "message from port \d+ processed by kernel: abc", expected "message from port \$\{portid\} processed by kernel: xyz"/,
    );
    assert.match(a!.details, /received 1 message:\n#0 @0 .*NLMSG_DONE|received 1 message:\n#0 @0 .*request/);
    assert.equal(b?.status, 'fail');
    assert.match(b!.message, /^expected nothing within 500 ms, got 1 reply/);
  });

  test("the lab kernel's own protocols: an rtnetlink error and an nlctrl reply matched by attributes", async () => {
    const parsed = parseExerciseText(
      `protocol: route
steps:
  - name: no such link
    send: {type: RTM_GETLINK, flags: [REQUEST, ACK], seq: 1, header: "00000000 ffffff7f 00000000 00000000"}
    expect: {error: ENODEV}
  - name: loopback by index
    send: {type: RTM_GETLINK, flags: REQUEST, seq: 2, header: "00000000 01000000 00000000 00000000"}
    expect: {reply: {type: RTM_NEWLINK, seq: 2, attrs: {IFLA_IFNAME: lo, IFLA_MTU: 65536}}}
`,
      '/lab/route.yaml',
    );
    assert.deepEqual(parsed.problems, []);
    const genl = parseExerciseText(
      `protocol: generic
steps:
  - name: nlctrl resolves itself
    send: {type: 16, flags: REQUEST, seq: 3, header: "03010000", attrs: [{type: 2, string: nlctrl}]}
    expect: {reply: {type: 16, seq: 3, attrs: {CTRL_ATTR_FAMILY_NAME: nlctrl, CTRL_ATTR_FAMILY_ID: 16}}}
  - name: an unknown family is ENOENT
    send: {type: 16, flags: [REQUEST, ACK], seq: 4, header: "03010000", attrs: [{type: 2, string: no-such-family}]}
    expect: {error: ENOENT}
`,
      '/lab/genl.yaml',
    );
    assert.deepEqual(genl.problems, []);
    const exchanger = new OneShotExchanger(target, GUEST_HELPER);
    const results = [
      ...(await runExercise(parsed.exercise!, exchanger)),
      ...(await runExercise(genl.exercise!, exchanger)),
    ];
    for (const r of results) assert.equal(r.status, 'pass', `${r.step.name}: ${r.message}\n${r.details}`);
  });

  test('rmmod unloads; then the exercise cannot even open its socket, and says the module is not loaded', async () => {
    await rmmod(target, 'nlreply');
    assert.deepEqual(await moduleState(target, 'nlreply'), { loaded: false });
    await assert.rejects(rmmod(target, 'nlreply'), /rmmod nlreply failed/);
    const ex = (await loadExerciseFile(EXERCISE)).exercise!;
    const [first] = await runExercise(ex, new OneShotExchanger(target, GUEST_HELPER), { only: new Set([0]) });
    assert.equal(first?.status, 'error');
    assert.match(first!.message, /no kernel socket serves netlink protocol 31 on the target: is the module loaded\?/);
    assert.match((await readKernelLog(target)).join('\n'), /nlreply: released netlink protocol 31/);
  });

  test('a broken copy: compiler diagnostics point at the local file and line', async () => {
    const dir = moduleCopy(tmp, 'broken-gcc');
    const file = path.join(dir, 'nlreply.c');
    const source = readFileSync(file, 'utf8').replace(
      'static int __init nlreply_init(void)\n{\n',
      'static int __init nlreply_init(void)\n{\n\tint oops = undeclared_thing;\n',
    );
    writeFileSync(file, source);
    const r = await buildModule(target, { moduleDir: dir, localBuildRoot: path.join(tmp, 'build') });
    assert.equal(r.ok, false);
    assert.equal(r.koPath, undefined);
    const err = r.diagnostics.find((d) => d.severity === 'error' && d.source === 'gcc');
    assert.ok(err, JSON.stringify(r.diagnostics));
    assert.equal(err.file, file, 'mapped from the build copy to the local module folder');
    assert.equal(err.local, true);
    assert.equal(err.line, lineOf(source, '\tint oops = undeclared_thing;'));
    assert.equal(err.col, 20, "gcc's display column: the tab counts 8");
    assert.match(err.message, /undeclared_thing.* undeclared/);
    assert.match(r.summary, /nlreply did not build \(make exited 2, \d+ errors?; first: nlreply\.c:\d+: .*undeclared/);
  });

  test('a broken copy: an undefined symbol is shown where the module calls it', async () => {
    const dir = moduleCopy(tmp, 'broken-modpost');
    const file = path.join(dir, 'nlreply.c');
    const source = readFileSync(file, 'utf8')
      .replace('#include <net/sock.h>\n', '#include <net/sock.h>\n\nextern void nlreply_not_exported(void);\n')
      .replace(
        'static int __init nlreply_init(void)\n{\n',
        'static int __init nlreply_init(void)\n{\n\tnlreply_not_exported();\n',
      );
    writeFileSync(file, source);
    const r = await buildModule(target, { moduleDir: dir, localBuildRoot: path.join(tmp, 'build') });
    assert.equal(r.ok, false);
    const err = r.diagnostics.find((d) => d.source === 'modpost' && d.severity === 'error');
    assert.ok(err, JSON.stringify(r.diagnostics));
    assert.equal(err.file, file);
    assert.equal(err.line, lineOf(source, '\tnlreply_not_exported();'));
    assert.match(err.message, /^modpost: "nlreply_not_exported" \[.*nlreply\.ko\] undefined!$/);
  });

  test('remote mode on a target with a compiler: diagnostics map back from the upload folder; a good build loads', async () => {
    const machine = thisMachine(tmp, vm.headersDir);
    const dir = moduleCopy(tmp, 'broken-remote');
    const file = path.join(dir, 'nlreply.c');
    const source = readFileSync(file, 'utf8').replace('MODULE_LICENSE("GPL");\n', 'MODULE_LICENSE("GPL")\n');
    writeFileSync(file, source);
    const broken = await buildModule(machine, { moduleDir: dir });
    assert.equal(broken.ok, false);
    assert.equal(broken.mode, 'remote');
    const err = broken.diagnostics.find((d) => d.severity === 'error' && d.local);
    assert.ok(err, JSON.stringify(broken.diagnostics));
    assert.equal(err.file, file);
    // gcc reports the missing ';' inside moduleparam.h, expanded from the next macro the module uses.
    assert.equal(err.line, lineOf(source, 'MODULE_LICENSE("GPL")') + 1, `error at line ${err.line}: ${err.message}`);
    assert.match(err.message, /expected .,. or .;. before .static. \(in \/.*moduleparam\.h:\d+:\d+\)/);

    const good = await buildModule(machine, { moduleDir: KMOD });
    assert.equal(good.ok, true, good.summary);
    assert.ok(good.koPath && existsSync(good.koPath), good.koPath);
    assert.ok(good.koPath.startsWith(path.join(tmp, 'remote-work', 'kmod-')));
    // Built against the lab kernel's headers on another machine: the lab kernel takes it.
    const inGuest = `${WORK}/remote-built.ko`;
    await vm.copyTo(good.koPath, inGuest);
    await insmod(target, inGuest, [], 'nlreply');
    assert.equal((await moduleState(target, 'nlreply')).loaded, true);
    await rmmod(target, 'nlreply');
  });

  test('afterwards: no kernel trouble in dmesg', async () => {
    assert.deepEqual(await kernelTroubleSince(vm, dmesgBefore), []);
  });
});

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
