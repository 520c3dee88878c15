// `exercise run` itself: for each place (an SSH target, or one lab VM per kernel) connect through the target layer,
// optionally build and load the module there (module/build.ts, module/reload.ts), start the helper session and run
// every exercise through exercise/runner.ts: the Test Explorer's path, without VS Code. Lab VMs are always stopped
// before this resolves, whatever happened (the caller aborts `signal` on Ctrl-C).
import os from 'node:os';
import path from 'node:path';
import { loadExerciseFile } from '../exercise/loadFile';
import { runExercise } from '../exercise/runner';
import type { Exercise } from '../exercise/types';
import type { Exchanger } from '../exchange/exchanger';
import { ensurePackages, labHostPackages } from '../lab/hostPackages';
import { LabVm } from '../lab/labVm';
import { buildModule, type BuildResult } from '../module/build';
import { primaryDiagnostics } from '../module/kbuild';
import { moduleTargetOf } from '../module/sessionTarget';
import { readModuleSources } from '../module/moduleSources';
import { reloadModule } from '../module/reload';
import { TargetManager, type TargetSession } from '../target/targets';
import type { TargetConfig } from '../target/validate';
import { ExerciseUsageError, type ExerciseRunArgs, type LabKernelChoice } from './args';
import { regenerateForRun } from './regenerate';
import { caseOfStep, type CaseReport, type SuiteReport } from './report';

export interface RunEnv {
  /** The extension's root: native/ and dist/native/ (the helper) are below it. */
  readonly root: string;
  readonly cacheDir: string;
  /** The current directory: a kernel tree there has the YNL generator (as a workspace folder has in the editor). */
  readonly cwd: string;
  readonly signal: AbortSignal;
  /** Progress for a person (stderr): one line each. */
  readonly progress: (line: string) => void;
  /** Everything the lab, the build and the target layer say (stderr with --verbose). */
  readonly log: (line: string) => void;
  readonly accel?: 'auto' | 'kvm' | 'tcg';
}

/** An exercise file as read once, before any target: every suite reports the same steps. */
interface ExerciseFile {
  readonly file: string;
  readonly exercise?: Exercise;
  /** Why it cannot be run (read error, problems in it). */
  readonly problem?: string;
}

export async function readExercises(files: readonly string[]): Promise<ExerciseFile[]> {
  const out: ExerciseFile[] = [];
  for (const file of files) {
    try {
      const parsed = await loadExerciseFile(file);
      const problem = parsed.problems.map((p) => `${file}:${p.line}:${p.col}: ${p.message}`).join('\n');
      out.push({ file, ...(parsed.exercise ? { exercise: parsed.exercise } : {}), ...(problem ? { problem } : {}) });
    } catch (e) {
      out.push({ file, problem: (e as Error).message });
    }
  }
  return out;
}

/** The module folder: --module, else the folder that holds the first file's `exercises/` folder. */
export function moduleDirOf(args: ExerciseRunArgs): string {
  if (args.moduleDir !== undefined) return path.resolve(args.moduleDir);
  const dir = path.dirname(path.resolve(args.files[0]!));
  if (path.basename(dir) !== 'exercises')
    throw new ExerciseUsageError(
      `--build: ${args.files[0]} is not in an exercises/ folder of a module: say which module with --module DIR`,
    );
  return path.dirname(dir);
}

/** Every step of every file as one status: what a suite reports when it never got to run them. */
function allSteps(files: readonly ExerciseFile[], status: 'error' | 'skip', message: string): CaseReport[] {
  return files.flatMap((f) =>
    (f.exercise?.steps ?? []).map((s) => ({
      name: `${f.exercise?.name ?? f.file}: ${s.name}`,
      group: f.file,
      status,
      message,
      details: '',
      durationMs: 0,
      file: f.file,
      line: s.line,
    })),
  );
}

function fileProblems(files: readonly ExerciseFile[]): CaseReport[] {
  return files
    .filter((f) => f.problem !== undefined)
    .map((f) => ({
      name: `${path.basename(f.file)}: read and check the exercise`,
      group: f.file,
      status: 'error' as const,
      message: f.problem ?? '',
      details: '',
      durationMs: 0,
      file: f.file,
    }));
}

function errorText(e: unknown): { message: string; details: string } {
  const err = e instanceof Error ? e : new Error(String(e));
  const detail = (err as { detail?: unknown }).detail;
  return { message: err.message, details: typeof detail === 'string' ? detail : '' };
}

/** The cases of a place never used: the module's generated files could not be regenerated from its spec. */
function notRegenerated(files: readonly ExerciseFile[], failed: CaseReport): CaseReport[] {
  return [
    ...fileProblems(files),
    failed,
    ...allSteps(files, 'skip', "the module's generated files could not be regenerated from its spec"),
  ];
}

/**
 * --build: the module's stale generated files regenerated from its spec, once for every place of the run and
 * before any is used. Undefined when nothing was stale.
 */
async function regenerateOnce(args: ExerciseRunArgs, env: RunEnv): Promise<CaseReport | undefined> {
  return args.build ? regenerateForRun(moduleDirOf(args), args.ynlGenerator, env) : undefined;
}

/** kbuild's diagnostics at the module's own files (as Problems shows them), then its whole output. */
function buildDetails(built: BuildResult): string {
  const located = primaryDiagnostics(built.diagnostics).map(
    (d) => `${d.file ?? '?'}:${d.line}:${d.col}: ${d.severity}: ${d.message}`,
  );
  return [...located, ...(located.length ? [''] : []), built.output].join('\n');
}

/** Build and load: one case; false when the steps cannot be run on this module. */
async function buildAndLoad(
  session: TargetSession,
  args: ExerciseRunArgs,
  env: RunEnv,
  where: string,
): Promise<{ case: CaseReport; ok: boolean }> {
  const t0 = Date.now();
  const moduleDir = moduleDirOf(args);
  const name = `build and load the module in ${path.basename(moduleDir)}`;
  const done = (status: CaseReport['status'], message: string, details = ''): { case: CaseReport; ok: boolean } => ({
    case: { name, group: 'module', status, message, details, durationMs: Date.now() - t0, file: moduleDir },
    ok: status === 'pass',
  });
  try {
    const target = await moduleTargetOf(session, { cacheDir: env.cacheDir, log: env.log });
    const built = await buildModule(target, { moduleDir, signal: env.signal, log: env.log });
    env.progress(`${where}: ${built.summary}`);
    // kbuild ran and the module did not build: the code under test failed, not the way to the target.
    if (!built.ok || !built.koPath || !built.koSha256) return done('fail', built.summary, buildDetails(built));
    const src = await readModuleSources(moduleDir);
    const params = await reloadModule(target, {
      koPath: built.koPath,
      koSha256: built.koSha256,
      moduleName: src.moduleName,
      params: args.params,
      signal: env.signal,
      release: () => session.closeHelperSockets(),
      log: env.log,
    });
    const shown = [...(params ?? [])].map(([k, v]) => `${k}=${v}`).join(' ');
    env.progress(`${where}: ${src.moduleName} loaded${shown ? ` (${shown})` : ''}`);
    return done('pass', `${built.summary}; loaded${shown ? ` (${shown})` : ''}`);
  } catch (e) {
    env.signal.throwIfAborted();
    const { message, details } = errorText(e);
    return done('error', message, details);
  }
}

/** The cases of one place, its session connected on first use. */
async function runOn(
  session: TargetSession,
  files: readonly ExerciseFile[],
  args: ExerciseRunArgs,
  env: RunEnv,
  where: string,
  regenerated: CaseReport | undefined,
): Promise<CaseReport[]> {
  const cases: CaseReport[] = [...fileProblems(files), ...(regenerated ? [regenerated] : [])];
  if (args.build) {
    const b = await buildAndLoad(session, args, env, where);
    cases.push(b.case);
    if (!b.ok) return [...cases, ...allSteps(files, 'skip', 'the module was not built and loaded')];
  }
  let exchanger: Exchanger;
  try {
    exchanger = await session.helper({ signal: env.signal });
  } catch (e) {
    env.signal.throwIfAborted();
    return [...cases, ...allSteps(files, 'error', `no connection to the target: ${errorText(e).message}`)];
  }
  for (const f of files) {
    if (!f.exercise) continue;
    const results = await runExercise(f.exercise, exchanger, { signal: env.signal });
    const failedSteps = results.filter((r) => r.status !== 'pass').length;
    env.progress(`${where}: ${f.exercise.name}: ${results.length - failedSteps} of ${results.length} steps passed`);
    cases.push(...results.map((r) => caseOfStep(f.exercise as Exercise, r)));
  }
  return cases;
}

export async function runOnTarget(
  targets: readonly TargetConfig[],
  args: ExerciseRunArgs & { where: { kind: 'target' } },
  env: RunEnv,
): Promise<SuiteReport[]> {
  const name = args.where.name;
  if (!targets.some((t) => t.name === name))
    throw new ExerciseUsageError(
      `no target named "${name}" in netlink.targets (it has ${targets.map((t) => t.name).join(', ') || 'none'})`,
    );
  const files = await readExercises(args.files);
  const t0 = Date.now();
  const regenerated = await regenerateOnce(args, env);
  if (regenerated && regenerated.status !== 'pass')
    return [{ name: `target ${name}`, cases: notRegenerated(files, regenerated), durationMs: Date.now() - t0 }];
  const manager = new TargetManager({ extensionRoot: env.root, log: env.log });
  try {
    await manager.setTargets(targets, name);
    const cases = await runOn(manager.session(name), files, args, env, `target ${name}`, regenerated);
    return [{ name: `target ${name}`, cases, durationMs: Date.now() - t0 }];
  } finally {
    await manager.dispose();
  }
}

async function labSuite(
  kernel: LabKernelChoice,
  files: readonly ExerciseFile[],
  args: ExerciseRunArgs,
  env: RunEnv,
  regenerated: CaseReport | undefined,
): Promise<SuiteReport> {
  const t0 = Date.now();
  const where = `lab ${kernel.label}`;
  const log = (line: string): void => env.log(`[${kernel.label}] ${line}`);
  let vm: LabVm | undefined;
  try {
    env.progress(`${where}: booting`);
    vm = await LabVm.start({
      cacheDir: env.cacheDir,
      log,
      signal: env.signal,
      arch: kernel.arch,
      // A named series is Debian's; the default boots what `npm run lab` boots (the host's kernel when usable).
      kernel: kernel.series ? 'debian' : 'auto',
      ...(kernel.series ? { series: kernel.series } : {}),
      ...(env.accel ? { accel: env.accel } : {}),
      // TCG on a shared 2-core machine: an arm64 guest takes minutes.
      bootTimeoutMs: kernel.arch === 'aarch64' ? 420_000 : 240_000,
    });
  } catch (e) {
    env.signal.throwIfAborted();
    const { message, details } = errorText(e);
    env.progress(`${where}: did not boot: ${message}`);
    const boot: CaseReport = {
      name: `boot the lab (${kernel.label})`,
      group: 'lab',
      status: 'error',
      message,
      details,
      durationMs: Date.now() - t0,
    };
    return {
      name: where,
      cases: [boot, ...allSteps(files, 'skip', 'the lab did not boot')],
      durationMs: Date.now() - t0,
    };
  }
  const current = vm;
  const name = `${where} (${current.kernelRelease}, ${current.arch})`;
  env.progress(`${name}: ready after ${current.bootSeconds.toFixed(1)} s`);
  const manager = new TargetManager({
    extensionRoot: env.root,
    log,
    lab: () => ({ sshArgs: current.sshArgs, ...(current.headersDir ? { headersDir: current.headersDir } : {}) }),
  });
  try {
    const cases = await runOn(manager.session('lab'), files, args, env, name, regenerated);
    return { name, cases, durationMs: Date.now() - t0 };
  } finally {
    await manager.dispose().catch(() => undefined);
    await current.stop();
    env.progress(`${name}: stopped`);
  }
}

/** One lab VM per kernel, at most `jobs` at a time; the suites in the order the kernels were named. */
export async function runOnLabs(
  args: ExerciseRunArgs & { where: { kind: 'lab' } },
  env: RunEnv,
): Promise<SuiteReport[]> {
  const files = await readExercises(args.files);
  const t0 = Date.now();
  const kernels = args.where.kernels;
  // Before any VM boots: the kernels run in parallel and would regenerate the same files at once.
  const regenerated = await regenerateOnce(args, env);
  if (regenerated && regenerated.status !== 'pass')
    return kernels.map((k) => ({
      name: `lab ${k.label}`,
      cases: notRegenerated(files, regenerated),
      durationMs: Date.now() - t0,
    }));
  // What `npm run lab` installs (QEMU for each guest architecture...): once, before any VM, not once per worker.
  await ensurePackages([...new Set(kernels.flatMap((k) => labHostPackages(k.arch)))], env.progress);
  const jobs = Math.min(args.jobs ?? os.availableParallelism(), kernels.length);
  const suites: SuiteReport[] = new Array<SuiteReport>(kernels.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < kernels.length && !env.signal.aborted) {
      const i = next++;
      suites[i] = await labSuite(kernels[i]!, files, args, env, regenerated);
    }
  };
  // allSettled: one worker's error (an abort) must not leave another's VM running while this returns.
  const settled = await Promise.allSettled(Array.from({ length: jobs }, worker));
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return suites;
}
