// A child that must not outlive this process, however this process ends: a crash, or SIGKILL from whoever owns it
// (code-server killing its extension host's group on Ctrl-C, which skips every 'exit' handler). Linux's
// PR_SET_PDEATHSIG is out of Node's reach, so a small sh runs the program and also watches a pipe whose only
// writer is this process: when the pipe reaches end of file we are gone, and the watcher sends the program
// SIGTERM. The sh is the leader of a process group of its own (a terminal's Ctrl-C reaches only us, and we stop
// the program in order); signal the group, not the sh alone, to reach the program.
import { spawn, type ChildProcess } from 'node:child_process';

const WATCH = [
  // Asynchronous lists get /dev/null as stdin: hand the watcher our pipe on fd 3 instead.
  'exec 3<&0',
  '"$@" </dev/null 3<&- &',
  'p=$!',
  '{ while read -r _; do :; done; kill -TERM "$p" 2>/dev/null; } <&3 &',
  'w=$!',
  'exec 3<&-',
  'wait "$p"',
  's=$?',
  'kill "$w" 2>/dev/null',
  'exit "$s"',
].join('\n');

/** Starts argv owned by this process: stdin unused, stdout and stderr piped, its own process group. */
export function spawnOwned(argv: readonly string[]): ChildProcess {
  const [program, ...args] = argv;
  if (program === undefined) throw new Error('spawnOwned: empty argv');
  return spawn('sh', ['-c', WATCH, 'owned', program, ...args], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
}

/** Signals the whole group of a child from spawnOwned (the program, its sh and the watcher). */
export function signalOwned(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
}
