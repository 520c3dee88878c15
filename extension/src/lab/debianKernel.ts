// A Debian kernel with matching headers, downloaded with `apt-get download` and unpacked with `dpkg-deb -x`
// (never installed) into ${cache}/kernels/<release>/. The layout and the lock are shared with
// test/native/fetch-kernel-headers.sh (the module's build tier), which unpacks the header packages there:
//   kernels/<release>/            dpkg-deb -x root of image + headers (+ .lab-image-ok / .nlreply-headers-ok)
//   kernels/<release>.lock        flock(1) lock serialising writers
//   kernels/debs/                 downloaded .deb files
// Another architecture's kernel (arm64 for the aarch64 lab) comes the same way through a private apt state
// (foreignApt.ts); its release name ends in -arm64, so it never mixes with the amd64 ones.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { hostDebArch } from './arch';
import { compareVersions } from './debVersion';
import { LabError } from './errors';
import { aptOptions, ensureForeignLists } from './foreignApt';
import { runChecked, runProcess } from './runProcess';

export interface DebianKernelFiles {
  release: string;
  root: string;
  bzImage: string;
  modulesDir: string;
  headersDir: string;
}

type Log = (line: string) => void;

export type DebArch = 'amd64' | 'arm64';

export interface DebianKernelOptions {
  /** Debian architecture of the kernel; default amd64. */
  debArch?: DebArch;
  /** Fetch and unpack the headers too (default true): only the host's own architecture can build against them. */
  headers?: boolean;
}

/** How apt is run for one architecture: the system's apt for the host's own, a private state for another. */
interface Apt {
  readonly cacheDir: string;
  readonly debArch: DebArch;
  readonly hostDebArch: string;
  readonly options: string[];
}

function aptFor(cacheDir: string, debArch: DebArch): Apt {
  const host = hostDebArch();
  return { cacheDir, debArch, hostDebArch: host, options: aptOptions(cacheDir, debArch, host) };
}

const IMAGE_MARKER = '.lab-image-ok';
const HEADERS_MARKER = '.nlreply-headers-ok';

async function aptListsPresent(): Promise<boolean> {
  const r = await runProcess(['apt-cache', 'pkgnames', 'linux-image-'], { timeoutMs: 60_000 });
  return r.code === 0 && r.stdout.trim().length > 0;
}

async function ensureAptLists(apt: Apt, log: Log): Promise<void> {
  if (apt.options.length > 0) {
    await ensureForeignLists(apt.cacheDir, apt.debArch, apt.hostDebArch, log);
    return;
  }
  if (await aptListsPresent()) return;
  log('apt-get update (no package lists yet)');
  await runChecked('kernel download', ['apt-get', 'update'], { timeoutMs: 300_000 });
}

/** True for each name that apt has a download candidate for. */
async function candidates(apt: Apt, names: readonly string[]): Promise<Map<string, boolean>> {
  const r = await runProcess(['apt-cache', ...apt.options, 'policy', ...names], { timeoutMs: 60_000 });
  const found = new Map<string, boolean>(names.map((n) => [n, false]));
  let current: string | undefined;
  for (const line of r.stdout.split('\n')) {
    const head = /^(\S+):$/.exec(line);
    if (head) current = head[1];
    const cand = /^\s+Candidate:\s+(\S+)/.exec(line);
    if (cand && current && found.has(current)) found.set(current, cand[1] !== '(none)');
  }
  return found;
}

/**
 * Newest release of `series` (e.g. "6.1") whose image (and, unless `headers` is false, headers) are downloadable.
 * The second parameter may be the log alone (amd64 with headers), as before architectures were a choice.
 */
export async function pickDebianRelease(series: string, log: Log, opts: DebianKernelOptions & { cacheDir?: string } = {}): Promise<string> {
  if (!/^\d+\.\d+$/.test(series)) throw new LabError('kernel', `series must look like 6.1, got ${JSON.stringify(series)}`);
  const debArch = opts.debArch ?? 'amd64';
  const apt = aptFor(opts.cacheDir ?? '', debArch);
  if (apt.options.length > 0 && !opts.cacheDir) throw new LabError('kernel', `a ${debArch} kernel needs the cache folder for its private apt state`);
  await ensureAptLists(apt, log);
  const r = await runChecked('kernel', ['apt-cache', ...apt.options, 'pkgnames', `linux-image-${series}`], { timeoutMs: 60_000 });
  const re = new RegExp(`^linux-image-(${series.replace('.', '\\.')}[.-]\\d[0-9.+a-z-]*-${debArch})$`);
  const releases = r.stdout
    .split('\n')
    .map((n) => re.exec(n.trim())?.[1])
    .filter((rel): rel is string => rel !== undefined && !new RegExp(`-(rt|cloud)-${debArch}$`).test(rel))
    .sort((a, b) => compareVersions(b, a));
  for (const rel of releases) {
    const c = await candidates(apt, [`linux-image-${rel}`, ...(opts.headers === false ? [] : [`linux-headers-${rel}`])]);
    if ([...c.values()].every(Boolean)) return rel;
  }
  throw new LabError('kernel', `no downloadable linux-image/linux-headers pair for series ${series} in apt's lists`);
}

function newestDeb(debsDir: string, pkg: string): string {
  const files = readdirSync(debsDir)
    .filter((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'))
    .map((f) => path.join(debsDir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!files[0]) throw new LabError('kernel download', `apt-get download left no ${pkg}_*.deb in ${debsDir}`);
  return files[0];
}

async function downloadAndUnpack(apt: Apt, kernels: string, release: string, pkgs: string[], log: Log): Promise<void> {
  const debsDir = path.join(kernels, 'debs');
  const lock = path.join(kernels, `${release}.lock`);
  await mkdir(debsDir, { recursive: true });
  log(`downloading ${pkgs.join(' ')}`);
  // As root, apt drops to the _apt user for downloads, which cannot write here; the result is the same.
  const sandbox = process.getuid?.() === 0 && apt.options.length === 0 ? ['-o', 'APT::Sandbox::User=root'] : [];
  await runChecked('kernel download', ['flock', '-w', '600', lock, 'apt-get', ...apt.options, ...sandbox, 'download', ...pkgs], {
    cwd: debsDir,
    timeoutMs: 900_000,
  });
  const root = path.join(kernels, release);
  await mkdir(root, { recursive: true });
  for (const pkg of pkgs) {
    await runChecked('kernel unpack', ['flock', '-w', '600', lock, 'dpkg-deb', '-x', newestDeb(debsDir, pkg), root], {
      timeoutMs: 300_000,
    });
  }
}

/**
 * The headers' arch Makefile says `include /usr/src/linux-headers-<x>-common/Makefile`, which does not exist
 * outside an installed system: point it at the sibling folder, relative to the Makefile itself (the same edit
 * fetch-kernel-headers.sh makes, so both writers agree).
 */
async function fixHeadersMakefile(headersDir: string): Promise<void> {
  const makefile = path.join(headersDir, 'Makefile');
  const text = await readFile(makefile, 'utf8');
  const fixed = text.replace(/^include \/usr\/src\//m, 'include $(dir $(realpath $(lastword $(MAKEFILE_LIST))))../');
  if (fixed !== text) await writeFile(makefile, fixed);
}

/** Newest release of `series` already unpacked in full (image and headers) in the cache. */
function newestCached(kernels: string, series: string, debArch: DebArch, headers: boolean): string | undefined {
  return readdirSync(kernels, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name.startsWith(`${series}.`) && d.name.endsWith(`-${debArch}`))
    .map((d) => d.name)
    .filter((rel) => (headers ? [IMAGE_MARKER, HEADERS_MARKER] : [IMAGE_MARKER]).every((m) => existsSync(path.join(kernels, rel, m))))
    .sort((a, b) => compareVersions(b, a))[0];
}

/** Where a release's headers are unpacked, and whether they are there in full. */
function headersIn(kernels: string, release: string): { dir: string; cached: boolean } {
  const dir = path.join(kernels, release, 'usr', 'src', `linux-headers-${release}`);
  return { dir, cached: existsSync(path.join(kernels, release, HEADERS_MARKER)) && existsSync(path.join(dir, 'Makefile')) };
}

/** linux-headers-<release> and the packages its build needs (-common, kbuild), unpacked beside the image. */
async function ensureHeaders(apt: Apt, kernels: string, release: string, log: Log): Promise<string> {
  const { dir: headersDir, cached } = headersIn(kernels, release);
  if (!cached) {
    const deps = await runChecked('kernel', ['apt-cache', ...apt.options, 'depends', `linux-headers-${release}`], { timeoutMs: 60_000 });
    const pkgs = [
      ...new Set(
        deps.stdout
          .split('\n')
          .map((l) => /^\s+Depends:\s+(\S+)/.exec(l)?.[1])
          .filter((p): p is string => p !== undefined && /^linux-(headers-.*-common|kbuild-)/.test(p)),
      ),
      `linux-headers-${release}`,
    ];
    await downloadAndUnpack(apt, kernels, release, pkgs, log);
    await writeFile(path.join(kernels, release, HEADERS_MARKER), '');
  }
  await fixHeadersMakefile(headersDir);
  return headersDir;
}

/**
 * The kernel headers of a target that runs a Debian kernel (`uname -r` such as 6.1.0-56-amd64), fetched from
 * Debian into the cache like the lab's, for local-headers module builds. Only the host's own architecture: the
 * headers' build tools are programs of their architecture.
 */
export async function fetchDebianHeaders(cacheDir: string, release: string, log: Log): Promise<string> {
  const m = /^\d+\.\d+[0-9.+~a-z-]*-(amd64|arm64)$/.exec(release);
  const host = hostDebArch();
  if (!m) {
    throw new LabError('kernel', `the target runs kernel ${JSON.stringify(release)}, not a Debian kernel (like 6.1.0-56-amd64): set the target's headersDir to a local copy of its build tree`);
  }
  if (m[1] !== host) {
    throw new LabError('kernel', `the target's kernel ${release} is ${m[1]}; this machine (${host}) cannot run its headers' build tools: build on the target (buildMode "remote") or set headersDir to a build tree prepared for cross builds`);
  }
  const kernels = path.join(cacheDir, 'kernels');
  await mkdir(kernels, { recursive: true });
  // Cached: no apt at all (it may be offline).
  const have = headersIn(kernels, release);
  if (have.cached) return have.dir;
  const apt = aptFor(cacheDir, m[1] as DebArch);
  await ensureAptLists(apt, log);
  const found = await candidates(apt, [`linux-headers-${release}`]);
  if (!found.get(`linux-headers-${release}`)) {
    throw new LabError('kernel', `apt has no linux-headers-${release} to download (an older point release leaves Debian's archive): set the target's headersDir, or build on the target (buildMode "remote")`);
  }
  return ensureHeaders(apt, kernels, release, log);
}

export async function prepareDebianKernel(cacheDir: string, series: string, log: Log, opts: DebianKernelOptions = {}): Promise<DebianKernelFiles> {
  const debArch = opts.debArch ?? 'amd64';
  const headers = opts.headers ?? true;
  const apt = aptFor(cacheDir, debArch);
  const kernels = path.join(cacheDir, 'kernels');
  await mkdir(kernels, { recursive: true });
  let release: string;
  try {
    release = await pickDebianRelease(series, log, { debArch, headers, cacheDir });
  } catch (e) {
    // Offline, or apt's lists are gone: a kernel unpacked earlier still boots.
    const cached = newestCached(kernels, series, debArch, headers);
    if (!cached) throw e;
    log(`apt cannot name a kernel (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); using cached ${cached}`);
    release = cached;
  }
  const root = path.join(kernels, release);
  const files: DebianKernelFiles = {
    release,
    root,
    bzImage: path.join(root, 'boot', `vmlinuz-${release}`),
    modulesDir: path.join(root, 'lib', 'modules', release),
    headersDir: headersIn(kernels, release).dir,
  };
  if (!existsSync(path.join(root, IMAGE_MARKER)) || !existsSync(files.bzImage)) {
    await downloadAndUnpack(apt, kernels, release, [`linux-image-${release}`], log);
    await writeFile(path.join(root, IMAGE_MARKER), `${release}\n`);
  }
  if (!headers) {
    if (!existsSync(path.join(files.modulesDir, 'modules.order'))) throw new LabError('kernel', `${files.modulesDir}/modules.order is missing after unpacking ${release}`);
    return files;
  }
  await ensureHeaders(apt, kernels, release, log);
  for (const needed of [files.bzImage, path.join(files.modulesDir, 'modules.order'), path.join(files.headersDir, 'scripts')]) {
    if (!existsSync(needed)) throw new LabError('kernel', `${needed} is missing after unpacking ${release}`);
  }
  return files;
}
