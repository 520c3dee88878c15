// `node dist/cli.js exercise run --build` regenerates a module's YNL-generated files when its spec is newer, as the
// editor's Build Module does, once and before any target is connected or lab VM booted. The genl template copied
// with a changed spec, run against a target on a closed loopback port: the kernel's generator (Debian's, from the
// cache, fetched once when missing) rewrites the files, then the run fails on the connection. A generator that
// does not exist and a spec the generator rejects are `not ok` points naming the spec and why, with nothing
// connected or booted and the files left as they were.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { copyModuleTemplate } from '../../extension/src/module/template';
import { findYnlGenerator } from '../../extension/src/module/ynlGenFind';
import { runCli, tapYamlAt, type CliRun } from '../support/exerciseCli';
import { freeLoopbackPort } from '../support/loopbackPort';
import { repoRoot } from './helper-process';

const CLI = path.join(repoRoot, 'dist', 'cli.js');
const CACHE = process.env.NETLINK_CACHE || path.join(repoRoot, '.cache');
const TEMPLATE = path.join(repoRoot, 'kmod-genl');
const GENERATED = ['genldemo-nl.c', 'genldemo-nl.h', 'include/uapi/linux/genldemo.h'];
const REGEN_POINT = `regenerate ${GENERATED.join(', ')} from genldemo.yaml`;
const LONG_AGO = new Date('2020-01-01T00:00:00Z');

/** Not a kernel tree: the CLI's current directory, where it would look for one. */
const tmp = mkdtempSync(path.join(os.tmpdir(), 'nlwb-exercise-regen-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const cli = (args: string[], timeoutMs: number): Promise<CliRun> =>
  runCli(CLI, args, { cwd: tmp, env: { ...process.env, NETLINK_CACHE: CACHE }, timeoutMs });

/** The template copied to `name`, its spec edited by `edit` and newer than the files generated from it. */
async function moduleWithChangedSpec(name: string, edit: (spec: string) => string): Promise<string> {
  const dir = path.join(tmp, name);
  await copyModuleTemplate(TEMPLATE, dir);
  const spec = path.join(dir, 'genldemo.yaml');
  const text = readFileSync(spec, 'utf8');
  const edited = edit(text);
  assert.notEqual(edited, text, 'the edit changes the spec');
  writeFileSync(spec, edited);
  for (const f of GENERATED) utimesSync(path.join(dir, f), LONG_AGO, LONG_AGO);
  return dir;
}

const mtimes = (dir: string): number[] => GENERATED.map((f) => statSync(path.join(dir, f)).mtimeMs);

/** The YAML block of the first TAP point named `name`, which must be `not ok` (in a subtest too). */
function notOkBlock(tap: string, name: string): { message: string; severity: string } {
  const lines = tap.split('\n');
  const at = lines.findIndex((l) => new RegExp(`^( {4})?not ok \\d+ - ${escape(name)}$`).test(l));
  assert.ok(at >= 0, `no "not ok - ${name}" in\n${tap}`);
  return tapYamlAt(lines, at) as { message: string; severity: string };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

describe('exercise run --build regenerates the YNL-generated files of a changed spec', () => {
  let targets = '';

  before(async () => {
    assert.ok(existsSync(CLI), `${CLI} is missing: npm run build`);
    targets = path.join(tmp, 'targets.json');
    writeFileSync(
      targets,
      JSON.stringify([{ name: 'gone', destination: `nobody@127.0.0.1:${await freeLoopbackPort()}` }]),
    );
  });

  test(
    'before the target is connected, with the generator found in the cache (fetched once when missing)',
    { timeout: 900_000 },
    async () => {
      const dir = await moduleWithChangedSpec('changed', (s) => s.replace('value: 1024', 'value: 2048'));
      const exercises = path.join(dir, 'exercises', 'genldemo.yaml');
      const r = await cli(
        ['exercise', 'run', exercises, '--target', 'gone', '--targets-file', targets, '--build'],
        880_000,
      );
      assert.equal(r.code, 1, r.stderr);
      const tap = r.stdout.split('\n');
      assert.equal(tap[2], `ok 1 - ${REGEN_POINT}`, r.stdout);
      const build = notOkBlock(r.stdout, 'build and load the module in changed');
      assert.equal(build.severity, 'error');
      assert.match(build.message, /unreachable|Connection refused/);
      assert.match(r.stdout, /^ok 3 - genldemo: .* # SKIP the module was not built and loaded$/m);
      assert.match(r.stderr, /YNL generator \((debian|workspace)\): .*ynl[-_]gen[-_]c\.py\n/);
      assert.match(r.stderr, new RegExp(`regenerated ${escape(GENERATED.join(', '))} from genldemo\\.yaml\\n`));
      // The generator's output for the new spec: only the constant's define differs from the template's.
      for (const f of GENERATED) {
        const was = readFileSync(path.join(TEMPLATE, f), 'utf8');
        const now = readFileSync(path.join(dir, f), 'utf8');
        if (f.startsWith('include/')) {
          assert.match(was, /#define GENLDEMO_MAX_ENTRIES\t1024\n/);
          assert.equal(now, was.replace('GENLDEMO_MAX_ENTRIES\t1024', 'GENLDEMO_MAX_ENTRIES\t2048'), f);
        } else assert.equal(now, was, f);
      }
      const spec = statSync(path.join(dir, 'genldemo.yaml')).mtimeMs;
      for (const [i, m] of mtimes(dir).entries()) assert.ok(m >= spec, `${GENERATED[i]} is newer than the spec`);

      // Nothing stale now: no regeneration, and no generator looked for (this one does not exist).
      const again = await cli(
        ['exercise', 'run', exercises, '--target', 'gone', '--targets-file', targets, '--build'].concat([
          '--ynl-generator',
          path.join(tmp, 'no-such-ynl-gen-c.py'),
        ]),
        120_000,
      );
      assert.equal(again.code, 1, again.stderr);
      assert.match(again.stdout, /^not ok 1 - build and load the module in changed$/m);
      assert.doesNotMatch(again.stdout + again.stderr, /regenerat|YNL generator/);
    },
  );

  test('a generator that does not exist: not ok naming the spec, nothing connected, files kept', async () => {
    const dir = await moduleWithChangedSpec('nogen', (s) => s.replace('value: 1024', 'value: 512'));
    const missing = path.join(tmp, 'linux', 'tools', 'net', 'ynl', 'ynl-gen-c.py');
    const r = await cli(
      [
        'exercise',
        'run',
        path.join(dir, 'exercises', 'genldemo.yaml'),
        '--target',
        'gone',
        '--targets-file',
        targets,
        '--build',
        '--ynl-generator',
        'linux/tools/net/ynl/ynl-gen-c.py',
      ],
      120_000,
    );
    assert.equal(r.code, 1, r.stderr);
    const point = notOkBlock(r.stdout, REGEN_POINT);
    assert.equal(point.severity, 'error');
    assert.equal(
      point.message,
      `${path.join(dir, 'genldemo.yaml')} changed, and ${GENERATED.join(', ')} could not be regenerated from it: ` +
        `--ynl-generator names ${missing}, which does not exist`,
    );
    assert.ok(r.stderr.includes(point.message), r.stderr);
    assert.doesNotMatch(r.stdout, /build and load/);
    assert.match(r.stdout, /# SKIP the module's generated files could not be regenerated from its spec$/m);
    assert.doesNotMatch(r.stderr, /unreachable|Connection refused/);
    assert.deepEqual(
      mtimes(dir),
      GENERATED.map(() => LONG_AGO.getTime()),
    );
  });

  test('a spec the generator rejects: not ok (fail) with its message, for every kernel, no VM booted', async () => {
    const dir = await moduleWithChangedSpec('badspec', (s) =>
      s.replace('kernel-policy: per-op', 'kernel-policy: often'),
    );
    // The generator the first test found (or fetched), named by the option this time.
    const { generator } = await findYnlGenerator({ workspaceFolders: [], cacheDir: CACHE, log: () => undefined });
    const r = await cli(
      [
        'exercise',
        'run',
        path.join(dir, 'exercises', 'genldemo.yaml'),
        '--lab',
        '6.1,6.12',
        '--build',
        `--ynl-generator=${generator}`,
      ],
      120_000,
    );
    assert.equal(r.code, 1, r.stderr);
    // Once for the matrix: one attempt, reported in each kernel's subtest.
    assert.equal(r.stderr.match(/regenerating /g)?.length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /booting|ready after/);
    assert.match(r.stdout, /^ {4}# Subtest: lab 6\.1$/m);
    assert.match(r.stdout, /^ {4}# Subtest: lab 6\.12$/m);
    assert.equal(r.stdout.match(new RegExp(`^ {4}not ok 1 - ${escape(REGEN_POINT)}$`, 'gm'))?.length, 2, r.stdout);
    const point = notOkBlock(r.stdout, REGEN_POINT);
    assert.equal(point.severity, 'fail');
    assert.ok(point.message.startsWith(`${path.join(dir, 'genldemo.yaml')} changed, and `), point.message);
    assert.match(
      point.message,
      /ynl-gen-c could not generate genldemo-nl\.c from genldemo\.yaml: .*'often' is not one of/,
    );
    assert.deepEqual(
      mtimes(dir),
      GENERATED.map(() => LONG_AGO.getTime()),
    );
  });
});
