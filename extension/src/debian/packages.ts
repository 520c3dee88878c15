// Debian packages on this machine: which of a list are not installed, and installing those (as root only), without
// recommends (a lab host otherwise pulls in ~190 packages).
import { run, runChecked } from '../process/run';
import { DebianError, debianFailure } from './errors';

export async function missingPackages(pkgs: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const p of pkgs) {
    const r = await run(['dpkg-query', '-W', '-f=${Status}', p], { timeoutMs: 30_000 });
    if (r.code !== 0 || !r.stdout.toString('utf8').includes('install ok installed')) missing.push(p);
  }
  return missing;
}

/** Installs those of `pkgs` that are missing; not root: refused with the command that would install them. */
export async function ensurePackages(pkgs: readonly string[], log: (l: string) => void): Promise<void> {
  const missing = await missingPackages(pkgs);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new DebianError(
      'packages',
      `missing Debian packages; run: sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`,
    );
  }
  log(`installing ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runChecked(['apt-get', 'update'], { timeoutMs: 300_000, env }, debianFailure('packages'));
  await runChecked(
    ['apt-get', 'install', '-y', '--no-install-recommends', ...missing],
    { timeoutMs: 900_000, env },
    debianFailure('packages'),
  );
}
