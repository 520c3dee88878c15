// pyroute2, the second reader the benches compare against: Debian's python3 with python3-pyroute2.
import { spawnSync } from 'node:child_process';
import type { Reporter } from './section';

export const PYTHON = '/usr/bin/python3';

/** Debian's python3 with pyroute2; installs python3-pyroute2 with apt-get when missing (root only). */
export function ensurePyroute2(report: Reporter): boolean {
  const probe = (): boolean => spawnSync(PYTHON, ['-c', 'import pyroute2'], { timeout: 30_000 }).status === 0;
  if (probe()) return true;
  if (process.getuid?.() !== 0) {
    report.note('pyroute2 comparison skipped: python3-pyroute2 is not installed and installing needs root');
    return false;
  }
  const apt = (args: string[]): number | null =>
    spawnSync('apt-get', args, {
      stdio: 'ignore',
      timeout: 600_000,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status;
  if (apt(['install', '-y', '-q', 'python3-pyroute2']) !== 0) apt(['update', '-q']);
  if (!probe() && apt(['install', '-y', '-q', 'python3-pyroute2']) !== 0) {
    report.note('pyroute2 comparison skipped: apt-get install python3-pyroute2 failed');
    return false;
  }
  return probe();
}
