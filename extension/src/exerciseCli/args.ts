// The arguments of `netlink-decode exercise run`: pure, so every mistake gets its one-line reason in a unit test.
import type { LabArch } from '../lab/arch';

export const EXERCISE_USAGE = `usage: netlink-decode exercise run FILE... (--target NAME [--targets-file FILE] | --lab [KERNEL,...])
                                  [--build [--module DIR] [--param NAME=VALUE]... [--ynl-generator PATH]]
                                  [--junit FILE] [--jobs N] [--verbose]
  Runs exercise files (the Test Explorer's runner) on a target and prints TAP version 13; the exit status is 1
  when any step fails or cannot run, 2 on unusable arguments.
  --target NAME       an SSH target from netlink.targets in --targets-file (default .vscode/settings.json: a
                      settings file as JSON without comments, or a JSON array of targets)
  --lab [KERNEL,...]  boots one lab VM per kernel for the run and stops it afterwards (also on Ctrl-C); KERNEL is
                      default (the lab's own), a Debian series such as 6.1 or 6.12, arm64 (aarch64 guest under
                      TCG, cross-built module) or SERIES-arm64. Several kernels run in parallel, at most --jobs
                      at a time (default: the machine's cores), and are reported as one TAP subtest each.
  --build             builds the module (--module, default the folder above the first FILE's exercises/) for
                      each target, loads it (unloading an older one) with --param values, then runs. Files
                      generated from the module's YNL spec are regenerated first, once, when the spec is newer
  --ynl-generator PATH
                      the kernel's ynl-gen-c.py for that (netlink.module.ynlGenerator in the editor); default: a
                      kernel tree in the current directory, else Debian's linux-source (fetched once to the cache)
  --junit FILE        writes JUnit XML (one testsuite per target or kernel) to FILE as well
  --verbose           what the lab, the build and ssh do, on stderr`;

export class ExerciseUsageError extends Error {}

/** One lab kernel of a run: `default` boots what `npm run lab` boots. */
export interface LabKernelChoice {
  /** As written (the TAP subtest and JUnit testsuite name start with it). */
  readonly label: string;
  /** A Debian series; undefined for the lab's default. */
  readonly series?: string;
  readonly arch: LabArch;
}

export interface ExerciseRunArgs {
  readonly files: readonly string[];
  readonly where:
    | { readonly kind: 'target'; readonly name: string; readonly targetsFile?: string }
    | { readonly kind: 'lab'; readonly kernels: readonly LabKernelChoice[] };
  readonly build: boolean;
  readonly moduleDir?: string;
  /** The kernel's YNL generator (--ynl-generator), as given: relative to the current directory. */
  readonly ynlGenerator?: string;
  readonly params: readonly string[];
  readonly junit?: string;
  readonly jobs?: number;
  /** Everything the lab, the build and the target layer log goes to stderr. */
  readonly verbose: boolean;
}

const KERNEL_WORD = /^(default|\d+\.\d+|arm64|aarch64|\d+\.\d+-(arm64|aarch64))$/;
/** A --lab value is taken only when every comma-separated word is a kernel: `--lab a.yaml` stays a file. */
const KERNEL_LIST = /^[\w.-]+(,[\w.-]+)*$/;

export function parseKernel(word: string): LabKernelChoice {
  if (!KERNEL_WORD.test(word))
    throw new ExerciseUsageError(
      `--lab: unknown kernel ${JSON.stringify(word)} (default, a Debian series such as 6.1, arm64, or SERIES-arm64)`,
    );
  const arm = /(^|-)(arm64|aarch64)$/.test(word);
  const series = /^\d+\.\d+/.exec(word)?.[0];
  return { label: word, arch: arm ? 'aarch64' : 'x86_64', ...(series ? { series } : {}) };
}

export function parseKernelList(text: string): LabKernelChoice[] {
  const words = text.split(',');
  if (words.some((w) => w === '')) throw new ExerciseUsageError(`--lab: empty kernel name in ${JSON.stringify(text)}`);
  const kernels = words.map(parseKernel);
  const seen = new Set<string>();
  for (const k of kernels) {
    const key = `${k.series ?? 'default'}/${k.arch}`;
    if (seen.has(key)) throw new ExerciseUsageError(`--lab: kernel ${k.label} is named twice`);
    seen.add(key);
  }
  return kernels;
}

function looksLikeKernels(word: string | undefined): word is string {
  return (
    word !== undefined &&
    KERNEL_LIST.test(word) &&
    !/\.ya?ml$/.test(word) &&
    word.split(',').some((w) => KERNEL_WORD.test(w))
  );
}

/** `args` are the words after `exercise run`. */
export function parseExerciseRunArgs(args: readonly string[]): ExerciseRunArgs {
  const files: string[] = [];
  const params: string[] = [];
  let target: string | undefined;
  let targetsFile: string | undefined;
  let kernels: LabKernelChoice[] | undefined;
  let build = false;
  let verbose = false;
  let moduleDir: string | undefined;
  let ynlGenerator: string | undefined;
  let junit: string | undefined;
  let jobs: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const raw = args[i]!;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const a = eq > 0 ? raw.slice(0, eq) : raw;
    const inline = eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new ExerciseUsageError(`${a} needs a value`);
      return v;
    };
    const once = <T>(had: T | undefined): void => {
      if (had !== undefined) throw new ExerciseUsageError(`${a} is given twice`);
    };
    if (a === '--target') {
      once(target);
      target = value();
    } else if (a === '--targets-file') {
      once(targetsFile);
      targetsFile = value();
    } else if (a === '--lab') {
      once(kernels);
      if (inline !== undefined) kernels = parseKernelList(value());
      else if (looksLikeKernels(args[i + 1])) kernels = parseKernelList(args[++i]!);
      else kernels = [parseKernel('default')];
    } else if (a === '--build') {
      if (inline !== undefined) throw new ExerciseUsageError('--build takes no value');
      build = true;
    } else if (a === '--verbose') verbose = true;
    else if (a === '--module') {
      once(moduleDir);
      moduleDir = value();
    } else if (a === '--ynl-generator') {
      once(ynlGenerator);
      ynlGenerator = value();
    } else if (a === '--param') {
      const p = value();
      if (!/^[A-Za-z_][A-Za-z0-9_]*=[^\s]*$/.test(p))
        throw new ExerciseUsageError(
          `--param takes NAME=VALUE without spaces, e.g. protocol=30; got ${JSON.stringify(p)}`,
        );
      params.push(p);
    } else if (a === '--junit') {
      once(junit);
      junit = value();
    } else if (a === '--jobs') {
      once(jobs);
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 64)
        throw new ExerciseUsageError(`--jobs takes a number from 1 to 64, not ${JSON.stringify(v)}`);
      jobs = Number(v);
    } else if (a === '--') {
      for (i++; i < args.length; i++) files.push(args[i]!);
    } else if (a.startsWith('-')) throw new ExerciseUsageError(`unknown option ${a}`);
    else files.push(a);
  }
  if (files.length === 0) throw new ExerciseUsageError('no exercise FILE given');
  if (target !== undefined && kernels !== undefined)
    throw new ExerciseUsageError('--target and --lab exclude each other: the run is on one or the other');
  if (target === undefined && kernels === undefined)
    throw new ExerciseUsageError('say where to run: --target NAME or --lab [KERNEL,...]');
  if (targetsFile !== undefined && target === undefined)
    throw new ExerciseUsageError('--targets-file goes with --target');
  if (jobs !== undefined && target !== undefined) throw new ExerciseUsageError('--jobs goes with --lab');
  if (!build) {
    const buildOnly = moduleDir !== undefined ? '--module' : ynlGenerator !== undefined ? '--ynl-generator' : '--param';
    if (moduleDir !== undefined || ynlGenerator !== undefined || params.length > 0)
      throw new ExerciseUsageError(`${buildOnly} goes with --build`);
  }
  return {
    files,
    where:
      target !== undefined
        ? { kind: 'target', name: target, ...(targetsFile !== undefined ? { targetsFile } : {}) }
        : { kind: 'lab', kernels: kernels! },
    build,
    verbose,
    params,
    ...(moduleDir !== undefined ? { moduleDir } : {}),
    ...(ynlGenerator !== undefined ? { ynlGenerator } : {}),
    ...(junit !== undefined ? { junit } : {}),
    ...(jobs !== undefined ? { jobs } : {}),
  };
}
