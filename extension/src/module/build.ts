// Building a module for a target. `remote`: upload the sources to <workFolder>/kmod-<hash>/ and run kbuild there
// against the target's own build tree. `local-headers`: run kbuild here against a local copy of the target
// kernel's headers (the lab's unpacked Debian headers) and upload the .ko to the same place; headers of another
// architecture make it a cross build (crossBuild.ts). Either way the result names the .ko on the target, its sha256
// (insmod checks it there before loading) and kbuild's diagnostics mapped back to the local files.
//
// Both folders hold what runs next: kbuild reads Kbuild and Makefile as code here, the .ko is loaded as root there.
// So each is ours alone (target/privateFolder.ts): made 0700, and one that another user made or can write to is
// refused, never reused. The local one is in the user's cache folder, not a fixed name in the shared /tmp.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { run, type RunResult } from '../process/run';
import { SHA256_HEX } from '../target/fileCheck';
import { ensureLocalPrivateFolder, ensureRemotePrivateFolder } from '../target/privateFolder';
import { crossSetup, missingCompiler, missingCrossTool } from './crossBuild';
import { parseKbuildOutput, primaryDiagnostics, type KbuildDiagnostic } from './kbuild';
import { readModuleSources, type ModuleSources } from './moduleSources';
import { checkRemotePath, execChecked, firstLine, KmodError, type BuildMode, type ModuleTarget } from './remote';

export interface BuildOptions {
  /** The local module folder (sources, Kbuild/Makefile). */
  readonly moduleDir: string;
  readonly log?: (line: string) => void;
  readonly signal?: AbortSignal;
  /** For the make run; default 10 minutes. */
  readonly timeoutMs?: number;
  /**
   * Where local-headers builds happen (one subfolder per sources+headers); default
   * $XDG_CACHE_HOME/netlink-workbench/kmod-build (~/.cache/...). Used only when it is ours alone.
   */
  readonly localBuildRoot?: string;
}

export interface BuildResult {
  readonly ok: boolean;
  readonly mode: BuildMode;
  readonly moduleName: string;
  /** The .ko on the target (set when ok). */
  readonly koPath?: string;
  /** sha256 of that .ko as built (set when ok): hand it to insmod, which loads the file only while it matches. */
  readonly koSha256?: string;
  readonly diagnostics: KbuildDiagnostic[];
  /** kbuild's output, stdout and stderr together. */
  readonly output: string;
  /** One sentence: what happened. */
  readonly summary: string;
}

const MAKE_TIMEOUT_MS = 600_000;
const PROBE_TIMEOUT_MS = 30_000;

/** The user's cache folder ($XDG_CACHE_HOME when absolute, else ~/.cache) for local-headers builds. */
export function defaultLocalBuildRoot(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  const xdg = env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.cache'), 'netlink-workbench', 'kmod-build');
}

/** The work folder on the target, made 0700 or checked to be the login user's alone (else TargetError). */
async function prepareWorkFolder(target: ModuleTarget, signal: AbortSignal | undefined): Promise<void> {
  const work = checkRemotePath(target.workFolder, 'the target work folder');
  await ensureRemotePrivateFolder(
    (argv, o) => target.exec(argv, o),
    work,
    `target "${target.name ?? 'the target'}": the work folder`,
    "on the target, or set the target's workFolder to a folder of your own",
    signal,
  );
}

/** sha256 of the .ko on the target, or undefined when it is not there. */
async function remoteSha256(
  target: ModuleTarget,
  file: string,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  const r = await target.exec(['sh', '-c', 'h=$(sha256sum < "$1") && printf "%s\\n" "${h%% *}"', 'sh', file], {
    timeoutMs: PROBE_TIMEOUT_MS,
    signal,
  });
  const h = r.stdout.trim();
  return r.code === 0 && SHA256_HEX.test(h) ? h : undefined;
}

/** The folder on the target that holds a build of these sources, and the .ko in it. */
export function remoteBuildPaths(
  target: Pick<ModuleTarget, 'workFolder'>,
  src: Pick<ModuleSources, 'hash' | 'moduleName'>,
): { dir: string; ko: string } {
  const work = checkRemotePath(target.workFolder, 'the target work folder');
  const dir = `${work === '/' ? '' : work}/kmod-${src.hash}`;
  return { dir, ko: `${dir}/${src.moduleName}.ko` };
}

export async function buildModule(target: ModuleTarget, opts: BuildOptions): Promise<BuildResult> {
  const src = await readModuleSources(opts.moduleDir);
  const log = opts.log ?? ((): void => undefined);
  log(
    `building ${src.moduleName} (${src.files.join(', ')}; sources ${src.hash}) for ${target.name ?? 'the target'}, mode ${target.buildMode}`,
  );
  return target.buildMode === 'local-headers'
    ? buildLocally(target, src, opts, log)
    : buildRemotely(target, src, opts, log);
}

// Fixed script, values as positional parameters: what the remote build needs, reported in one round trip.
const PROBE = [
  'kdir=$1',
  '[ -n "$kdir" ] || kdir=/lib/modules/$(uname -r)/build',
  'echo "release $(uname -r)"',
  'echo "kdir $kdir"',
  'command -v make >/dev/null 2>&1 || echo "missing make"',
  '{ command -v gcc || command -v cc; } >/dev/null 2>&1 || echo "missing compiler"',
  '[ -f "$kdir/Makefile" ] || echo "missing kdir"',
].join('\n');

interface Probe {
  release: string;
  kdir: string;
  missing: Set<string>;
}

function parseProbe(out: string): Probe {
  const p: Probe = { release: '', kdir: '', missing: new Set() };
  for (const line of out.split('\n')) {
    const [key, ...rest] = line.split(' ');
    const value = rest.join(' ');
    if (key === 'release') p.release = value;
    else if (key === 'kdir') p.kdir = value;
    else if (key === 'missing') p.missing.add(value);
  }
  return p;
}

async function buildRemotely(
  target: ModuleTarget,
  src: ModuleSources,
  opts: BuildOptions,
  log: (l: string) => void,
): Promise<BuildResult> {
  await prepareWorkFolder(target, opts.signal);
  const kdirSetting = target.kernelBuildDir ? checkRemotePath(target.kernelBuildDir, 'the kernel build folder') : '';
  const probeRun = await execChecked(
    target,
    ['sh', '-c', PROBE, 'sh', kdirSetting],
    { timeoutMs: PROBE_TIMEOUT_MS, signal: opts.signal },
    'probing the target for a compiler',
  );
  const probe = parseProbe(probeRun.stdout);
  const tools = ['make', 'compiler'].filter((t) => probe.missing.has(t));
  if (tools.length > 0) {
    throw new KmodError(
      `${target.name ?? 'the target'} has no ${tools.map((t) => (t === 'compiler' ? 'C compiler (gcc or cc)' : t)).join(' and no ')}: ` +
        'build mode "remote" compiles on the target. Install make and gcc there, or use build mode "local-headers" ' +
        'with a local copy of its kernel headers.',
    );
  }
  if (probe.missing.has('kdir')) {
    throw new KmodError(
      `no kernel build tree at ${probe.kdir} on ${target.name ?? 'the target'} (kernel ${probe.release}): ` +
        `install the headers there (Debian: linux-headers-${probe.release}) or set the target's kernel build folder.`,
    );
  }
  const { dir, ko } = remoteBuildPaths(target, src);
  await execChecked(
    target,
    ['mkdir', '-m', '700', '-p', '--', dir],
    { timeoutMs: PROBE_TIMEOUT_MS, signal: opts.signal },
    `creating ${dir}`,
  );
  const subdirs = [...new Set(src.files.filter((f) => f.includes('/')).map((f) => path.posix.dirname(f)))];
  for (const sub of subdirs) {
    await execChecked(
      target,
      ['mkdir', '-m', '700', '-p', '--', `${dir}/${sub}`],
      { timeoutMs: PROBE_TIMEOUT_MS, signal: opts.signal },
      `creating ${dir}/${sub}`,
    );
  }
  for (const f of src.files) {
    opts.signal?.throwIfAborted();
    await target.copyTo(path.join(src.dir, f), `${dir}/${f}`);
  }
  log(`uploaded ${src.files.length} files to ${dir}; make -C ${probe.kdir} M=${dir} modules (kernel ${probe.release})`);
  // C locale: the parser reads gcc's English words ("error:", "warning:"); 2>&1 keeps make's order.
  const r = await target.exec(
    ['sh', '-c', 'LC_ALL=C; export LC_ALL; exec make -C "$1" M="$2" modules 2>&1', 'sh', probe.kdir, dir],
    { timeoutMs: opts.timeoutMs ?? MAKE_TIMEOUT_MS, signal: opts.signal },
  );
  const output = r.stdout + r.stderr;
  for (const l of output.split('\n')) if (l) log(l);
  opts.signal?.throwIfAborted();
  const diagnostics = parseKbuildOutput(output, {
    buildDir: dir,
    localDir: src.dir,
    localFiles: new Set(src.files),
    sources: src.texts,
  });
  if (r.code !== 0) return failed('remote', src, diagnostics, output, `make exited ${r.code ?? 'by a signal'}`);
  // Hashed there right after make: insmod loads it only while it still has this content.
  const sha256 = await remoteSha256(target, ko, opts.signal);
  if (!sha256)
    return failed(
      'remote',
      src,
      diagnostics,
      output,
      `make succeeded but ${ko} is not there (or sha256sum is missing there)`,
    );
  return done('remote', src, ko, sha256, diagnostics, output);
}

async function buildLocally(
  target: ModuleTarget,
  src: ModuleSources,
  opts: BuildOptions,
  log: (l: string) => void,
): Promise<BuildResult> {
  let headers = target.headersDir;
  if (!headers && target.fetchHeaders) {
    try {
      headers = await target.fetchHeaders(opts.signal);
    } catch (e) {
      throw new KmodError(`build mode "local-headers": ${(e as Error).message}`);
    }
  }
  if (!headers)
    throw new KmodError(
      `build mode "local-headers" needs a local copy of ${target.name ?? 'the target'}'s kernel headers, and none is set (the target's headersDir setting)`,
    );
  if (!existsSync(path.join(headers, 'Makefile'))) {
    throw new KmodError(
      `${headers} is not a kernel build tree (no Makefile): point the headers folder at the target kernel's linux-headers-<release> folder`,
    );
  }
  const cross = await crossSetup(headers);
  const root = opts.localBuildRoot ?? defaultLocalBuildRoot();
  // One folder per (sources, headers): objects of another kernel never mix in, and a rebuild is incremental.
  const buildDir = path.join(
    root,
    `${src.moduleName}-${src.hash}-${createHash('sha256').update(headers).digest('hex').slice(0, 8)}`,
  );
  for (const dir of [root, buildDir]) {
    try {
      ensureLocalPrivateFolder(dir, 'the local build folder', 'the next build makes it again, mode 0700');
    } catch (e) {
      throw new KmodError((e as Error).message);
    }
  }
  for (const f of src.files) {
    if (f.includes('/')) await mkdir(path.join(buildDir, path.dirname(f)), { recursive: true, mode: 0o700 });
    await writeFile(path.join(buildDir, f), src.texts.get(f) as string);
  }
  const makeArgv = ['make', '-C', headers, `M=${buildDir}`, ...cross.makeArgs, 'modules'];
  log(makeArgv.join(' '));
  let r: RunResult;
  try {
    r = await run(makeArgv, {
      timeoutMs: opts.timeoutMs ?? MAKE_TIMEOUT_MS,
      signal: opts.signal,
      env: { ...process.env, LC_ALL: 'C' },
      onLine: (l) => l && log(l),
      interleaved: true,
    });
  } catch (e) {
    throw new KmodError(
      `${(e as Error).message}: build mode "local-headers" needs make and gcc on this machine (Debian: apt-get install make gcc)`,
    );
  }
  opts.signal?.throwIfAborted();
  if (r.aborted) throw new KmodError('the build was cancelled');
  if (r.timedOut) throw new KmodError(`make did not finish within ${(opts.timeoutMs ?? MAKE_TIMEOUT_MS) / 1000} s`);
  // Debian's headers call <triplet>-gcc-<N>, which the compiler package of another gcc version lacks.
  const missingTool = cross.target && r.code !== 0 ? missingCrossTool(r.output, cross.target.triplet) : undefined;
  if (cross.target && missingTool) throw missingCompiler(headers, cross.target, cross.host, missingTool);
  const diagnostics = parseKbuildOutput(r.output, {
    buildDir: buildDir.split(path.sep).join('/'),
    localDir: src.dir,
    localFiles: new Set(src.files),
    sources: src.texts,
  });
  const localKo = path.join(buildDir, `${src.moduleName}.ko`);
  if (r.code !== 0)
    return failed('local-headers', src, diagnostics, r.output, `make exited ${r.code ?? 'by a signal'}`);
  if (!existsSync(localKo))
    return failed('local-headers', src, diagnostics, r.output, `make succeeded but ${localKo} is not there`);
  const sha256 = createHash('sha256')
    .update(await readFile(localKo))
    .digest('hex');
  const { dir, ko } = remoteBuildPaths(target, src);
  await prepareWorkFolder(target, opts.signal);
  await execChecked(
    target,
    ['mkdir', '-m', '700', '-p', '--', dir],
    { timeoutMs: PROBE_TIMEOUT_MS, signal: opts.signal },
    `creating ${dir}`,
  );
  await target.copyTo(localKo, ko);
  log(`uploaded ${localKo} to ${ko} (sha256 ${sha256})`);
  return done('local-headers', src, ko, sha256, diagnostics, r.output);
}

function count(ds: readonly KbuildDiagnostic[], severity: KbuildDiagnostic['severity']): number {
  return ds.filter((d) => d.severity === severity).length;
}

function failed(
  mode: BuildMode,
  src: ModuleSources,
  diagnostics: KbuildDiagnostic[],
  output: string,
  why: string,
): BuildResult {
  // As Problems counts them: make's "*** Error 1" lines echo the compiler's error, they are not more errors.
  const errors = count(primaryDiagnostics(diagnostics), 'error');
  const first =
    diagnostics.find((d) => d.severity === 'error' && d.source !== 'make') ??
    diagnostics.find((d) => d.severity === 'error');
  const detail = first
    ? `; first: ${first.file ? `${path.basename(first.file)}:${first.line}: ` : ''}${first.message}`
    : `; ${firstLine(output.split('\n').slice(-5).join('\n'))}`;
  return {
    ok: false,
    mode,
    moduleName: src.moduleName,
    diagnostics,
    output,
    summary: `${src.moduleName} did not build (${why}, ${errors} error${errors === 1 ? '' : 's'}${detail})`,
  };
}

function done(
  mode: BuildMode,
  src: ModuleSources,
  ko: string,
  koSha256: string,
  diagnostics: KbuildDiagnostic[],
  output: string,
): BuildResult {
  const warnings = count(diagnostics, 'warning');
  return {
    ok: true,
    mode,
    moduleName: src.moduleName,
    koPath: ko,
    koSha256,
    diagnostics,
    output,
    summary: `${src.moduleName} built: ${ko}${warnings ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}`,
  };
}
