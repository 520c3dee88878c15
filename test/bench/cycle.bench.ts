// One edit → build → insmod → exercise cycle on the lab VM, two ways, interleaved:
//   ours     the extension's own code, as netlink.buildModule / loadModule / runExercise run it: buildModule in
//            local-headers mode against the lab kernel's headers (the lab has no compiler) with the .ko uploaded
//            over the target's ControlMaster, the load command's steps (is there a build, is it loaded, release the
//            helper's sockets, rmmod, insmod, read the parameters back), and kmod/exercises/nlreply.yaml through
//            the exercise runner over the target's HelperSession;
//   by hand  the shell commands a developer types, each a fresh process without a ControlMaster:
//            `make -C <headers> M=<copy> modules`, `scp nlreply.ko lab:/tmp/`, `ssh lab rmmod nlreply`,
//            `ssh lab insmod /tmp/nlreply.ko`, and one `ssh lab nlhelper xchg ...` per exercise step (its answer
//            judged by the same matcher, which costs microseconds).
// The edit is real: a comment line in the copy's nlreply.c changes before every cycle, so kbuild recompiles.
// Both ways get the same edit, the same lab boot, the same exercise; the rounds alternate so a neighbour's load on
// this shared machine hits both alike. Steps: build (make), upload+insmod (incl. rmmod), exercise.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadExerciseFile } from '../../extension/src/exercise/loadFile';
import { OneShotExchanger } from '../../extension/src/exercise/oneShot';
import { runExercise, type StepResult } from '../../extension/src/exercise/runner';
import type { Exercise } from '../../extension/src/exercise/types';
import { buildModule, remoteBuildPaths } from '../../extension/src/module/build';
import { insmod, moduleParameterArgs, moduleParameters, moduleState, rmmod } from '../../extension/src/module/module';
import { readModuleSources } from '../../extension/src/module/moduleSources';
import type { ModuleTarget } from '../../extension/src/module/remote';
import { moduleTargetOf } from '../../extension/src/module/sessionTarget';
import { LabVm } from '../../extension/src/lab/labVm';
import { run as runProgram } from '../../extension/src/process/run';
import { shellCommand } from '../../extension/src/target/quote';
import { TargetManager, type TargetSession } from '../../extension/src/target/targets';
import { section, summarize, type Reporter } from './section';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CACHE = process.env.NETLINK_CACHE || path.join(repo, '.cache');
const CYCLES = Number(process.env.NETLINK_BENCH_CYCLES ?? 5);
const EDIT_MARK = '/* bench edit: ';
const GUEST_KO = '/tmp/nlreply.ko';
const MODULE = 'nlreply';

interface CycleTimes {
  build: number;
  load: number;
  exercise: number;
  total: number;
  /** Ours only: the upload+insmod step split up, seconds by part, and the remote commands it sent. */
  parts?: Record<LoadPart, number>;
}

const LOAD_PARTS = [
  'upload (mkdir, cat)',
  'checks (test -f, /proc/modules)',
  'release sockets + rmmod',
  'insmod',
  'read parameters',
] as const;
type LoadPart = (typeof LOAD_PARTS)[number];

/** The comment line the edit rewrites: appended once, then changed each cycle (a real source change). */
function editSource(file: string, label: string): void {
  const text = readFileSync(file, 'utf8');
  const line = `${EDIT_MARK}${label} */\n`;
  const i = text.indexOf(EDIT_MARK);
  writeFileSync(file, i < 0 ? text + line : text.slice(0, i) + line);
}

function checkPassed(results: readonly StepResult[], ex: Exercise, who: string): void {
  const bad = results.filter((r) => r.status !== 'pass');
  if (results.length !== ex.steps.length || bad.length > 0) {
    throw new Error(
      `${who}: exercise did not pass: ${bad.map((r) => `${r.step.name}: ${r.message}`).join('; ') || `${results.length} of ${ex.steps.length} steps ran`}`,
    );
  }
}

const seconds = (t0: number): number => (performance.now() - t0) / 1000;

/** The extension's way: the same calls the build / load / run-exercise commands make. */
async function oursCycle(session: TargetSession, moduleDir: string, buildRoot: string): Promise<CycleTimes> {
  const t0 = performance.now();
  const target = await moduleTargetOf(session);
  // The first command buildModule sends to the target comes right after make: that instant splits build from upload.
  let makeDone = 0;
  const timed: ModuleTarget = {
    ...target,
    exec: (argv, o) => {
      makeDone ||= performance.now();
      return target.exec(argv, o);
    },
  };
  const built = await buildModule(timed, { moduleDir, localBuildRoot: buildRoot });
  if (!built.ok || !built.koPath) throw new Error(`ours: ${built.summary}\n${built.output.slice(-2000)}`);
  const tBuild = makeDone - t0;
  const marks: number[] = [makeDone, performance.now()];

  // netlink.loadModule: a build of these sources there? loaded? release our sockets, rmmod, insmod, parameters.
  const src = await readModuleSources(moduleDir);
  const { ko } = remoteBuildPaths(target, src);
  const there = await target.exec(['test', '-f', ko], { timeoutMs: 30_000 });
  if (there.code !== 0) throw new Error(`ours: ${ko} is not on the lab after the build`);
  const loaded0 = (await moduleState(target, src.moduleName)).loaded;
  marks.push(performance.now());
  if (loaded0) {
    await session.closeHelperSockets();
    await rmmod(target, src.moduleName);
  }
  marks.push(performance.now());
  await insmod(target, ko, moduleParameterArgs(undefined), src.moduleName);
  marks.push(performance.now());
  await moduleParameters(target, src.moduleName);
  marks.push(performance.now());
  // Upload (inside buildModule, after make) plus the load command's steps.
  const tLoad = performance.now() - makeDone;
  const parts = Object.fromEntries(
    LOAD_PARTS.map((name, i) => [name, ((marks[i + 1] as number) - (marks[i] as number)) / 1000]),
  ) as Record<LoadPart, number>;

  // netlink.runExercise: the exercise file of the module folder through the helper session.
  const te = performance.now();
  const loaded = await loadExerciseFile(path.join(moduleDir, 'exercises', 'nlreply.yaml'));
  if (!loaded.exercise || loaded.problems.length > 0)
    throw new Error(`ours: exercise: ${JSON.stringify(loaded.problems)}`);
  const results = await runExercise(loaded.exercise, await session.helper());
  checkPassed(results, loaded.exercise, 'ours');
  const tEx = seconds(te);
  return { build: tBuild / 1000, load: tLoad / 1000, exercise: tEx, total: seconds(t0), parts };
}

/** A developer's way: one command per step, each a new process, a new ssh connection for every remote one. */
async function byHandCycle(vm: LabVm, moduleDir: string, helper: string, ex: Exercise): Promise<CycleTimes> {
  const sh = async (argv: string[], what: string, mayFail = false): Promise<void> => {
    const r = await runProgram(argv, { timeoutMs: 600_000 });
    if (!mayFail && (r.timedOut || r.code !== 0))
      throw new Error(`by hand: ${what} failed (${r.code}): ${(r.stderr || r.stdout.toString('utf8')).slice(-1500)}`);
  };
  const ssh = (argv: string[]): string[] => [...vm.sshArgs, shellCommand(argv)];
  const t0 = performance.now();
  await sh(['make', '-C', vm.headersDir, `M=${moduleDir}`, 'modules'], 'make');
  const tBuild = seconds(t0);

  const tl = performance.now();
  await vm.copyTo(path.join(moduleDir, `${MODULE}.ko`), GUEST_KO); // scp nlreply.ko lab:/tmp/
  await sh(ssh(['rmmod', MODULE]), 'rmmod', true); // not loaded the first time: a person shrugs
  await sh(ssh(['insmod', GUEST_KO]), 'insmod');
  const tLoad = seconds(tl);

  const te = performance.now();
  // vm.exec is one `ssh lab ...` process per call, no master connection: `ssh lab nlhelper xchg ...` per step.
  const results = await runExercise(ex, new OneShotExchanger(vm, helper));
  checkPassed(results, ex, 'by hand');
  return { build: tBuild, load: tLoad, exercise: seconds(te), total: seconds(t0) };
}

async function run(report: Reporter): Promise<void> {
  if (!Number.isInteger(CYCLES) || CYCLES < 1 || CYCLES > 20)
    throw new Error(`NETLINK_BENCH_CYCLES must be 1-20, got ${process.env.NETLINK_BENCH_CYCLES}`);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'nlwb-cycle-bench-'));
  let vm: LabVm | undefined;
  let manager: TargetManager | undefined;
  const killVm = (): void => vm?.terminate();
  process.once('SIGINT', killVm);
  try {
    const tBoot = performance.now();
    vm = await LabVm.start({ cacheDir: CACHE, bootTimeoutMs: 180_000 });
    const bootS = seconds(tBoot);
    const lab = vm;
    manager = new TargetManager({
      extensionRoot: repo,
      lab: () => ({ sshArgs: lab.sshArgs, headersDir: lab.headersDir }),
    });
    const session = manager.session('lab');
    // Once per session in the extension too: connect, deploy the helper, start its session.
    await session.helper();
    const helperPath = session.deployedHelper?.binary;
    if (!helperPath) throw new Error('the helper was not deployed');

    // Two copies of kmod/ (sources, spec, exercises), one per way, edited alike.
    const copy = (name: string): string => {
      const dir = path.join(scratch, name);
      cpSync(path.join(repo, 'kmod'), dir, {
        recursive: true,
        filter: (s) => !/\.(o|ko|mod|mod\.c|cmd|order|symvers)$|\/\.tmp/.test(s),
      });
      return dir;
    };
    const oursDir = copy('ours');
    const handDir = copy('by-hand');
    const buildRoot = path.join(scratch, 'ours-builds');
    const handEx = (await loadExerciseFile(path.join(handDir, 'exercises', 'nlreply.yaml'))).exercise;
    if (!handEx) throw new Error('kmod/exercises/nlreply.yaml does not load');

    // Warm-up, untimed: the first make of each copy builds everything (a developer's tree is built already), and
    // page caches fill.
    editSource(path.join(oursDir, 'nlreply.c'), 'warm-up');
    editSource(path.join(handDir, 'nlreply.c'), 'warm-up');
    await oursCycle(session, oursDir, buildRoot);
    await session.closeHelperSockets();
    await byHandCycle(vm, handDir, helperPath, handEx);

    const ours: CycleTimes[] = [];
    const hand: CycleTimes[] = [];
    for (let i = 0; i < CYCLES; i++) {
      const label = `cycle ${i} ${Date.now()}`;
      editSource(path.join(oursDir, 'nlreply.c'), label);
      ours.push(await oursCycle(session, oursDir, buildRoot));
      // The session's socket on protocol 31 would hold the module: the developer has no such session.
      await session.closeHelperSockets();
      editSource(path.join(handDir, 'nlreply.c'), label);
      hand.push(await byHandCycle(vm, handDir, helperPath, handEx));
    }

    const med = (xs: CycleTimes[], k: 'build' | 'load' | 'exercise' | 'total'): number =>
      summarize(xs.map((x) => x[k])).median;
    const list = (xs: CycleTimes[]): string => xs.map((x) => x.total.toFixed(2)).join(', ');
    for (const [k, label] of [
      ['build', 'build (make)'],
      ['load', 'upload+insmod'],
      ['exercise', 'exercise (5 steps)'],
      ['total', 'whole cycle'],
    ] as const) {
      const o = med(ours, k);
      const h = med(hand, k);
      report.row(`ours: ${label}`, o, 's', `median of ${CYCLES}`);
      report.row(`by hand: ${label}`, h, 's', `median of ${CYCLES}`);
      report.row(`ours / by hand: ${label}`, o / h, 'x', o <= h ? 'ours faster or equal' : 'ours slower');
    }
    const partMedians = LOAD_PARTS.map(
      (p) => `${p} ${summarize(ours.map((c) => c.parts?.[p] ?? Number.NaN)).median.toFixed(2)} s`,
    );
    report.note(`ours upload+insmod by part (medians): ${partMedians.join('; ')}`);
    report.note(
      `lab ${vm.kernelRelease} (${vm.accel}), booted to SSH in ${bootS.toFixed(1)} s; helper ${session.deployedHelper?.how} at ${helperPath}`,
    );
    report.note(`whole-cycle rounds, interleaved: ours ${list(ours)} s; by hand ${list(hand)} s`);
    report.note(
      "ours = buildModule (local-headers) + the load command's steps + nlreply.yaml over the HelperSession (ControlMaster); " +
        'by hand = make, scp, ssh rmmod, ssh insmod, one ssh nlhelper xchg per step (new connection each). ' +
        'Step 2 of the exercise waits its 800 ms for silence both ways.',
    );
  } finally {
    process.off('SIGINT', killVm);
    await manager?.dispose();
    await vm?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

section('cycle', run);
