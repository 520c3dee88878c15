// Everything the harness starts is registered here and stopped on every way out: normal end, failure, timeout,
// Ctrl-C (SIGINT), SIGTERM/SIGHUP, and an unexpected exit (process groups are killed synchronously then).
type Task = () => Promise<void>;

const tasks = new Map<number, Task>();
const groups = new Set<number>();
let nextId = 1;
let installed = false;

/** Register an async stop; returns the function that unregisters it (call it after stopping yourself). */
export function onCleanup(task: Task): () => void {
  installHandlers();
  const id = nextId++;
  tasks.set(id, task);
  return () => void tasks.delete(id);
}

/** A detached child's process group, killed with SIGKILL if we exit without stopping it. */
export function trackGroup(pgid: number): () => void {
  installHandlers();
  groups.add(pgid);
  return () => void groups.delete(pgid);
}

/** Run every registered stop, newest first, each bounded so one stuck stop cannot hang the exit. */
export async function cleanupAll(): Promise<void> {
  const pending = [...tasks.entries()].reverse();
  tasks.clear();
  for (const [, task] of pending) {
    await Promise.race([task().catch((err: unknown) => console.error(`cleanup: ${String(err)}`)), bound(15_000)]);
  }
  killGroupsNow();
}

function killGroupsNow(): void {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  groups.clear();
}

function installHandlers(): void {
  if (installed) return;
  installed = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      console.error(`\n${sig}: stopping what was started...`);
      void cleanupAll().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
    });
  }
  process.on('exit', killGroupsNow);
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Reject with a located message when a step takes longer than it may. */
export async function withTimeout<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${(ms / 1000).toFixed(0)} s`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A timer that does not keep the process alive on its own: the bound on one cleanup step. */
function bound(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
