// apt for another architecture's packages (the arm64 kernel, busybox and dropbear of the aarch64 lab) without
// touching the host's dpkg: no `dpkg --add-architecture`, no arm64 lists in /var/lib/apt. apt runs with the
// system's sources but its own lists, cache and (empty) dpkg status under ${cache}/apt-<debArch>/, so
// `apt-cache` and `apt-get download` answer for that architecture only. The host's own architecture uses the
// system's apt as it is (options []).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runChecked } from '../process/run';
import { debianFailure } from './errors';

/** Extra apt options for `debArch`: [] for the host's own, a private apt state for a foreign one. */
export function aptOptions(cacheDir: string, debArch: string, hostDebArch: string): string[] {
  if (debArch === hostDebArch) return [];
  const root = path.join(cacheDir, `apt-${debArch}`);
  return [
    '-o',
    `APT::Architecture=${debArch}`,
    '-o',
    `APT::Architectures::=${debArch}`,
    '-o',
    `Dir::State::Lists=${path.join(root, 'lists')}`,
    '-o',
    `Dir::Cache=${path.join(root, 'cache')}`,
    '-o',
    `Dir::State::status=${path.join(root, 'status')}`,
    // As root, apt drops to the _apt user for downloads, which cannot write into the cache; the result is the same.
    ...(process.getuid?.() === 0 ? ['-o', 'APT::Sandbox::User=root'] : []),
  ];
}

/** Age of the newest Packages list in ms, or undefined when there is none. */
function listsAge(root: string): number | undefined {
  const lists = path.join(root, 'lists');
  if (!existsSync(lists)) return undefined;
  const files = readdirSync(lists).filter((f) => f.endsWith('_Packages') || f.includes('_Packages.'));
  if (files.length === 0) return undefined;
  return Date.now() - Math.max(...files.map((f) => statSync(path.join(lists, f)).mtimeMs));
}

/** Security updates replace kernel packages: lists older than this may name .debs the mirror no longer has. */
const LISTS_MAX_AGE_MS = 3 * 24 * 3600_000;

/**
 * Fetches the foreign architecture's package lists (about 9 MB for bookworm arm64) when there are none, when they
 * are older than a few days, or with `force`. Lists that exist stay usable when a refresh fails (offline).
 */
export async function ensureForeignLists(
  cacheDir: string,
  debArch: string,
  hostDebArch: string,
  log: (l: string) => void,
  force = false,
): Promise<void> {
  if (debArch === hostDebArch) return;
  const root = path.join(cacheDir, `apt-${debArch}`);
  const age = listsAge(root);
  if (!force && age !== undefined && age < LISTS_MAX_AGE_MS) return;
  await mkdir(path.join(root, 'lists', 'partial'), { recursive: true });
  await mkdir(path.join(root, 'cache', 'archives', 'partial'), { recursive: true });
  if (!existsSync(path.join(root, 'status'))) await writeFile(path.join(root, 'status'), '');
  log(`apt-get update for ${debArch} (private lists in ${root})`);
  try {
    await runChecked(
      ['apt-get', '-q', ...aptOptions(cacheDir, debArch, hostDebArch), 'update'],
      { timeoutMs: 300_000 },
      debianFailure('packages'),
    );
  } catch (e) {
    if (age === undefined) throw e;
    log(
      `apt-get update for ${debArch} failed; using the lists from ${Math.round(age / 3600_000)} h ago (${(e as Error).message.split('\n')[0]})`,
    );
  }
}
