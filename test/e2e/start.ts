// `npm start`: the product in a real VS Code on this machine. Starts code-server on 127.0.0.1 with the extension
// installed (a symlink to this repository, so `npm run build` + reload picks up changes), opens a sample workspace,
// boots the lab VM beside it when the lab exists, and runs until Ctrl-C, then stops all of it.
// Environment: NETLINK_PORT (default: a free port), NETLINK_WORKSPACE (default: test/fixtures/e2e),
// NETLINK_START_LAB=0 to skip the lab.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { cleanupAll, delay, onCleanup, trackGroup } from './harness/cleanup';
import { makeRunDirs, startCodeServer } from './harness/code-server';
import { linkExtension } from './harness/extension';
import { ensureAll } from './harness/install';
import { repoRoot } from './harness/paths';

function portFromEnv(): number | undefined {
  const raw = process.env.NETLINK_PORT;
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`NETLINK_PORT must be a port number 1-65535, not ${JSON.stringify(raw)}`);
  return port;
}

/** Boots the lab in its own process group, in the background; its lines are shown with a [lab] prefix. */
function startLab(): void {
  const main = join(repoRoot, 'extension', 'src', 'lab', 'main.ts');
  if (process.env.NETLINK_START_LAB === '0') return;
  if (!existsSync(main)) {
    console.log('lab: extension/src/lab/main.ts not present, not starting it');
    return;
  }
  // node directly rather than `npm run lab`, so SIGTERM reaches the lab itself and it can power the VM off.
  const lab = spawn(process.execPath, ['--import', 'tsx', main], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const pid = lab.pid;
  if (pid === undefined) {
    console.log('lab: could not start');
    return;
  }
  const untrack = trackGroup(pid);
  let exited = false;
  lab.on('exit', (code) => {
    exited = true;
    console.log(`lab: exited (code ${code ?? 'signal'})`);
  });
  createInterface({ input: lab.stdout }).on('line', (line) => {
    // The lab prints its SSH command line on stdout once the guest answers: make it stand out.
    console.log(line.startsWith('ssh ') ? `\nlab SSH:  ${line}\n` : `[lab] ${line}`);
  });
  createInterface({ input: lab.stderr }).on('line', (line) => console.log(line.startsWith('[lab]') ? line : `[lab] ${line}`));
  onCleanup(async () => {
    if (!exited) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      for (let i = 0; i < 200 && !exited; i++) await delay(100);
    }
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* group gone */
    }
    untrack();
  });
  console.log('lab: booting in the background (its SSH line follows when ready; first boot downloads a kernel)');
}

async function main(): Promise<void> {
  const workspace = resolve(process.env.NETLINK_WORKSPACE ?? join(repoRoot, 'test', 'fixtures', 'e2e'));
  if (!existsSync(workspace)) throw new Error(`NETLINK_WORKSPACE ${workspace} does not exist`);
  const port = portFromEnv();
  await ensureAll();
  const dirs = makeRunDirs('start');
  linkExtension(dirs.extensionsDir, repoRoot);
  const server = await startCodeServer({ dirs, workspace, ...(port !== undefined ? { port } : {}) });
  console.log(`\nNetlink Workbench in VS Code (code-server):\n\n  ${server.origin}/?folder=${encodeURI(workspace)}\n`);
  console.log(`  logs: ${dirs.log} and ${join(dirs.userDataDir, 'logs')}`);
  console.log('  after `npm run build`, reload the page (Developer: Reload Window) to load the new build');
  if (spawnSync('sh', ['-c', 'command -v code'], { stdio: 'ignore' }).status === 0) {
    console.log(`\nDesktop VS Code is installed; to run the extension there:\n  code --extensionDevelopmentPath=${repoRoot} ${workspace}`);
  }
  startLab();
  console.log('\nCtrl-C stops everything.\n');
  // Stay in the foreground; the cleanup handlers (SIGINT/SIGTERM/SIGHUP) stop code-server and the lab.
  // Three missed health checks in a row (not one: a busy machine answers late) mean code-server is gone.
  for (let missed = 0; ; ) {
    await delay(2_000);
    const res = await fetch(`${server.origin}/healthz`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
    missed = res?.status === 200 ? 0 : missed + 1;
    if (missed >= 3) {
      console.error(`code-server stopped answering on ${server.origin}; log ${dirs.log}:\n${server.logTail()}`);
      await cleanupAll();
      process.exit(1);
    }
  }
}

main().catch(async (err: unknown) => {
  console.error(`npm start: ${err instanceof Error ? err.message : String(err)}`);
  await cleanupAll();
  process.exit(1);
});
