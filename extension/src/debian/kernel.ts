// A Debian kernel with matching headers, downloaded with `apt-get download` and unpacked with `dpkg-deb -x`
// (never installed) into ${cache}/kernels/<release>/. The layout and the lock are shared with
// test/native/fetch-kernel-headers.sh (the module's build tier), which unpacks the header packages there:
//   kernels/<release>/            dpkg-deb -x root of image + headers (+ .lab-image-ok / .nlreply-headers-ok)
//   kernels/<release>.lock        flock(1) lock serialising writers
//   kernels/debs/                 downloaded .deb files
// Another architecture's kernel (arm64 for the aarch64 lab) comes the same way through a private apt state
// (foreignApt.ts); its release name ends in -arm64, so it never mixes with the amd64 ones. Its headers are set up
// for a cross build from here (crossHeaders.ts): the target's header packages with this machine's kbuild tools.
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runChecked } from '../process/run';
import { aptFor, candidates, downloadAndUnpack, ensureAptLists, type Apt } from './apt';
import { hostDebArch, machineDebArch, type DebArch } from './arch';
import { crossHeaderDownloads, headerDependencies, type HeaderDownload } from './crossHeaders';
import { DebianError, debianFailure } from './errors';
import { compareVersions } from './version';

export interface DebianKernelFiles {
  release: string;
  root: string;
  bzImage: string;
  modulesDir: string;
  headersDir: string;
}

type Log = (line: string) => void;

export interface DebianKernelOptions {
  /** Debian architecture of the kernel; default amd64. */
  debArch?: DebArch;
  /** Fetch and unpack the headers too (default true); another architecture's are set up for a cross build. */
  headers?: boolean;
}

const IMAGE_MARKER = '.lab-image-ok';
const HEADERS_MARKER = '.nlreply-headers-ok';

/**
 * Newest release of `series` (e.g. "6.1") whose image (and, unless `headers` is false, headers) are downloadable.
 * The second parameter may be the log alone (amd64 with headers), as before architectures were a choice.
 */
export async function pickDebianRelease(
  series: string,
  log: Log,
  opts: DebianKernelOptions & { cacheDir?: string } = {},
): Promise<string> {
  if (!/^\d+\.\d+$/.test(series))
    throw new DebianError('kernel', `series must look like 6.1, got ${JSON.stringify(series)}`);
  const debArch = opts.debArch ?? 'amd64';
  const apt = aptFor(opts.cacheDir ?? '', debArch);
  if (apt.options.length > 0 && !opts.cacheDir)
    throw new DebianError('kernel', `a ${debArch} kernel needs the cache folder for its private apt state`);
  await ensureAptLists(apt, log);
  const r = await runChecked(
    ['apt-cache', ...apt.options, 'pkgnames', `linux-image-${series}`],
    { timeoutMs: 60_000 },
    debianFailure('kernel'),
  );
  const re = new RegExp(`^linux-image-(${series.replace('.', '\\.')}[.-]\\d[0-9.+a-z-]*-${debArch})$`);
  const releases = r.stdout
    .toString('utf8')
    .split('\n')
    .map((n) => re.exec(n.trim())?.[1])
    .filter((rel): rel is string => rel !== undefined && !new RegExp(`-(rt|cloud)-${debArch}$`).test(rel))
    .sort((a, b) => compareVersions(b, a));
  for (const rel of releases) {
    const c = await candidates(apt, [
      `linux-image-${rel}`,
      ...(opts.headers === false ? [] : [`linux-headers-${rel}`]),
    ]);
    if ([...c.values()].every(Boolean)) return rel;
  }
  throw new DebianError('kernel', `no downloadable linux-image/linux-headers pair for series ${series} in apt's lists`);
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
    .filter((rel) =>
      (headers ? [IMAGE_MARKER, HEADERS_MARKER] : [IMAGE_MARKER]).every((m) => existsSync(path.join(kernels, rel, m))),
    )
    .sort((a, b) => compareVersions(b, a))[0];
}

/** Where a release's headers are unpacked, and whether they are there in full. */
function headersIn(kernels: string, release: string): { dir: string; cached: boolean } {
  const dir = path.join(kernels, release, 'usr', 'src', `linux-headers-${release}`);
  return {
    dir,
    cached: existsSync(path.join(kernels, release, HEADERS_MARKER)) && existsSync(path.join(dir, 'Makefile')),
  };
}

/** Native: linux-headers-<release> and the packages its build needs (-common, kbuild), all from the one apt. */
async function nativeHeaderDownloads(apt: Apt, release: string): Promise<HeaderDownload[]> {
  const { common, kbuild } = await headerDependencies(apt, release);
  return [
    { apt, pkgs: [...(common ? [common.name] : []), ...(kbuild ? [kbuild.name] : []), `linux-headers-${release}`] },
  ];
}

/** What the headers of `apt`'s architecture need: native, or cross with this machine's kbuild. */
function headerDownloads(apt: Apt, release: string, log: Log): Promise<HeaderDownload[]> {
  if (apt.debArch === apt.hostDebArch) return nativeHeaderDownloads(apt, release);
  return crossHeaderDownloads(apt, aptFor(apt.cacheDir, apt.hostDebArch), release, log);
}

/** The headers of `release` unpacked beside its image (downloaded unless the marker says they are there). */
async function ensureHeaders(apt: Apt, kernels: string, release: string, log: Log): Promise<string> {
  const { dir: headersDir, cached } = headersIn(kernels, release);
  if (!cached) {
    for (const d of await headerDownloads(apt, release, log))
      await downloadAndUnpack(d.apt, kernels, release, d.pkgs, log);
    if (!existsSync(path.join(headersDir, 'scripts', 'mod', 'modpost'))) {
      throw new DebianError(
        'kernel',
        `${headersDir}/scripts/mod/modpost is missing after unpacking the headers of ${release} (the kbuild package)`,
      );
    }
    await writeFile(path.join(kernels, release, HEADERS_MARKER), '');
  }
  await fixHeadersMakefile(headersDir);
  return headersDir;
}

/** The Debian architecture of a kernel release name (6.1.0-56-amd64, 6.12.57+deb12-arm64), or a located refusal. */
function releaseDebArch(release: string): DebArch {
  const m = /^\d+\.\d+[0-9.+~a-z-]*-(amd64|arm64)$/.exec(release);
  if (!m) {
    throw new DebianError(
      'kernel',
      `the target runs kernel ${JSON.stringify(release)}, not a Debian kernel for amd64 or arm64 (like 6.1.0-56-amd64): set the target's headersDir to a local copy of its build tree`,
    );
  }
  return m[1] as DebArch;
}

/**
 * The kernel headers of a target that runs a Debian kernel (`uname -r` such as 6.1.0-56-amd64), fetched from
 * Debian into the cache like the lab's, for local-headers module builds. A kernel of the other architecture
 * (arm64 on an amd64 machine, or the reverse) gets headers set up for a cross build (crossHeaders.ts); the
 * module build then passes ARCH and CROSS_COMPILE (module/crossBuild.ts).
 */
export async function fetchDebianHeaders(cacheDir: string, release: string, log: Log): Promise<string> {
  const debArch = releaseDebArch(release);
  if (machineDebArch() === undefined) {
    throw new DebianError(
      'kernel',
      `this machine (${process.arch}) is neither amd64 nor arm64, whose kbuild tools Debian ships for these headers: set the target's headersDir to a build tree prepared for this machine, or build on the target (buildMode "remote")`,
    );
  }
  const kernels = path.join(cacheDir, 'kernels');
  await mkdir(kernels, { recursive: true });
  // Cached: no apt at all (it may be offline).
  const have = headersIn(kernels, release);
  if (have.cached) return have.dir;
  const apt = aptFor(cacheDir, debArch);
  await ensureAptLists(apt, log);
  const found = await candidates(apt, [`linux-headers-${release}`]);
  if (!found.get(`linux-headers-${release}`)) {
    throw new DebianError(
      'kernel',
      `apt has no linux-headers-${release}${debArch === hostDebArch() ? '' : ` (${debArch})`} to download (an older point release leaves Debian's archive): set the target's headersDir, or build on the target (buildMode "remote")`,
    );
  }
  return ensureHeaders(apt, kernels, release, log);
}

export async function prepareDebianKernel(
  cacheDir: string,
  series: string,
  log: Log,
  opts: DebianKernelOptions = {},
): Promise<DebianKernelFiles> {
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
    log(
      `apt cannot name a kernel (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); using cached ${cached}`,
    );
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
    if (!existsSync(path.join(files.modulesDir, 'modules.order')))
      throw new DebianError('kernel', `${files.modulesDir}/modules.order is missing after unpacking ${release}`);
    return files;
  }
  await ensureHeaders(apt, kernels, release, log);
  for (const needed of [
    files.bzImage,
    path.join(files.modulesDir, 'modules.order'),
    path.join(files.headersDir, 'scripts'),
  ]) {
    if (!existsSync(needed)) throw new DebianError('kernel', `${needed} is missing after unpacking ${release}`);
  }
  return files;
}
