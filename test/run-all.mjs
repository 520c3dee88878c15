// README's test command ends here: build once, then run every tier in order, each installing what it needs.
// Prints one closing line "tests: N passed, N failed" summed over the tiers; exits non-zero if any tier failed.
import { spawn } from 'node:child_process';

const tiers = (process.env.NETLINK_TEST_TIERS ?? 'unit,native,ssh,lab,vscode,e2e').split(',').filter(Boolean);

function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let passed = 0;
    let failed = 0;
    const count = (chunk, out) => {
      out.write(chunk);
      for (const line of chunk.toString().split('\n')) {
        // node:test spec reporter closing lines, e.g. "ℹ pass 12"
        const m = /^(?:ℹ|#) (pass|fail) (\d+)\s*$/.exec(line.trim());
        if (m) m[1] === 'pass' ? (passed += Number(m[2])) : (failed += Number(m[2]));
      }
    };
    child.stdout.on('data', (c) => count(c, process.stdout));
    child.stderr.on('data', (c) => count(c, process.stderr));
    child.on('close', (code) => resolve({ code: code ?? 1, passed, failed }));
  });
}

const started = Date.now();
const build = await run('npm', ['run', 'build']);
if (build.code !== 0) {
  console.log('build failed');
  console.log('tests: 0 passed, 1 failed');
  process.exit(1);
}
let passed = 0;
let failed = 0;
const report = [];
// Types are checked apart from the build (esbuild strips them): a type error fails the run too.
const types = await run('npm', ['run', 'typecheck']);
if (types.code !== 0) {
  failed++;
  report.push('typecheck: failed');
}
// The lint (type-aware rules, the import boundaries) and the formatter's check fail the run the same way.
const lint = await run('npm', ['run', 'lint']);
if (lint.code !== 0) {
  failed++;
  report.push('lint: failed');
}
if (tiers.includes('unit')) {
  // The unit tier skips the kernel-spec tests when the specs are not cached (the edit loop stays offline);
  // the full run fetches them first and requires them.
  const fetch = await run('bash', ['test/fixtures/ynl/fetch-specs.sh']);
  if (fetch.code !== 0) report.push('kernel YNL specs: fetch failed, their tests will fail');
  process.env.NETLINK_REQUIRE_KERNEL_SPECS = '1';
}
for (const tier of tiers) {
  const t0 = Date.now();
  console.log(`\n=== tier ${tier} ===`);
  const r = await run('npm', ['run', `test:${tier}`]);
  passed += r.passed;
  // A tier that exits non-zero without reporting a failing test (a setup error) still counts as a failure.
  const tierFailed = r.failed + (r.code !== 0 && r.failed === 0 ? 1 : 0);
  failed += tierFailed;
  report.push(`${tier}: ${r.passed} passed, ${tierFailed} failed, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
console.log('\n=== summary ===');
for (const line of report) console.log(line);
console.log(`total time ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
