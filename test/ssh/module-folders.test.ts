// The module commands' side of issue 12, item 4, over the real sshd: the target's work folder is used for a build
// only when it is the login user's alone, and insmod loads a .ko only while it has the content the build put
// there (checked on the target, in the same command). This machine cannot load modules, so insmod's own failure
// ("not found" or "not permitted") is what a .ko that passes the check meets.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildModule } from '../../extension/src/module/build';
import { insmod } from '../../extension/src/module/module';
import { KmodError } from '../../extension/src/module/remote';
import { moduleTargetOf } from '../../extension/src/module/sessionTarget';
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

const KMOD = path.join(repoRoot, 'kmod');

describe('the work folder of a module build', () => {
  test('a work folder another user owns is refused before anything is uploaded', async () => {
    const target = remote.target('kmod-foreign', { buildMode: 'remote' });
    mkdirSync(target.workFolder, { mode: 0o700 });
    const uid = Number(execFileSync('id', ['-u', PLAIN_USER], { encoding: 'utf8' }).trim());
    chownSync(target.workFolder, uid, uid);
    const m = await remote.manager([target]);
    const mt = await moduleTargetOf(m.session());
    await assert.rejects(buildModule(mt, { moduleDir: KMOD }), (e: unknown) => {
      assert.ok(e instanceof TargetError && e.kind === 'unsafe-folder', String(e));
      assert.match(
        e.message,
        new RegExp(
          `^target "kmod-foreign": the work folder ${target.workFolder} belongs to ${PLAIN_USER} \\(uid ${uid}\\), not to root \\(uid 0\\)`,
        ),
      );
      return true;
    });
    assert.deepEqual(readdirSync(target.workFolder), []);
  });

  test('a world-writable work folder is refused', async () => {
    const target = remote.target('kmod-open', { buildMode: 'remote' });
    mkdirSync(target.workFolder);
    chmodSync(target.workFolder, 0o777);
    const m = await remote.manager([target]);
    await assert.rejects(
      buildModule(await moduleTargetOf(m.session()), { moduleDir: KMOD }),
      /can be written by every user \(mode 0777\)/,
    );
    assert.deepEqual(readdirSync(target.workFolder), []);
  });
});

describe('insmod checks the .ko on the target first', () => {
  test('a .ko changed after the upload is not loaded; the one uploaded goes on to insmod', async () => {
    const target = remote.target('kmod-swap');
    const m = await remote.manager([target]);
    const mt = await moduleTargetOf(m.session());
    const ko = `${target.workFolder}/kmod-test/nlreply.ko`;
    mkdirSync(path.dirname(ko), { recursive: true, mode: 0o700 });
    const uploaded = Buffer.from('\x7fELF as uploaded');
    await mt.copyTo(localFile('uploaded.ko', uploaded), ko);
    const sha256 = createHash('sha256').update(uploaded).digest('hex');

    writeFileSync(ko, '\x7fELF planted');
    await assert.rejects(insmod(mt, ko, [], 'nlreply', undefined, sha256), (e: unknown) => {
      assert.ok(e instanceof TargetError && e.kind === 'changed-file', String(e));
      assert.match(
        e.message,
        new RegExp(
          `^target "kmod-swap": ${ko} is not the file that was put there \\(sha256 [0-9a-f]{16}…, expected ${sha256.slice(0, 16)}…\\): .*so nothing ran as root`,
        ),
      );
      return true;
    });

    // The content the build put there passes the check and reaches insmod, which this machine refuses by itself.
    writeFileSync(ko, uploaded);
    await assert.rejects(insmod(mt, ko, [], 'nlreply', undefined, sha256), (e: unknown) => {
      assert.ok(e instanceof KmodError, String(e));
      assert.match(e.message, /^insmod .* failed/);
      return true;
    });
  });
});

function localFile(name: string, bytes: Buffer): string {
  const file = path.join(remote.scratch, name);
  writeFileSync(file, bytes);
  return file;
}
