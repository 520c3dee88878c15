// `node dist/cli.js exercise run ... --lab default --build` as CI runs it: the CLI boots the lab's default kernel,
// builds the reference module for it, loads it, runs kmod/'s exercises through the helper session, prints TAP and
// JUnit, and stops the VM. A failing exercise gives `not ok` and exit 1; Ctrl-C stops the VM (no QEMU left).
// The kernel matrix (--lab 6.1,6.12,arm64) is run by hand for its figures (README): an arm64 guest under TCG takes
// minutes, more than this tier's budget.
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, tapYamlAt, type CliRun } from '../support/exerciseCli';
import { REPO } from './labFixture';

const CLI = path.join(REPO, 'dist', 'cli.js');
const EXERCISE = path.join(REPO, 'kmod', 'exercises', 'nlreply.yaml');
const KMOD = path.join(REPO, 'kmod');

const running = new Set<ChildProcess>();

/** Runs the CLI; `onStderr` sees stderr as it comes (to interrupt at the right moment). */
const cli = (args: string[], onStderr?: (all: string, child: ChildProcess) => void): Promise<CliRun> =>
  runCli(CLI, args, {
    cwd: REPO,
    timeoutMs: 480_000,
    timeoutSignal: 'SIGINT',
    running,
    ...(onStderr ? { onStderr } : {}),
  });

/** QEMU processes forwarding this host port (the VM of one run). */
function qemuWithPort(port: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return ps.stdout.split('\n').filter((l) => /qemu-system/.test(l) && l.includes(`127.0.0.1:${port}-:22`));
}

describe('exercise run --lab default (CLI, lab VM)', () => {
  let tmp = '';

  before(() => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run the tier with bash test/lab/run.sh (it builds it)`);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'exercise-cli-'));
  });

  after(() => {
    // A test that failed half-way must not leave a CLI (and its VM) behind.
    for (const c of running) c.kill('SIGKILL');
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('--build: the module is built and loaded, every step ok, JUnit written, exit 0', async (t) => {
    const junit = path.join(tmp, 'lab.xml');
    const t0 = Date.now();
    const r = await cli(['exercise', 'run', EXERCISE, '--lab', 'default', '--build', '--junit', junit]);
    t.diagnostic(`exercise run took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.deepEqual(r.stdout.split('\n').slice(0, 9), [
      'TAP version 13',
      '1..6',
      'ok 1 - build and load the module in kmod',
      'ok 2 - nlreply: with NLM_F_ACK one NLMSG_DONE from the kernel names our port',
      'ok 3 - nlreply: without NLM_F_ACK nothing comes back',
      'ok 4 - nlreply: a text payload is echoed after the port',
      'ok 5 - nlreply: non-printable payload bytes are shown as dots',
      'ok 6 - nlreply: two messages in one datagram get two replies in order',
      '# pass 6 fail 0 error 0 skip 0',
    ]);
    assert.match(r.stderr, /nlreply loaded \(.*protocol=31.*\)/);
    assert.match(r.stderr, /: stopped\n/);
    const xml = readFileSync(junit, 'utf8');
    assert.match(
      xml,
      /<testsuite name="lab default \([^)]+, x86_64\)" tests="6" failures="0" errors="0" skipped="0" time="\d+\.\d{3}">/,
    );
  });

  test('a failing exercise: not ok with the reason in YAML, exit 1', async () => {
    const wrong = path.join(tmp, 'nlreply-wrong.yaml');
    writeFileSync(
      wrong,
      [
        'name: nlreply wrong',
        'protocol: 31',
        'steps:',
        '  - name: the reply says goodbye (it does not)',
        '    send: {flags: REQUEST|ACK, text: hello}',
        '    expect: {reply: {text: goodbye}}',
        '',
      ].join('\n'),
    );
    const r = await cli(['exercise', 'run', wrong, '--lab', '--build', '--module', KMOD]);
    assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
    const lines = r.stdout.split('\n');
    assert.equal(lines[2], 'ok 1 - build and load the module in kmod');
    assert.equal(lines[3], 'not ok 2 - nlreply wrong: the reply says goodbye (it does not)');
    const block = tapYamlAt(lines, 3);
    assert.equal(block.severity, 'fail');
    assert.match(String(block.message), /text .*"message from port \d+ processed by kernel: hello".*goodbye/);
    assert.equal(block.line, 4);
  });

  test('Ctrl-C while the VM runs: the CLI stops it and exits 130, no QEMU is left', async () => {
    let port = '';
    let interrupted = false;
    const r = await cli(['exercise', 'run', EXERCISE, '--lab', '--verbose'], (all, child) => {
      port ||= /hostfwd=tcp:127\.0\.0\.1:(\d+)-:22/.exec(all)?.[1] ?? '';
      if (!interrupted && /: ready after /.test(all)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    assert.ok(interrupted, `the VM never became ready:\n${r.stderr}`);
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /SIGINT: stopping the run and every lab VM/);
    assert.ok(port, 'the QEMU command line was logged');
    assert.deepEqual(qemuWithPort(port), []);
  });
});
