// Helper deployment over SSH: built on the target (gcc is here), cached by content hash, and the static build
// uploaded when the target is not to compile (helperBuild "static", the same path a target without cc takes).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { deployHelper } from '../../extension/src/target/deploy';
import { TargetError } from '../../extension/src/target/errors';
import { repoRoot, useRemote, type Remote } from './fixture';
import { PLAIN_USER } from './sshd';

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
    const info = JSON.parse(await s.connection.run([first.binary, 'info'], { timeoutMs: 10_000 })) as InfoJson;
    assert.deepEqual([info.helper, info.version], ['nlhelper', 1]);
    const marker = path.join(path.dirname(path.dirname(first.binary)), '.ready');
    const markerTime = statSync(marker).mtimeMs;
    const binaryTime = statSync(first.binary).mtimeMs;

    // A new manager (a new window, say): new connection, same target folder.
    const m2 = await remote.manager([remote.target('build')]);
    const conn = m2.session().connection;
    const before = conn.commandCount;
    const again = await deployHelper(conn, {
      nativeDir,
      staticDir,
      workFolder: remote.target('build').workFolder,
      helperBuild: 'auto',
    });
    assert.deepEqual(again, { binary: first.binary, how: 'cache', arch: 'x86_64', sha256: first.sha256 });
    assert.equal(
      first.sha256,
      createHash('sha256').update(readFileSync(first.binary)).digest('hex'),
      'the hash measured after make',
    );
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
    const r = await conn.exec(['sh', '-c', 'ls -d "$1"/nlhelper-* | grep -v static; true', 'sh', work], {
      timeoutMs: 10_000,
    });
    assert.equal(r.stdout, '');
    const before = conn.commandCount;
    assert.equal(
      (await deployHelper(conn, { nativeDir, staticDir, workFolder: work, helperBuild: 'static' })).how,
      'cache',
    );
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
    await assert.rejects(
      deployHelper(conn, { nativeDir, staticDir, workFolder: hostile, helperBuild: 'auto' }),
      (e: unknown) => {
        assert.ok(e instanceof TargetError && e.kind === 'config', String(e));
        assert.match(e.message, /make cannot build in/);
        return true;
      },
    );
    assert.equal(conn.commandCount - before, 1, 'only the probe ran');
    assert.equal(existsSync(canary), false);
    assert.equal(existsSync(`${remote.scratch}/w $(touch ${canary})`), false);
  });
});

/** A TargetError of this kind whose message matches, from a promise that must reject. */
async function refused(p: Promise<unknown>, kind: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof TargetError, String(e));
    assert.equal(e.kind, kind, e.message);
    assert.match(e.message, message);
    return true;
  });
}

const plainUid = (): number => Number(execFileSync('id', ['-u', PLAIN_USER], { encoding: 'utf8' }).trim());

describe("the work folder is the login user's alone (issue 12, item 4)", () => {
  test('a work folder another user owns is refused, even with a ready helper in it', async () => {
    const target = remote.target('foreign', { helperBuild: 'static' });
    const m = await remote.manager([target]);
    const d = await m.session().deployHelper();
    // Now the folder (with the helper found ready there) belongs to someone else.
    chownSync(target.workFolder, plainUid(), plainUid());
    const conn = (await remote.manager([{ ...target, name: 'foreign2' }])).session().connection;
    const before = conn.commandCount;
    await refused(
      deployHelper(conn, { nativeDir, staticDir, workFolder: target.workFolder, helperBuild: 'static' }),
      'unsafe-folder',
      new RegExp(
        `^target "foreign2": the work folder ${target.workFolder} belongs to ${PLAIN_USER} \\(uid ${plainUid()}\\), not to root \\(uid 0\\), so it is not used: ` +
          'files in it may have been put there by someone else\\. Remove it \\(on the target, or set netlink\\.targets\\[\\]\\.workFolder',
      ),
    );
    assert.equal(conn.commandCount - before, 1, 'only the probe ran');
    assert.ok(existsSync(d.binary));
  });

  test('a work folder every user can write to (0777) is refused, and nothing is put in it', async () => {
    const target = remote.target('open', { helperBuild: 'static' });
    mkdirSync(target.workFolder);
    chmodSync(target.workFolder, 0o777);
    const m = await remote.manager([target]);
    await refused(m.session().deployHelper(), 'unsafe-folder', /can be written by every user \(mode 0777\)/);
    assert.equal(execFileSync('ls', ['-A', target.workFolder], { encoding: 'utf8' }), '');
  });

  test('a work folder that is a symbolic link is refused', async () => {
    const target = remote.target('linked', { helperBuild: 'static' });
    const elsewhere = path.join(remote.scratch, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    symlinkSync(elsewhere, target.workFolder);
    const m = await remote.manager([target]);
    await refused(m.session().deployHelper(), 'unsafe-folder', /is a symbolic link/);
  });

  test('a missing work folder is made 0700; one of ours that others may read (0755) is tightened to 0700', async () => {
    const fresh = remote.target('fresh', { helperBuild: 'static' });
    await (await remote.manager([fresh])).session().deployHelper();
    assert.equal(statSync(fresh.workFolder).mode & 0o777, 0o700);
    const readable = remote.target('readable', { helperBuild: 'static' });
    mkdirSync(readable.workFolder, { mode: 0o755 });
    chmodSync(readable.workFolder, 0o755);
    await (await remote.manager([readable])).session().deployHelper();
    assert.equal(statSync(readable.workFolder).mode & 0o777, 0o700);
  });

  test("with an unprivileged login, the folder must be that login's: root's is refused, naming both", async () => {
    const work = path.join(remote.scratch, 'root-owned');
    mkdirSync(work, { mode: 0o755 });
    chmodSync(remote.scratch, 0o755); // the plain user must reach it to see whose it is
    try {
      const target = remote.target('plainlogin', {
        destination: `${PLAIN_USER}@127.0.0.1:${remote.sshd.port}`,
        workFolder: work,
        helperBuild: 'static',
      });
      const m = await remote.manager([target]);
      await refused(
        m.session().deployHelper(),
        'unsafe-folder',
        new RegExp(`belongs to root \\(uid 0\\), not to ${PLAIN_USER} \\(uid ${plainUid()}\\)`),
      );
    } finally {
      chmodSync(remote.scratch, 0o700);
    }
  });
});

describe('the helper runs only while it is the binary that was deployed', () => {
  /** A script in place of the helper: run, it leaves a file behind. */
  function swap(binary: string, canary: string): void {
    writeFileSync(binary, `#!/bin/sh\ntouch ${canary}\nexit 1\n`);
    chmodSync(binary, 0o755);
  }

  test('a static helper swapped after the upload is refused before it runs', async () => {
    const m = await remote.manager([remote.target('swapped', { helperBuild: 'static' })]);
    const s = m.session();
    const d = await s.deployHelper();
    const deployed = createHash('sha256').update(readFileSync(d.binary)).digest('hex');
    const canary = path.join(remote.scratch, 'swapped-ran');
    swap(d.binary, canary);
    await refused(
      s.helper(),
      'changed-file',
      new RegExp(
        `^target "swapped": ${d.binary} is not the file that was put there \\(sha256 [0-9a-f]{16}…, expected ${deployed.slice(0, 16)}…\\): something changed it after the upload, so nothing ran as root`,
      ),
    );
    assert.equal(existsSync(canary), false, 'the swapped helper ran');
  });

  test('a helper built on the target, found in the cache by a new window and swapped, is refused', async () => {
    const target = remote.target('swapcache');
    const d = await (await remote.manager([target])).session().deployHelper();
    assert.equal(d.how, 'compiled');
    const s = (await remote.manager([{ ...target, name: 'swapcache2' }])).session();
    assert.equal((await s.deployHelper()).how, 'cache');
    const canary = path.join(remote.scratch, 'swapcache-ran');
    swap(d.binary, canary);
    await refused(s.helper(), 'changed-file', /is not the file that was put there/);
    assert.equal(existsSync(canary), false, 'the swapped helper ran');
  });

  test('with useSudo the check runs outside sudo: the helper still starts as root', async () => {
    const m = await remote.manager([remote.target('checksudo', { useSudo: true, helperBuild: 'static' })]);
    const h = await m.session().helper();
    assert.equal((await h.info()).uid, 0);
  });
});
