// `npm run test:vscode`: install code-server + chromium if missing, bundle the in-host suites, run them in the
// extension host of a real VS Code (code-server), and print node:test-style results so the tier runner counts them.
// Flags for developing the harness itself: --extension DIR (default: the repo), --suites ENTRY.ts.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LAB_HOST_PACKAGES } from '../../extension/src/lab/debianPackages';
import { prepareKernel } from '../../extension/src/lab/kernel';
import { runInHost } from '../e2e/harness/in-host';
import { ensureAll, ensureAptPackages } from '../e2e/harness/install';
import { cacheRoot, repoRoot } from '../e2e/harness/paths';
import { buildSuites } from './build';

/** The lab cache the extension in code-server boots from (NETLINK_CACHE reaches it through the environment). */
const labCache = process.env.NETLINK_CACHE ?? join(repoRoot, '.cache');

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { extension: { type: 'string' }, suites: { type: 'string' } } });
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
  const testsPath = await buildSuites(join(cacheRoot, 'vscode-tests'), values.suites ? resolve(values.suites) : undefined);
  const run = await runInHost({
    extensionPath,
    testsPath,
    workspace: join(repoRoot, 'test', 'fixtures', 'e2e'),
    runName: 'vscode',
    // ~40 s for the hover and decode suites, up to ~6 min for the module loop (a TCG boot on 2 cores is the most).
    timeoutMs: 540_000,
  });
  const results = run.results ?? [];
  for (const r of results) {
    console.log(`${r.ok ? '✔' : '✖'} ${r.name} (${r.ms}ms)`);
    if (!r.ok && r.error) console.log(`  ${r.error.split('\n').join('\n  ')}`);
  }
  let failed = results.filter((r) => !r.ok).length;
  let passed = results.length - failed;
  // Zero outside traffic is part of the contract of these runs: count it as a test of its own.
  if (run.outsideRequests.length === 0) {
    console.log('✔ no request outside 127.0.0.1');
    passed += 1;
  } else {
    console.log(`✖ requests outside 127.0.0.1 (blocked):\n  ${run.outsideRequests.join('\n  ')}`);
    failed += 1;
  }
  if (run.results === undefined || (run.exitCode !== 0 && failed === 0)) {
    // The suite did not report: it did not load or the host crashed. Show what the workbench said.
    console.log(`✖ in-host suite did not report results (exit code ${run.exitCode})`);
    console.log(run.log.slice(-40).join('\n'));
    failed += 1;
  }
  console.log(`ℹ tests ${passed + failed}`);
  console.log(`ℹ pass ${passed}`);
  console.log(`ℹ fail ${failed}`);
  console.log(`ℹ duration_ms ${Date.now() - t0}`);
  return failed === 0 ? 0 : 1;
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
