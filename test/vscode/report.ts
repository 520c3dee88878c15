// What every extensionTestsPath entry (index.ts, index-untrusted.ts) exports as run(): the registered tests, their
// results written where the harness outside reads them, a rejection (exit code 1) when one failed.
import { writeFileSync } from 'node:fs';
import { runRegistered } from './runner';

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
