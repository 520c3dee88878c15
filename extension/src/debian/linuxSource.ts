// Parts of a kernel source tree from Debian's linux-source-<series> (e.g. the kernel's own YNL generator): the
// package is downloaded and unpacked (never installed) into a private folder, only the asked-for paths are taken
// out of its tarball, and the rest (about 150 MB of .deb and tarball) is removed. The result is kept in
// <cache>/<folder>/linux-source-<series>/ with a `.complete` marker, the layout test/fixtures/ynl/fetch-ynl-gen.sh
// writes too, so either one fetches it once for both.
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runChecked } from '../process/run';
import { aptFor, candidates, downloadAndUnpack, ensureAptLists } from './apt';
import { hostDebArch } from './arch';
import { DebianError, debianFailure } from './errors';

export interface LinuxSourceParts {
  /** Debian's kernel series: "6.12" for linux-source-6.12. */
  readonly series: string;
  /** The folder under the cache that keeps them ("ynl-gen-6.12"). */
  readonly folder: string;
  /** Members of the tree to keep, relative to its root, tar wildcards allowed ("tools/net/ynl/*"). */
  readonly members: readonly string[];
}

/** The tree's root in the cache (…/linux-source-<series>), whether or not it has been fetched. */
export function linuxSourceRoot(cacheDir: string, parts: LinuxSourceParts): string {
  return path.join(cacheDir, parts.folder, `linux-source-${parts.series}`);
}

/** True when a fetch of `parts` completed. */
export function linuxSourcePresent(cacheDir: string, parts: LinuxSourceParts): boolean {
  return existsSync(path.join(cacheDir, parts.folder, '.complete'));
}

/**
 * Fetches `parts` once; resolves to the tree's root. A fetch that stops half way leaves only its private work
 * folder (removed on the next try), never a partial tree: the result is renamed into place when complete.
 */
export async function fetchLinuxSourceParts(
  cacheDir: string,
  parts: LinuxSourceParts,
  log: (line: string) => void,
): Promise<string> {
  const root = linuxSourceRoot(cacheDir, parts);
  if (linuxSourcePresent(cacheDir, parts)) return root;
  const pkg = `linux-source-${parts.series}`;
  const apt = aptFor(cacheDir, hostDebArch());
  await ensureAptLists(apt, log);
  if (!(await candidates(apt, [pkg])).get(pkg)) {
    throw new DebianError(
      'kernel download',
      `apt knows no ${pkg}: add a Debian source that has it (bookworm-backports or trixie) and run apt-get update`,
    );
  }
  const work = path.join(cacheDir, `${parts.folder}.work-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  try {
    // downloadAndUnpack keeps its .debs and lock under the folder it is given: here the private work folder.
    await downloadAndUnpack(apt, work, 'unpacked', [pkg], log);
    const tarball = path.join(work, 'unpacked', 'usr', 'src', `${pkg}.tar.xz`);
    if (!existsSync(tarball)) throw new DebianError('kernel unpack', `${pkg} has no usr/src/${pkg}.tar.xz`);
    const out = path.join(work, 'out');
    await mkdir(out);
    log(`taking ${parts.members.join(' ')} out of ${pkg}.tar.xz`);
    await runChecked(
      ['tar', '-xJf', tarball, '-C', out, '--wildcards', ...parts.members.map((m) => `${pkg}/${m}`)],
      { timeoutMs: 300_000 },
      debianFailure('kernel unpack'),
    );
    if ((await readdir(path.join(out, pkg)).catch(() => [])).length === 0)
      throw new DebianError('kernel unpack', `${pkg}.tar.xz has none of ${parts.members.join(' ')}`);
    await writeFile(path.join(out, '.complete'), '');
    const dest = path.join(cacheDir, parts.folder);
    // Another window may have finished first: its copy is as good as this one.
    if (!linuxSourcePresent(cacheDir, parts)) {
      await rm(dest, { recursive: true, force: true });
      await rename(out, dest);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return root;
}
