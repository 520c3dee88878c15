// Helper deployment over SSH: built on the target (gcc is here), cached by content hash, and the static build
// uploaded when the target is not to compile (helperBuild "static", the same path a target without cc takes).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { deployHelper } from '../../extension/src/target/deploy';
import { TargetError } from '../../extension/src/target/errors';
import { repoRoot, useRemote, type Remote } from './fixture';

let remote: Remote;
before(async () => {
  remote = await useRemote();
});
after(async () => {
  await remote.release();
});

const nativeDir = path.join(repoRoot, 'native');
const staticDir = path.join(repoRoot, 'dist', 'native');

interface InfoJson {
  helper: string;
  version: number;
  uname: { machine: string };
}

describe('helper deployment', () => {
  test('built on the target, then found in the cache: one command, no upload, no build', async () => {
    const m = await remote.manager([remote.target('build')]);
    const s = m.session();
    const first = await s.deployHelper();
    assert.equal(first.how, 'compiled');
    assert.equal(first.arch, 'x86_64');
    assert.match(first.binary, /\/work-build\/nlhelper-[0-9a-f]{16}\/build\/nlhelper$/);
    const info = JSON.parse((await s.connection.run([first.binary, 'info'], { timeoutMs: 10_000 }))) as InfoJson;
    assert.deepEqual([info.helper, info.version], ['nlhelper', 1]);
    const marker = path.join(path.dirname(path.dirname(first.binary)), '.ready');
    const markerTime = statSync(marker).mtimeMs;
    const binaryTime = statSync(first.binary).mtimeMs;

    // A new manager (a new window, say): new connection, same target folder.
    const m2 = await remote.manager([remote.target('build')]);
    const conn = m2.session().connection;
    const before = conn.commandCount;
    const again = await deployHelper(conn, { nativeDir, staticDir, workFolder: remote.target('build').workFolder, helperBuild: 'auto' });
    assert.deepEqual(again, { binary: first.binary, how: 'cache', arch: 'x86_64' });
    assert.equal(conn.commandCount - before, 1, 'a cached deployment is one probe command');
    assert.equal(statSync(marker).mtimeMs, markerTime, 'the marker was rewritten');
    assert.equal(statSync(first.binary).mtimeMs, binaryTime, 'the helper was rebuilt');
  });

  test('static build for the target architecture when it is not to compile', async () => {
    const local = path.join(staticDir, 'x86_64', 'nlhelper');
    assert.ok(existsSync(local), `${local} is missing: native/build-static.sh builds it (run.sh calls it)`);
    const m = await remote.manager([remote.target('static', { helperBuild: 'static' })]);
    const s = m.session();
    const conn = s.connection;
    const d = await s.deployHelper();
    assert.equal(d.how, 'static');
    assert.equal(d.note, 'helperBuild is "static"');
    assert.match(d.binary, /\/nlhelper-static-x86_64-[0-9a-f]{16}\/nlhelper$/);
    assert.equal(
      createHash('sha256').update(readFileSync(d.binary)).digest('hex'),
      createHash('sha256').update(readFileSync(local)).digest('hex'),
      'the uploaded helper differs from dist/native/x86_64/nlhelper',
    );
    assert.equal(statSync(d.binary).mode & 0o777, 0o755);
    const info = JSON.parse(await conn.run([d.binary, 'info'], { timeoutMs: 10_000 })) as InfoJson;
    assert.equal(info.uname.machine, 'x86_64');
    // No compiler was asked for: nothing of the source build is there.
    const work = remote.target('static').workFolder;
    const r = await conn.exec(['sh', '-c', 'ls -d "$1"/nlhelper-* | grep -v static; true', 'sh', work], { timeoutMs: 10_000 });
    assert.equal(r.stdout, '');
    const before = conn.commandCount;
    assert.equal((await deployHelper(conn, { nativeDir, staticDir, workFolder: work, helperBuild: 'static' })).how, 'cache');
    assert.equal(conn.commandCount - before, 1);
  });

  test('a ~/ work folder resolves to the remote home', async () => {
    const sub = `~/.cache/nlwb-ssh-test-${process.pid}`;
    const m = await remote.manager([remote.target('home', { workFolder: sub, helperBuild: 'static' })]);
    const s = m.session();
    try {
      const d = await s.deployHelper();
      assert.ok(d.binary.startsWith(`/root/.cache/nlwb-ssh-test-${process.pid}/nlhelper-static-`), d.binary);
    } finally {
      await s.exec(['rm', '-rf', '--', `/root/.cache/nlwb-ssh-test-${process.pid}`], { timeoutMs: 10_000 });
    }
  });

  test('a work folder make cannot build in is refused before anything is uploaded', async () => {
    const m = await remote.manager([remote.target('plain')]);
    const conn = m.session().connection;
    const canary = path.join(remote.scratch, 'deploy-canary');
    const hostile = `${remote.scratch}/w $(touch ${canary})`;
    const before = conn.commandCount;
    await assert.rejects(deployHelper(conn, { nativeDir, staticDir, workFolder: hostile, helperBuild: 'auto' }), (e: unknown) => {
      assert.ok(e instanceof TargetError && e.kind === 'config', String(e));
      assert.match(e.message, /make cannot build in/);
      return true;
    });
    assert.equal(conn.commandCount - before, 1, 'only the probe ran');
    assert.equal(existsSync(canary), false);
    assert.equal(existsSync(`${remote.scratch}/w $(touch ${canary})`), false);
  });
});
