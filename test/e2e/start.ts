// `npm start`: the product in a real VS Code on this machine. Starts code-server on 127.0.0.1 with the extension
// installed (a symlink to this repository, so `npm run build` + reload picks up changes), opens a sample workspace,
// has the extension boot the lab VM (the built-in target `lab`, setting netlink.lab.autoStart), and runs until
// Ctrl-C, then stops all of it (code-server's process group takes the extension host with it, and the lab VM
// stops once the extension host is gone: extension/src/lab/ownedProcess.ts).
// Environment: NETLINK_PORT (default: a free port), NETLINK_WORKSPACE (default: the sample workspace below),
// NETLINK_START_LAB=0 to leave the lab off (start it later with "Netlink: Start Lab VM"), NETLINK_START_RUN (default
// "start"): the name of the run's folders under .cache/e2e/runs (the test of this script uses its own).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, renameSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { cleanupAll, delay } from './harness/cleanup';
import { makeRunDirs, startCodeServer } from './harness/code-server';
import { linkExtension } from './harness/extension';
import { ensureAll } from './harness/install';
import { repoRoot, runsRoot } from './harness/paths';

function portFromEnv(): number | undefined {
  const raw = process.env.NETLINK_PORT;
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`NETLINK_PORT must be a port number 1-65535, not ${JSON.stringify(raw)}`);
  return port;
}

/** kbuild's outputs in a module folder: the sample gets the sources only. */
const BUILD_OUTPUT = /\.(o|ko|mod|mod\.c|order|symvers|cmd)$/;

/**
 * The workspace opened by default: made once from the sample logs and C file (test/fixtures/e2e) and a copy of the
 * reference module (kmod/ with its exercise file, so the module commands work at once), then left alone. What a
 * person edits or sets there (choosing a target writes .vscode/settings.json) stays theirs, out of the repository
 * and out of the test fixtures.
 */
function sampleWorkspace(run: string): string {
  const workspace = join(runsRoot, `${run}-workspace`);
  if (existsSync(workspace)) return workspace;
  const making = `${workspace}.new`;
  rmSync(making, { recursive: true, force: true });
  cpSync(join(repoRoot, 'test', 'fixtures', 'e2e'), making, { recursive: true });
  cpSync(join(repoRoot, 'kmod'), join(making, 'kmod'), {
    recursive: true,
    filter: (src) => !BUILD_OUTPUT.test(basename(src)),
  });
  renameSync(making, workspace);
  return workspace;
}

async function main(): Promise<void> {
  const run = process.env.NETLINK_START_RUN || 'start';
  if (!/^[A-Za-z0-9_-]+$/.test(run))
    throw new Error(`NETLINK_START_RUN must be letters, digits, - or _, not ${JSON.stringify(run)}`);
  const workspace = resolve(process.env.NETLINK_WORKSPACE ?? sampleWorkspace(run));
  if (!existsSync(workspace)) throw new Error(`NETLINK_WORKSPACE ${workspace} does not exist`);
  const port = portFromEnv();
  await ensureAll();
  // The user data stays from one start to the next: settings, and each workspace's builder history.
  const dirs = makeRunDirs(run, { keepUserData: true });
  linkExtension(dirs.extensionsDir, repoRoot);
  const autoStart = process.env.NETLINK_START_LAB !== '0';
  // The lab shares the repository's cache with `npm run lab` and the tests: the first boot downloads a kernel once.
  process.env.NETLINK_CACHE ??= join(repoRoot, '.cache');
  const server = await startCodeServer({
    // A machine setting: a code-server window reads it from the machine settings, not the user settings.
    dirs,
    workspace,
    machineSettings: { 'netlink.lab.autoStart': autoStart },
    ...(port !== undefined ? { port } : {}),
  });
  console.log(`\nNetlink Workbench in VS Code (code-server):\n\n  ${server.origin}/?folder=${encodeURI(workspace)}\n`);
  console.log(`  logs: ${dirs.log} and ${join(dirs.userDataDir, 'logs')}`);
  console.log('  after `npm run build`, reload the page (Developer: Reload Window) to load the new build');
  if (spawnSync('sh', ['-c', 'command -v code'], { stdio: 'ignore' }).status === 0) {
    console.log(
      `\nDesktop VS Code is installed; to run the extension there:\n  code --extensionDevelopmentPath=${repoRoot} ${workspace}`,
    );
  }
  if (autoStart) {
    console.log('\nThe extension boots the lab VM when the page opens (status bar "lab: ..."; its ssh line is in the');
    console.log('"Netlink" output channel and behind "Netlink: Copy Lab VM SSH Command").');
  }
  console.log('\nCtrl-C stops everything.\n');
  // Stay in the foreground; the cleanup handlers (SIGINT/SIGTERM/SIGHUP) stop code-server and the lab.
  // Three missed health checks in a row (not one: a busy machine answers late) mean code-server is gone.
  for (let missed = 0; ;) {
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
