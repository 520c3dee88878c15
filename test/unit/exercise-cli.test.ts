// `exercise run`'s pure parts: its arguments (each mistake a clear one-line error, exit 2 from the CLI), the TAP 13
// and JUnit XML it writes (escaped, counted, one subtest / testsuite per kernel), and the targets file it reads.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { ExerciseUsageError, parseExerciseRunArgs } from '../../extension/src/exerciseCli/args';
import { formatJunit } from '../../extension/src/exerciseCli/junit';
import type { CaseReport, SuiteReport } from '../../extension/src/exerciseCli/report';
import { formatTap } from '../../extension/src/exerciseCli/tap';
import { targetsFromText } from '../../extension/src/exerciseCli/targetsFile';

const root = join(__dirname, '../..');

function usageError(args: string[], message: RegExp): void {
  assert.throws(
    () => parseExerciseRunArgs(args),
    (e: unknown) => e instanceof ExerciseUsageError && message.test(e.message),
    `${args.join(' ')} should fail with ${message}`,
  );
}

describe('exercise run arguments', () => {
  it('--lab alone is the default kernel, and a following file stays a file', () => {
    const a = parseExerciseRunArgs(['--lab', 'kmod/exercises/nlreply.yaml', '--build']);
    assert.deepEqual(a.files, ['kmod/exercises/nlreply.yaml']);
    assert.deepEqual(a.where, { kind: 'lab', kernels: [{ label: 'default', arch: 'x86_64' }] });
    assert.equal(a.build, true);
    assert.equal(a.verbose, false);
  });

  it('a kernel list gives series and architectures in order', () => {
    const a = parseExerciseRunArgs(['x.yaml', '--lab', '6.1,6.12,arm64', '--jobs', '2']);
    assert.deepEqual(a.where, {
      kind: 'lab',
      kernels: [
        { label: '6.1', series: '6.1', arch: 'x86_64' },
        { label: '6.12', series: '6.12', arch: 'x86_64' },
        { label: 'arm64', arch: 'aarch64' },
      ],
    });
    assert.equal(a.jobs, 2);
    const b = parseExerciseRunArgs(['--lab=default,6.12-arm64', 'x.yaml']);
    assert.deepEqual(b.where, {
      kind: 'lab',
      kernels: [
        { label: 'default', arch: 'x86_64' },
        { label: '6.12-arm64', series: '6.12', arch: 'aarch64' },
      ],
    });
  });

  it('--target with a targets file, module options with --build', () => {
    const a = parseExerciseRunArgs([
      'a.yaml',
      'b.yml',
      '--target',
      'pi',
      '--targets-file',
      't.json',
      '--build',
      '--module',
      'mod',
      '--param',
      'protocol=30',
      '--ynl-generator=linux/tools/net/ynl/ynl-gen-c.py',
      '--junit',
      'out.xml',
      '--verbose',
    ]);
    assert.deepEqual(a, {
      files: ['a.yaml', 'b.yml'],
      where: { kind: 'target', name: 'pi', targetsFile: 't.json' },
      build: true,
      verbose: true,
      params: ['protocol=30'],
      moduleDir: 'mod',
      ynlGenerator: 'linux/tools/net/ynl/ynl-gen-c.py',
      junit: 'out.xml',
    });
  });

  it('says what is wrong, one mistake at a time', () => {
    usageError(['--lab'], /^no exercise FILE given$/);
    usageError(['x.yaml'], /^say where to run: --target NAME or --lab/);
    usageError(['x.yaml', '--lab', '--target', 'a'], /exclude each other/);
    usageError(['x.yaml', '--lab', '6.1,7'], /^--lab: unknown kernel "7"/);
    usageError(['x.yaml', '--lab=6.1,,6.12'], /^--lab: empty kernel name/);
    usageError(['x.yaml', '--lab', '6.1,6.1'], /^--lab: kernel 6.1 is named twice$/);
    usageError(['x.yaml', '--lab', 'arm64,aarch64'], /^--lab: kernel aarch64 is named twice$/);
    usageError(['x.yaml', '--lab', '--jobs', '0'], /^--jobs takes a number from 1 to 64, not "0"$/);
    usageError(['x.yaml', '--target', 'a', '--jobs', '2'], /^--jobs goes with --lab$/);
    usageError(['x.yaml', '--target'], /^--target needs a value$/);
    usageError(['x.yaml', '--lab', '--targets-file', 'f'], /^--targets-file goes with --target$/);
    usageError(['x.yaml', '--lab', '--module', 'm'], /^--module goes with --build$/);
    usageError(['x.yaml', '--lab', '--ynl-generator', 'g.py'], /^--ynl-generator goes with --build$/);
    usageError(['x.yaml', '--lab', '--build', '--ynl-generator'], /^--ynl-generator needs a value$/);
    usageError(
      ['x.yaml', '--lab', '--build', '--ynl-generator=a', '--ynl-generator=b'],
      /^--ynl-generator is given twice$/,
    );
    usageError(['x.yaml', '--lab', '--build', '--param', 'a b'], /^--param takes NAME=VALUE without spaces/);
    usageError(['x.yaml', '--lab', '--build=yes'], /^--build takes no value$/);
    usageError(['x.yaml', '--lab', '--lab'], /^--lab is given twice$/);
    usageError(['x.yaml', '--lab', '--bogus'], /^unknown option --bogus$/);
  });

  it('the CLI exits 2 with the reason on stderr and nothing on stdout', () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(root, 'extension/src/cli.ts'), 'exercise', 'run', 'x.yaml', '--lab', '6.1,7'],
      { cwd: root, encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^exercise: --lab: unknown kernel "7" .*\(netlink-decode exercise --help\)\n$/);
  });
});

const pass: CaseReport = {
  name: 'nlreply: acked',
  group: 'kmod/exercises/nlreply.yaml',
  status: 'pass',
  message: 'passed: acknowledged',
  details: 'sent ...',
  durationMs: 12,
  file: 'kmod/exercises/nlreply.yaml',
  line: 10,
};
const fail: CaseReport = {
  ...pass,
  name: 'nlreply: step #2\nsecond line',
  status: 'fail',
  message: 'expected 1 reply, got 0\nnote: \x1b[31mred',
  details: 'sent (protocol 31): 1000\nreceived nothing',
  line: 20,
};
const error: CaseReport = { ...pass, name: 'nlreply: no helper', status: 'error', message: 'no connection' };
const skip: CaseReport = { ...pass, name: 'nlreply: later', status: 'skip', message: 'the lab did not boot' };

/** The YAML block under the point at line index `i` (between "---" and "..."), parsed. */
function yamlBlockAt(lines: string[], i: number, indent: string): Record<string, unknown> {
  assert.equal(lines[i + 1], `${indent}  ---`);
  const end = lines.indexOf(`${indent}  ...`, i + 2);
  assert.ok(end > i, 'the block is closed');
  const body = lines.slice(i + 2, end).map((l) => l.slice(indent.length + 2));
  return parse(body.join('\n')) as Record<string, unknown>;
}

describe('TAP 13 output', () => {
  it('one suite: plan, points, a YAML block under each failure, SKIP, totals', () => {
    const out = formatTap([{ name: 'lab default', cases: [pass, fail, error, skip], durationMs: 1000 }]);
    const lines = out.split('\n');
    assert.equal(lines[0], 'TAP version 13');
    assert.equal(lines[1], '1..4');
    assert.equal(lines[2], 'ok 1 - nlreply: acked');
    // One line, the directive character escaped so a TAP reader does not see a directive.
    assert.equal(lines[3], 'not ok 2 - nlreply: step \\#2 second line');
    const block = yamlBlockAt(lines, 3, '');
    assert.deepEqual(block, {
      message: 'expected 1 reply, got 0\nnote: \\x1b[31mred',
      severity: 'fail',
      duration_ms: 12,
      file: 'kmod/exercises/nlreply.yaml',
      line: 20,
      details: 'sent (protocol 31): 1000\nreceived nothing',
    });
    const errAt = lines.indexOf('not ok 3 - nlreply: no helper');
    assert.equal(yamlBlockAt(lines, errAt, '').severity, 'error');
    assert.ok(lines.includes('ok 4 - nlreply: later # SKIP the lab did not boot'));
    assert.equal(lines.at(-2), '# pass 1 fail 1 error 1 skip 1');
    assert.ok(!/\x1b/.test(out), 'no escape character reaches the terminal');
  });

  it('several suites: one subtest each, indented, closed by a point of the outer plan', () => {
    const suites: SuiteReport[] = [
      { name: 'lab 6.1 (6.1.0-57-amd64, x86_64)', cases: [pass], durationMs: 1 },
      { name: 'lab arm64 (6.1.0-57-arm64, aarch64)', cases: [pass, fail], durationMs: 1 },
    ];
    const lines = formatTap(suites).split('\n');
    assert.deepEqual(lines.slice(0, 7), [
      'TAP version 13',
      '1..2',
      '    # Subtest: lab 6.1 (6.1.0-57-amd64, x86_64)',
      '    1..1',
      '    ok 1 - nlreply: acked',
      'ok 1 - lab 6.1 (6.1.0-57-amd64, x86_64)',
      '    # Subtest: lab arm64 (6.1.0-57-arm64, aarch64)',
    ]);
    const inner = lines.indexOf('    not ok 2 - nlreply: step \\#2 second line');
    assert.equal(yamlBlockAt(lines, inner, '    ').line, 20);
    const outer = lines.indexOf('not ok 2 - lab arm64 (6.1.0-57-arm64, aarch64)');
    assert.ok(outer > inner);
    assert.deepEqual(yamlBlockAt(lines, outer, ''), { message: '1 of 2 failed' });
  });
});

describe('JUnit XML output', () => {
  it('one testsuite per suite with counts, failure / error / skipped, text escaped for XML', () => {
    const xml = formatJunit([
      { name: 'lab 6.1', cases: [pass, fail], durationMs: 2500 },
      { name: 'lab <arm64> & "x"', cases: [error, skip], durationMs: 500 },
    ]);
    const lines = xml.split('\n');
    assert.equal(lines[0], '<?xml version="1.0" encoding="UTF-8"?>');
    assert.equal(
      lines[1],
      '<testsuites name="netlink exercises" tests="4" failures="1" errors="1" skipped="1" time="3.000">',
    );
    assert.ok(
      lines.includes('  <testsuite name="lab 6.1" tests="2" failures="1" errors="0" skipped="0" time="2.500">'),
    );
    assert.ok(
      lines.includes(
        '  <testsuite name="lab &lt;arm64&gt; &amp; &quot;x&quot;" tests="2" failures="0" errors="1" skipped="1" time="0.500">',
      ),
    );
    assert.ok(
      lines.includes(
        '    <testcase classname="lab 6.1.kmod/exercises/nlreply.yaml" name="nlreply: acked" time="0.012" file="kmod/exercises/nlreply.yaml" line="10"/>',
      ),
    );
    assert.match(xml, /<failure message="expected 1 reply, got 0">expected 1 reply, got 0\nnote: \\x1b\[31mred\n\n/);
    assert.match(xml, /<error message="no connection">/);
    assert.match(xml, /<skipped message="the lab did not boot"\/>/);
    // XML 1.0 cannot carry C0 controls other than tab, LF and CR, not even as character references.
    assert.ok(!/[\x00-\x08\x0b\x0c\x0e-\x1f]/.test(xml));
    assert.equal((xml.match(/<testcase /g) ?? []).length, 4);
    assert.equal(lines.at(-2), '</testsuites>');
  });
});

describe('targets file', () => {
  const entry = { name: 'pi', destination: 'pi@127.0.0.1:2222', useSudo: false };

  it('reads netlink.targets of a settings file, or an array', () => {
    const fromSettings = targetsFromText(JSON.stringify({ 'netlink.targets': [entry], other: 1 }), 's.json');
    assert.equal(fromSettings[0]?.name, 'pi');
    assert.equal(fromSettings[0]?.buildMode, 'remote');
    assert.equal(targetsFromText(JSON.stringify([entry]), 'a.json')[0]?.destination, 'pi@127.0.0.1:2222');
  });

  it('names the file and the setting that is wrong', () => {
    assert.throws(
      () => targetsFromText('{ // comment\n}', 'settings.json'),
      /^Error: settings\.json: not JSON .*give --targets-file a JSON copy$/,
    );
    assert.throws(() => targetsFromText('{}', 's.json'), /^Error: s\.json: has no "netlink\.targets"$/);
    assert.throws(
      () => targetsFromText(JSON.stringify([{ ...entry, buildMode: 'cloud' }]), 's.json'),
      /^Error: s\.json: netlink\.targets\[0\]\.buildMode: must be "remote" or "local-headers"/,
    );
  });
});

describe("the sample workspace's CI workflow", () => {
  it('runs exercise run with the kernel matrix, --build and --junit: arguments the CLI accepts', () => {
    const file = join(root, 'test/fixtures/e2e/.github/workflows/exercises.yml');
    const wf = parse(readFileSync(file, 'utf8')) as {
      jobs: Record<string, { steps: { name?: string; run?: string }[] }>;
    };
    const runs = Object.values(wf.jobs)
      .flatMap((j) => j.steps)
      .map((s) => s.run ?? '')
      .filter((r) => r.includes(' exercise run '));
    assert.equal(runs.length, 1, 'one step runs the exercises');
    const words = runs[0]!.trim().split(/\s+/);
    assert.deepEqual(words.slice(0, 4), ['node', '.netlink-workbench/dist/cli.js', 'exercise', 'run']);
    const args = parseExerciseRunArgs(words.slice(4));
    assert.deepEqual(args.where.kind === 'lab' ? args.where.kernels.map((k) => `${k.label}/${k.arch}`) : [], [
      '6.1/x86_64',
      '6.12/x86_64',
      'arm64/aarch64',
    ]);
    assert.equal(args.build, true);
    assert.equal(args.junit, 'exercise-results.xml');
    assert.deepEqual(args.files, ['kmod/exercises/*.yaml']);
  });
});
