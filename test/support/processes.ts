// This machine's processes as the tests look at them from /proc: which ones run a command, and whether one is
// still running. For tests that check a VM or a server is gone after whoever owned it stopped or was killed.
import { readdirSync, readFileSync } from 'node:fs';

/** A process's command line, words joined by spaces ('' once it is gone). */
export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** PIDs (not this one) whose command line contains `needle`, as pgrep -f would, or starts with it (`program`). */
export function pidsWith(needle: string, opts: { program?: boolean } = {}): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((pid) => {
      if (pid === process.pid) return false;
      const command = commandOf(pid);
      return opts.program ? command.startsWith(needle) : command.includes(needle);
    });
}

/** Still running: there, and not a zombie waiting to be reaped. */
export function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
