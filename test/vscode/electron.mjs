// `npm run test:electron`: the same in-host suites as test:vscode, in desktop VS Code via @vscode/test-electron,
// for machines that can download VS Code (it fetches a build from Microsoft on first use; offline it fails at
// once, which is why the tier runner uses code-server instead). Run `npm run build` first.
import { runTests } from '@vscode/test-electron';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cache = join(process.env.NETLINK_CACHE ?? join(repo, '.cache'), 'e2e');
const testsPath = join(cache, 'vscode-tests-electron');

if (!existsSync(join(repo, 'dist', 'extension.js'))) {
  console.error('dist/extension.js is missing: run `npm run build` first');
  process.exit(1);
}
const built = spawnSync(process.execPath, ['--import', 'tsx', join(repo, 'test', 'vscode', 'build.ts'), testsPath], {
  cwd: repo,
  stdio: 'inherit',
});
if (built.status !== 0) process.exit(1);

const resultsFile = join(mkdtempSync(join(tmpdir(), 'netlink-electron-')), 'results.json');
let exitCode = 0;
try {
  exitCode = await runTests({
    extensionDevelopmentPath: repo,
    extensionTestsPath: testsPath,
    extensionTestsEnv: { NETLINK_VSCODE_RESULTS: resultsFile },
    // The fixtures folder is the workspace the suites expect; other installed extensions stay off.
    launchArgs: [join(repo, 'test', 'fixtures', 'e2e'), '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (err) {
  console.error(`test:electron: ${err instanceof Error ? err.message : String(err)}`);
  exitCode = 1;
}
const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : [];
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed + (exitCode !== 0 && results.every((r) => r.ok) ? 1 : 0);
console.log(`ℹ tests ${passed + failed}`);
console.log(`ℹ pass ${passed}`);
console.log(`ℹ fail ${failed}`);
process.exit(failed === 0 ? 0 : 1);
