// `netlink-decode exercise run ...` (usage in exerciseCli/args.ts): loaded by cli.ts only for this command, so
// `decode` does not pay for the lab, the target layer and the module build. Prints TAP to stdout, progress to
// stderr; exit 0 when every step passed, 1 when any failed or could not run, 2 on unusable arguments, 130 after
// Ctrl-C (the lab VMs are stopped first; a second Ctrl-C kills them at once).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ExerciseUsageError, EXERCISE_USAGE, parseExerciseRunArgs } from './exerciseCli/args';
import { formatJunit } from './exerciseCli/junit';
import { anyFailed, type SuiteReport } from './exerciseCli/report';
import { runOnLabs, runOnTarget, type RunEnv } from './exerciseCli/run';
import { formatTap } from './exerciseCli/tap';
import { readTargetsFile } from './exerciseCli/targetsFile';
import { escapeControls } from './netlink/escape';

/** dist/cliExercise.js or extension/src/cliExercise.ts: the extension's root either way. */
function extensionRoot(dir: string): string {
  return path.basename(dir) === 'dist' ? path.dirname(dir) : path.resolve(dir, '..', '..');
}

function accelFromEnv(): RunEnv['accel'] {
  const v = process.env.NETLINK_LAB_ACCEL ?? 'auto';
  if (v === 'auto' || v === 'kvm' || v === 'tcg') return v;
  throw new ExerciseUsageError(`NETLINK_LAB_ACCEL must be auto, kvm or tcg, not ${JSON.stringify(v)}`);
}

export async function runExerciseCli(argv: readonly string[], dir: string): Promise<number> {
  const say = (line: string): void => void process.stderr.write(`exercise: ${escapeControls(line)}\n`);
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(`${EXERCISE_USAGE}\n`);
    return 0;
  }
  const abort = new AbortController();
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (interrupted) {
      // The second one: the VMs' exit handlers kill QEMU as this process ends.
      process.exit(130);
    }
    interrupted = true;
    say(`${sig}: stopping the run and every lab VM (again to kill them at once)`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (sub !== 'run')
      throw new ExerciseUsageError(sub === undefined ? 'missing "run"' : `unknown exercise command "${sub}"`);
    const args = parseExerciseRunArgs(rest);
    const root = extensionRoot(dir);
    const env: RunEnv = {
      root,
      cacheDir: process.env.NETLINK_CACHE || path.join(root, '.cache'),
      cwd: process.cwd(),
      signal: abort.signal,
      progress: say,
      log: args.verbose ? (l) => process.stderr.write(`  ${escapeControls(l)}\n`) : () => undefined,
      accel: accelFromEnv(),
    };
    const t0 = Date.now();
    let suites: SuiteReport[];
    if (args.where.kind === 'target') {
      const file = args.where.targetsFile ?? path.join('.vscode', 'settings.json');
      suites = await runOnTarget(readTargetsFile(file), { ...args, where: args.where }, env);
    } else suites = await runOnLabs({ ...args, where: args.where }, env);
    const tap = formatTap(suites);
    process.stdout.write(`${tap}# wall time ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    if (args.junit !== undefined) writeFileSync(args.junit, formatJunit(suites));
    return anyFailed(suites) ? 1 : 0;
  } catch (e) {
    if (e instanceof ExerciseUsageError) {
      say(`${e.message} (netlink-decode exercise --help)`);
      return 2;
    }
    if (abort.signal.aborted) {
      say('stopped');
      return 130;
    }
    say(e instanceof Error ? e.message : String(e));
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
