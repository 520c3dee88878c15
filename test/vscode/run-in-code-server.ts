// `npm run test:vscode`: install code-server + chromium if missing, bundle the in-host suites, run them in the
// extension host of a real VS Code (code-server), and print node:test-style results so the tier runner counts them.
// Two sessions: the trusted one (index.ts: hover, decode, targets, the module loop in the lab VM) and an untrusted
// one (index-untrusted.ts: Workspace Trust on, the folder not trusted). Each opens a throwaway copy of
// test/fixtures/e2e, so what the suites write into the folder (.vscode/settings.json) never reaches the repository.
// Flags for developing the harness itself: --extension DIR (default: the repo), --suites ENTRY.ts (the trusted
// session's entry), --only trusted|untrusted. NETLINK_VSCODE_RUN_NAME names the run folders (default vscode), so
// two runs on one machine do not share them.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LAB_HOST_PACKAGES } from '../../extension/src/lab/hostPackages';
import { prepareKernel } from '../../extension/src/lab/kernel';
import { runInHost } from '../e2e/harness/in-host';
import { ensureAll, ensureAptPackages } from '../e2e/harness/install';
import { cacheRoot, repoRoot } from '../e2e/harness/paths';
import { buildSuites } from './build';
import { UNTRUSTED_MACHINE_SETTINGS, UNTRUSTED_USER_SETTINGS, untrustedFolderSettings } from './untrusted-settings';
import { addWorkspaceSpecs } from './workspace-specs';

/** The lab cache the extension in code-server boots from (NETLINK_CACHE reaches it through the environment). */
const labCache = process.env.NETLINK_CACHE ?? join(repoRoot, '.cache');

const fixtures = join(repoRoot, 'test', 'fixtures', 'e2e');

/**
 * A throwaway copy of the fixtures folder with the workspace's own spec files (workspace-specs.ts), the seed's
 * textbook C, and
 * `settings(dir)` as its .vscode/settings.json when given.
 */
function workspaceCopy(parent: string, name: string, settings?: (dir: string) => object): string {
  const dir = join(parent, name);
  cpSync(fixtures, dir, { recursive: true });
  // The seed's textbook C, for lint.suite.ts: one copy of it in the repository, the lint fixture.
  cpSync(join(repoRoot, 'test', 'fixtures', 'lint', 'seed-textbook.c'), join(dir, 'seed-textbook.c'));
  addWorkspaceSpecs(dir);
  if (settings) {
    mkdirSync(join(dir, '.vscode'), { recursive: true });
    writeFileSync(join(dir, '.vscode', 'settings.json'), JSON.stringify(settings(dir), null, 2));
  }
  return dir;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { extension: { type: 'string' }, suites: { type: 'string' }, only: { type: 'string' } },
  });
  if (values.only !== undefined && values.only !== 'trusted' && values.only !== 'untrusted')
    throw new Error(`--only ${values.only}: expected trusted or untrusted`);
  const runName = process.env.NETLINK_VSCODE_RUN_NAME || 'vscode';
  if (!/^[A-Za-z0-9_-]+$/.test(runName))
    throw new Error(`NETLINK_VSCODE_RUN_NAME ${JSON.stringify(runName)}: letters, digits, _ and - only`);
  const extensionPath = resolve(values.extension ?? repoRoot);
  const main = join(extensionPath, 'dist', 'extension.js');
  if (!values.extension && !existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  const t0 = Date.now();
  await ensureAll();
  // The module-loop suite boots the lab VM from inside the extension host: its packages and kernel (a download
  // the first time) are fetched here, outside the suite's timeouts.
  await ensureAptPackages(LAB_HOST_PACKAGES);
  process.env.NETLINK_CACHE = labCache;
  const kernel = await prepareKernel({ cacheDir: labCache, log: (l) => console.log(`[lab] ${l}`), prefer: 'auto' });
  console.log(`[lab] kernel ${kernel.release}, cache ${labCache}`);
  const workspaces = mkdtempSync(join(tmpdir(), 'netlink-vscode-ws-'));
  const runs: { label: string; run: Awaited<ReturnType<typeof runInHost>> }[] = [];
  try {
    if (values.only !== 'trusted') {
      // Seconds: no VM, a few small tests. First, so a failure here shows even when the lab run takes long.
      const testsPath = await buildSuites(
        join(cacheRoot, `${runName}-untrusted-tests`),
        join(__dirname, 'index-untrusted.ts'),
      );
      runs.push({
        label: 'untrusted session',
        run: await runInHost({
          extensionPath,
          testsPath,
          workspace: workspaceCopy(workspaces, 'untrusted', untrustedFolderSettings),
          runName: `${runName}-untrusted`,
          settings: { ...UNTRUSTED_USER_SETTINGS },
          machineSettings: { ...UNTRUSTED_MACHINE_SETTINGS },
          workspaceTrust: true,
          timeoutMs: 120_000,
        }),
      });
    }
    if (values.only !== 'untrusted') {
      const testsPath = await buildSuites(
        join(cacheRoot, `${runName}-tests`),
        values.suites ? resolve(values.suites) : undefined,
      );
      runs.push({
        label: 'trusted session',
        run: await runInHost({
          extensionPath,
          testsPath,
          workspace: workspaceCopy(workspaces, 'trusted'),
          runName,
          // ~1 min for hover, decode and targets, up to ~7 min for the module loop (a TCG boot on 2 cores is the most).
          timeoutMs: 600_000,
        }),
      });
    }
  } finally {
    rmSync(workspaces, { recursive: true, force: true });
  }
  let passed = 0;
  let failed = 0;
  for (const { label, run } of runs) {
    const r = report(label, run);
    passed += r.passed;
    failed += r.failed;
  }
  console.log(`ℹ tests ${passed + failed}`);
  console.log(`ℹ pass ${passed}`);
  console.log(`ℹ fail ${failed}`);
  console.log(`ℹ duration_ms ${Date.now() - t0}`);
  return failed === 0 ? 0 : 1;
}

/** Prints one session's results; the counts include its no-outside-traffic check and a missing report. */
function report(label: string, run: Awaited<ReturnType<typeof runInHost>>): { passed: number; failed: number } {
  const results = run.results ?? [];
  for (const r of results) {
    console.log(`${r.ok ? '✔' : '✖'} ${r.name} (${r.ms}ms)`);
    if (!r.ok && r.error) console.log(`  ${r.error.split('\n').join('\n  ')}`);
  }
  let failed = results.filter((r) => !r.ok).length;
  let passed = results.length - failed;
  // Zero outside traffic is part of the contract of these runs: count it as a test of its own.
  if (run.outsideRequests.length === 0) {
    console.log(`✔ ${label}: no request outside 127.0.0.1`);
    passed += 1;
  } else {
    console.log(`✖ ${label}: requests outside 127.0.0.1 (blocked):\n  ${run.outsideRequests.join('\n  ')}`);
    failed += 1;
  }
  if (run.results === undefined || (run.exitCode !== 0 && failed === 0)) {
    // The suite did not report: it did not load or the host crashed. Show what the workbench said.
    console.log(`✖ ${label}: in-host suite did not report results (exit code ${run.exitCode})`);
    console.log(run.log.slice(-40).join('\n'));
    failed += 1;
  }
  return { passed, failed };
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`test:vscode: ${err instanceof Error ? err.message : String(err)}`);
    console.log('ℹ pass 0');
    console.log('ℹ fail 1');
    process.exit(1);
  },
);
