// `node dist/cli.js exercise run --target NAME` against the test sshd: targets read from a settings file, the helper
// deployed and run through the target layer, and rtnetlink of this machine's kernel answering (this machine cannot
// load modules, so the exercises are ones that need none). Exit statuses, TAP and JUnit as CI reads them; and
// `--build` on a target that cannot build and load a module: the build is `not ok`, the steps skipped, exit 1.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, tapYamlAt, type CliRun } from '../support/exerciseCli';
import { repoRoot, useRemote, type Remote } from './fixture';

const CLI = path.join(repoRoot, 'dist', 'cli.js');
const CACHE = process.env.NETLINK_CACHE || path.join(repoRoot, '.cache');

/** The headers of a Debian amd64 kernel the lab tier unpacked into the cache, if any. */
function debianHeaders(): string | undefined {
  const kernels = path.join(CACHE, 'kernels');
  if (!existsSync(kernels)) return undefined;
  for (const release of readdirSync(kernels).filter((r) => /-amd64$/.test(r))) {
    const dir = path.join(kernels, release, 'usr', 'src', `linux-headers-${release}`);
    if (existsSync(path.join(dir, 'Makefile'))) return dir;
  }
  return undefined;
}
const FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'exercises');

const cli = (args: string[], timeoutMs = 120_000): Promise<CliRun> => runCli(CLI, args, { cwd: repoRoot, timeoutMs });

describe('exercise run --target (ssh)', () => {
  let remote: Remote;
  let targetsFile = '';

  before(async () => {
    assert.ok(existsSync(CLI), `${CLI} is missing: npm run build`);
    remote = await useRemote();
    targetsFile = path.join(remote.scratch, 'settings.json');
    writeFileSync(targetsFile, JSON.stringify({ 'netlink.targets': [remote.target('here')] }));
  });

  after(async () => {
    await remote?.release();
  });

  test('passing exercises: TAP with every step ok, JUnit written, exit 0', async () => {
    const junit = path.join(remote.scratch, 'pass.xml');
    const r = await cli([
      'exercise',
      'run',
      path.join(FIXTURES, 'route-loopback.yaml'),
      '--target',
      'here',
      '--targets-file',
      targetsFile,
      '--junit',
      junit,
    ]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const lines = r.stdout.split('\n');
    assert.deepEqual(lines.slice(0, 4), [
      'TAP version 13',
      '1..2',
      'ok 1 - rtnetlink loopback: RTM_GETLINK for ifindex 1 answers with lo',
      'ok 2 - rtnetlink loopback: RTM_GETLINK for an ifindex no device has is ENODEV',
    ]);
    assert.equal(lines[4], '# pass 2 fail 0 error 0 skip 0');
    assert.match(r.stderr, /target here: rtnetlink loopback: 2 of 2 steps passed/);
    const xml = readFileSync(junit, 'utf8');
    assert.match(xml, /<testsuite name="target here" tests="2" failures="0" errors="0" skipped="0"/);
  });

  test('a failing step: not ok with the reason and the decoded reply in YAML, exit 1', async () => {
    const r = await cli([
      'exercise',
      'run',
      path.join(FIXTURES, 'route-loopback.yaml'),
      path.join(FIXTURES, 'route-wrong.yaml'),
      '--target',
      'here',
      '--targets-file',
      targetsFile,
    ]);
    assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
    const lines = r.stdout.split('\n');
    assert.equal(lines[1], '1..3');
    const at = lines.indexOf('not ok 3 - rtnetlink wrong name: ifindex 1 is called eth-nope (it is not)');
    assert.ok(at > 0, r.stdout);
    const block = tapYamlAt(lines, at);
    assert.equal(block.message, 'reply #0: attribute IFLA_IFNAME is "lo", expected eth-nope');
    assert.equal(block.severity, 'fail');
    assert.equal(block.line, 8);
    assert.match(String(block.details), /IFLA_IFNAME = "lo"/);
    assert.ok(lines.includes('# pass 2 fail 1 error 0 skip 0'));
  });

  test('--build where no module can be built and loaded: the build is not ok, the steps skipped, exit 1', async () => {
    const r = await cli([
      'exercise',
      'run',
      path.join(FIXTURES, 'route-loopback.yaml'),
      '--target',
      'here',
      '--targets-file',
      targetsFile,
      '--build',
      '--module',
      path.join(repoRoot, 'kmod'),
    ]);
    assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
    const lines = r.stdout.split('\n');
    assert.equal(lines[1], '1..3');
    assert.equal(lines[2], 'not ok 1 - build and load the module in kmod');
    const block = tapYamlAt(lines, 2);
    assert.equal(block.severity, 'error');
    // This machine has no build tree for its kernel (or, with one, cannot load modules): the message says which.
    assert.match(String(block.message), /^no kernel build tree at \/lib\/modules\/.+\/build on here|^insmod .* failed/);
    assert.ok(
      lines.includes(
        'ok 2 - rtnetlink loopback: RTM_GETLINK for ifindex 1 answers with lo # SKIP the module was not built and loaded',
      ),
    );
  });

  test('a missing file and a broken one are located not-ok points; the good file still runs', async () => {
    const broken = path.join(remote.scratch, 'broken.yaml');
    writeFileSync(broken, 'name: broken\nprotocol: 99\nsteps: []\n');
    const missing = path.join(remote.scratch, 'missing.yaml');
    const r = await cli([
      'exercise',
      'run',
      missing,
      broken,
      path.join(FIXTURES, 'route-loopback.yaml'),
      '--target',
      'here',
      '--targets-file',
      targetsFile,
    ]);
    assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
    const lines = r.stdout.split('\n');
    assert.equal(lines[1], '1..4');
    assert.equal(lines[2], 'not ok 1 - missing.yaml: read and check the exercise');
    assert.equal(tapYamlAt(lines, 2).message, `${missing}: cannot read (ENOENT)`);
    const at = lines.indexOf('not ok 2 - broken.yaml: read and check the exercise');
    assert.equal(tapYamlAt(lines, at).message, `${broken}:2:11: protocol 99 is out of range (0-31)`);
    assert.ok(lines.includes('ok 3 - rtnetlink loopback: RTM_GETLINK for ifindex 1 answers with lo'));
    assert.ok(lines.includes('# pass 2 fail 0 error 2 skip 0'));
  });

  // A local-headers target (build here against a Debian kernel's headers, upload over ssh): a module that does not
  // compile is a failure of the module, located at its own file and line. Needs headers the lab tier unpacked.
  const headers = debianHeaders();
  test(
    '--build of a module that does not compile: not ok (fail) with the compiler errors at the local file, exit 1',
    { skip: headers ? false : `no Debian amd64 headers under ${CACHE}/kernels (npm run test:lab unpacks them)` },
    async () => {
      const mod = path.join(remote.scratch, 'broken');
      mkdirSync(path.join(mod, 'exercises'), { recursive: true });
      for (const f of ['Kbuild', 'Makefile', 'nlreply.c', 'nlreply.yaml'])
        copyFileSync(path.join(repoRoot, 'kmod', f), path.join(mod, f));
      copyFileSync(
        path.join(repoRoot, 'kmod', 'exercises', 'nlreply.yaml'),
        path.join(mod, 'exercises', 'nlreply.yaml'),
      );
      const source = readFileSync(path.join(mod, 'nlreply.c'), 'utf8').split('\n');
      const at = source.findIndex((l) => l === '\treturn 0;');
      assert.ok(at > 0, 'nlreply.c has a "return 0;" line');
      source[at] = '\treturn undefined_symbol_here;';
      writeFileSync(path.join(mod, 'nlreply.c'), source.join('\n'));
      const file = path.join(remote.scratch, 'headers.json');
      writeFileSync(
        file,
        JSON.stringify([remote.target('here-headers', { buildMode: 'local-headers', headersDir: headers as string })]),
      );
      const r = await cli(
        [
          'exercise',
          'run',
          path.join(mod, 'exercises', 'nlreply.yaml'),
          '--target',
          'here-headers',
          '--targets-file',
          file,
          '--build',
        ],
        300_000,
      );
      assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
      const lines = r.stdout.split('\n');
      assert.equal(lines[1], '1..6');
      assert.equal(lines[2], 'not ok 1 - build and load the module in broken');
      const block = tapYamlAt(lines, 2);
      assert.equal(block.severity, 'fail');
      assert.match(
        String(block.message),
        /^nlreply did not build \(make exited 2, \d+ errors?; first: nlreply\.c:\d+: .*undefined_symbol_here/,
      );
      assert.match(
        String(block.details),
        new RegExp(
          `^${path.join(mod, 'nlreply.c').replace(/[.]/g, '\\.')}:${at + 1}:\\d+: error: .*undefined_symbol_here`,
        ),
      );
      assert.equal(lines.filter((l) => l.endsWith('# SKIP the module was not built and loaded')).length, 5);
    },
  );

  test('an unknown target name is a usage error naming the ones there are', async () => {
    const r = await cli([
      'exercise',
      'run',
      path.join(FIXTURES, 'route-loopback.yaml'),
      '--target',
      'nope',
      '--targets-file',
      targetsFile,
    ]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^exercise: no target named "nope" in netlink\.targets \(it has here\)/);
  });
});
