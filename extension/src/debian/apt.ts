// apt as the kernel code uses it, for one Debian architecture at a time: the system's apt for the host's own,
// a private state for another (foreignApt.ts). Downloads land in ${cache}/kernels/debs/ and are unpacked with
// `dpkg-deb -x` (never installed) under flock(1), the lock test/native/fetch-kernel-headers.sh takes too.
import { readdirSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { run, runChecked } from '../process/run';
import { hostDebArch, type DebArch } from './arch';
import { DebianError, debianFailure } from './errors';
import { aptOptions, ensureForeignLists } from './foreignApt';

type Log = (line: string) => void;

/** How apt is run for one architecture: the system's apt for the host's own, a private state for another. */
export interface Apt {
  readonly cacheDir: string;
  readonly debArch: DebArch;
  readonly hostDebArch: DebArch;
  readonly options: string[];
}

export function aptFor(cacheDir: string, debArch: DebArch): Apt {
  const host = hostDebArch();
  return { cacheDir, debArch, hostDebArch: host, options: aptOptions(cacheDir, debArch, host) };
}

async function aptListsPresent(): Promise<boolean> {
  const r = await run(['apt-cache', 'pkgnames', 'linux-image-'], { timeoutMs: 60_000 });
  return r.code === 0 && r.stdout.toString('utf8').trim().length > 0;
}

export async function ensureAptLists(apt: Apt, log: Log): Promise<void> {
  if (apt.options.length > 0) {
    await ensureForeignLists(apt.cacheDir, apt.debArch, apt.hostDebArch, log);
    return;
  }
  if (await aptListsPresent()) return;
  log('apt-get update (no package lists yet)');
  await runChecked(['apt-get', 'update'], { timeoutMs: 300_000 }, debianFailure('kernel download'));
}

/** The candidate version apt would download for each name (undefined: none), read from `apt-cache policy`. */
export function policyCandidates(policy: string, names: readonly string[]): Map<string, string | undefined> {
  const found = new Map<string, string | undefined>(names.map((n) => [n, undefined]));
  let current: string | undefined;
  for (const line of policy.split('\n')) {
    const head = /^(\S+):$/.exec(line);
    if (head) current = head[1];
    const cand = /^\s+Candidate:\s+(\S+)/.exec(line);
    if (cand && current && found.has(current)) found.set(current, cand[1] === '(none)' ? undefined : cand[1]);
  }
  return found;
}

export async function candidateVersions(apt: Apt, names: readonly string[]): Promise<Map<string, string | undefined>> {
  const r = await run(['apt-cache', ...apt.options, 'policy', ...names], { timeoutMs: 60_000 });
  return policyCandidates(r.stdout.toString('utf8'), names);
}

/** True for each name that apt has a download candidate for. */
export async function candidates(apt: Apt, names: readonly string[]): Promise<Map<string, boolean>> {
  const versions = await candidateVersions(apt, names);
  return new Map(names.map((n) => [n, versions.get(n) !== undefined]));
}

/**
 * The .deb that `apt-get download` left for `request` ("name" or "name=version"): the exact file for a pinned
 * version, else the newest of that name. Only files of apt's architecture or `all`: debs/ holds several.
 */
function downloadedDeb(debsDir: string, request: string, debArch: DebArch): string {
  const [pkg, version] = request.split('=') as [string, string | undefined];
  // apt-get download writes <name>_<version with ':' as %3a>_<arch>.deb.
  const files = readdirSync(debsDir)
    .filter((f) => f.startsWith(`${pkg}_${version === undefined ? '' : `${version.replace(/:/g, '%3a')}_`}`))
    .filter((f) => f.endsWith(`_${debArch}.deb`) || f.endsWith('_all.deb'))
    .map((f) => path.join(debsDir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!files[0])
    throw new DebianError(
      'kernel download',
      `apt-get download left no ${pkg}_${version ?? '*'}_${debArch}.deb in ${debsDir}`,
    );
  return files[0];
}

/** Downloads `pkgs` ("name" or "name=version") with `apt` and unpacks them into kernels/<release>/. */
export async function downloadAndUnpack(
  apt: Apt,
  kernels: string,
  release: string,
  pkgs: readonly string[],
  log: Log,
): Promise<void> {
  const debsDir = path.join(kernels, 'debs');
  const lock = path.join(kernels, `${release}.lock`);
  await mkdir(debsDir, { recursive: true });
  log(`downloading ${pkgs.join(' ')}${apt.options.length > 0 ? ` (${apt.debArch})` : ''}`);
  // As root, apt drops to the _apt user for downloads, which cannot write here; the result is the same.
  const sandbox = process.getuid?.() === 0 && apt.options.length === 0 ? ['-o', 'APT::Sandbox::User=root'] : [];
  await runChecked(
    ['flock', '-w', '600', lock, 'apt-get', ...apt.options, ...sandbox, 'download', ...pkgs],
    {
      cwd: debsDir,
      timeoutMs: 900_000,
    },
    debianFailure('kernel download'),
  );
  const root = path.join(kernels, release);
  await mkdir(root, { recursive: true });
  for (const pkg of pkgs) {
    await runChecked(
      ['flock', '-w', '600', lock, 'dpkg-deb', '-x', downloadedDeb(debsDir, pkg, apt.debArch), root],
      {
        timeoutMs: 300_000,
      },
      debianFailure('kernel unpack'),
    );
  }
}
