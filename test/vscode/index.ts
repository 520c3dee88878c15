// The extensionTestsPath module: VS Code's extension host requires it and awaits run(); a rejection is exit code 1.
// Used unchanged by code-server's smoke-test driver (test/vscode/run.sh) and by @vscode/test-electron.
import { writeFileSync } from 'node:fs';
import { runRegistered } from './runner';
import './suites/hover.suite';
import './suites/decode.suite';
// Last: it boots the lab VM, the slow part of the run.
import './suites/module-loop.suite';

export async function run(): Promise<void> {
  const results = await runRegistered((line) => console.log(line));
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  // The harness outside reads this file for per-test lines (the extension host's console is not its stdout).
  const resultsFile = process.env.NETLINK_VSCODE_RESULTS;
  if (resultsFile) writeFileSync(resultsFile, JSON.stringify(results, null, 2));
  console.log(`${passed} passed, ${failed} failed`);
  if (failed > 0) throw new Error(`${failed} of ${results.length} in-host tests failed`);
}
