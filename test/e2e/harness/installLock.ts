// One install at a time per cache: two test runs on one machine (two worktrees sharing NETLINK_CACHE, a tier and a
// by-hand run) would otherwise both empty and refill the code-server folder, and each would break the other's
// build half way. The lock is a directory (mkdir is atomic) holding the owner's pid; a lock whose owner is gone is
// taken over, so a killed run never blocks the next one.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ownerOf(lockDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `fn` holding `lockDir`; waits up to `timeoutMs` for another live owner to finish. */
export async function withInstallLock<T>(
  lockDir: string,
  timeoutMs: number,
  log: (msg: string) => void,
  fn: () => Promise<T>,
): Promise<T> {
  const started = Date.now();
  let lastLog = 0;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), `${process.pid}\n`);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = ownerOf(lockDir);
    // A lock with no pid yet is one being taken this instant; give its owner a moment before calling it stale.
    const stale = owner !== undefined ? !alive(owner) : Date.now() - started > 10_000;
    if (stale) {
      log(`taking over the install lock of a run that is gone (${lockDir})`);
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() - started > timeoutMs)
      throw new Error(`another install (pid ${owner ?? '?'}) still holds ${lockDir} after ${timeoutMs / 1000} s`);
    if (Date.now() - lastLog > 30_000) {
      log(`waiting for the install of pid ${owner ?? '?'} to finish (${lockDir})`);
      lastLog = Date.now();
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
