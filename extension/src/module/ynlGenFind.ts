// Where the kernel's YNL C generator comes from when a spec changed: the user's setting
// (netlink.module.ynlGenerator) wins; else a kernel tree opened in the workspace; else Debian's linux-source-6.12,
// fetched once into the extension's cache (only tools/net/ynl and the schemas kept). Before it is used, python3 and
// the modules the generator imports are checked, so a missing one is named with the command that installs it
// instead of a traceback.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  fetchLinuxSourceParts,
  linuxSourcePresent,
  linuxSourceRoot,
  type LinuxSourceParts,
} from '../debian/linuxSource';
import { ProcessStartError, run } from '../process/run';
import { KmodError } from './remote';

/**
 * The generator in a kernel tree, newest layout first: 6.14 moved it to tools/net/ynl/pyynl/ynl_gen_c.py; 6.12
 * (Debian trixie's kernel) has tools/net/ynl/ynl-gen-c.py.
 */
export const YNL_GEN_PATHS = ['tools/net/ynl/pyynl/ynl_gen_c.py', 'tools/net/ynl/ynl-gen-c.py'] as const;

/** Debian's source package the generator is fetched from when no tree has it. */
export const DEBIAN_YNL_SOURCE: LinuxSourceParts = {
  series: '6.12',
  folder: 'ynl-gen-6.12',
  members: ['tools/net/ynl/*', 'Documentation/netlink/*.yaml'],
};

/** The Python modules the generator imports beyond the standard library, with the Debian package of each. */
export const YNL_GEN_PYTHON_MODULES: Readonly<Record<string, string>> = {
  yaml: 'python3-yaml',
  jsonschema: 'python3-jsonschema',
};

const PYTHON_CHECK_TIMEOUT_MS = 20_000;

export type YnlGeneratorSource = 'setting' | 'workspace' | 'debian';

export interface FoundGenerator {
  readonly generator: string;
  readonly source: YnlGeneratorSource;
}

/** The kernel tree's root a generator path sits in (its schemas are under Documentation/netlink there). */
export function kernelRootOfGenerator(generator: string): string {
  const abs = path.resolve(generator);
  for (const rel of YNL_GEN_PATHS) {
    const suffix = path.sep + rel.split('/').join(path.sep);
    if (abs.endsWith(suffix)) return abs.slice(0, -suffix.length);
  }
  // A generator elsewhere (a copy of tools/net/ynl): as in 6.12, three folders up.
  return path.resolve(path.dirname(abs), '..', '..', '..');
}

/** The generator in a kernel tree rooted at `root`, or undefined. */
export function generatorInTree(root: string): string | undefined {
  for (const rel of YNL_GEN_PATHS) {
    const p = path.join(root, ...rel.split('/'));
    if (statSync(p, { throwIfNoEntry: false })?.isFile()) return p;
  }
  return undefined;
}

export interface FindOptions {
  /** netlink.module.ynlGenerator. */
  readonly setting?: string;
  /** What the messages call the setting: the CLI has no settings but an option (`--ynl-generator`). */
  readonly settingName?: string;
  /** The workspace folders (trusted: module builds run only there). */
  readonly workspaceFolders: readonly string[];
  readonly cacheDir: string;
  /** When the Debian fetch starts (the caller shows progress). */
  readonly fetching?: (what: string) => void;
  readonly log: (line: string) => void;
}

/** The generator without fetching anything: the setting, a workspace kernel tree, or an earlier Debian fetch. */
export function findLocalYnlGenerator(opts: Omit<FindOptions, 'fetching' | 'log'>): FoundGenerator | undefined {
  if (opts.setting) return { generator: opts.setting, source: 'setting' };
  for (const w of opts.workspaceFolders) {
    const g = generatorInTree(w);
    if (g) return { generator: g, source: 'workspace' };
  }
  if (linuxSourcePresent(opts.cacheDir, DEBIAN_YNL_SOURCE)) {
    const g = generatorInTree(linuxSourceRoot(opts.cacheDir, DEBIAN_YNL_SOURCE));
    if (g) return { generator: g, source: 'debian' };
  }
  return undefined;
}

/** The generator, fetching Debian's when nothing local has one; python3 and its modules checked first. */
export async function findYnlGenerator(opts: FindOptions, python = 'python3'): Promise<FoundGenerator> {
  await checkGeneratorPython(python);
  const settingName = opts.settingName ?? 'netlink.module.ynlGenerator';
  const local = findLocalYnlGenerator(opts);
  if (local) {
    if (local.source === 'setting' && !existsSync(local.generator))
      throw new KmodError(`${settingName} names ${local.generator}, which does not exist`);
    return local;
  }
  const pkg = `linux-source-${DEBIAN_YNL_SOURCE.series}`;
  opts.fetching?.(`fetching the kernel's YNL generator from Debian's ${pkg} (once)`);
  let root: string;
  try {
    root = await fetchLinuxSourceParts(opts.cacheDir, DEBIAN_YNL_SOURCE, opts.log);
  } catch (e) {
    throw new KmodError(
      `no YNL generator: no kernel tree in the workspace has ${YNL_GEN_PATHS.join(' or ')}, and Debian's ${pkg} ` +
        `could not be fetched (${(e as Error).message.split('\n')[0]}); set ${settingName} to ` +
        `tools/net/ynl/ynl-gen-c.py of a kernel source tree`,
      (e as Error).message,
    );
  }
  const g = generatorInTree(root);
  if (!g) throw new KmodError(`Debian's ${pkg} has none of ${YNL_GEN_PATHS.join(', ')}`);
  return { generator: g, source: 'debian' };
}

/** Names what the generator needs and is missing (python3 itself, or its modules), with the command to install. */
export async function checkGeneratorPython(python = 'python3'): Promise<void> {
  const modules = Object.keys(YNL_GEN_PYTHON_MODULES);
  const script = `import importlib.util\nprint(' '.join(m for m in ${JSON.stringify(modules)} if importlib.util.find_spec(m) is None))`;
  const all = ['python3', ...Object.values(YNL_GEN_PYTHON_MODULES)].join(' ');
  let r;
  try {
    r = await run([python, '-c', script], { timeoutMs: PYTHON_CHECK_TIMEOUT_MS });
  } catch (e) {
    if (e instanceof ProcessStartError)
      throw new KmodError(
        `the kernel's YNL generator needs ${python}, which cannot be started; install: sudo apt-get install ${all}`,
      );
    throw e;
  }
  if (r.code !== 0) {
    const why = r.timedOut ? `did not answer within ${PYTHON_CHECK_TIMEOUT_MS / 1000} s` : r.stderr.trim().slice(-300);
    throw new KmodError(`${python} cannot check the YNL generator's modules: ${why}`);
  }
  const missing = r.stdout.toString('utf8').trim().split(/\s+/).filter(Boolean);
  if (missing.length > 0) {
    const pkgs = missing.map((m) => YNL_GEN_PYTHON_MODULES[m] ?? m).join(' ');
    throw new KmodError(
      `the kernel's YNL generator imports ${missing.join(', ')}, which ${python} lacks; install: sudo apt-get install ${pkgs}`,
    );
  }
}
