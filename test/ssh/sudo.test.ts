// useSudo: privileged commands and the helper through `sudo -n`. Root passes; an unprivileged login without a
// sudo rule (PLAIN_USER, made by sshd.ts) gets the real "a password is required" from sudo and a message that says
// how to fix it.
import assert from 'node:assert/strict';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { TargetError } from '../../extension/src/target/errors';
import { useRemote, type Remote } from './fixture';
import { PLAIN_USER } from './sshd';

let remote: Remote;
let plainWork: string;
before(async () => {
  remote = await useRemote();
  // The plain user's work folder: its own, outside root's private scratch folder.
  plainWork = mkdtempSync(path.join(os.tmpdir(), 'nlwb-ssh-plain-'));
  const uid = Number(execFileSync('id', ['-u', PLAIN_USER], { encoding: 'utf8' }).trim());
  chownSync(plainWork, uid, uid);
});
after(async () => {
  await remote.release();
  rmSync(plainWork, { recursive: true, force: true });
});

describe('sudo -n', () => {
  test('root with useSudo: privileged commands and the helper run as root', async () => {
    const m = await remote.manager([remote.target('rootsudo', { useSudo: true, helperBuild: 'static' })]);
    const s = m.session();
    assert.equal((await s.exec(['id', '-u'], { timeoutMs: 10_000, privileged: true })).stdout.trim(), '0');
    const h = await s.helper();
    assert.equal((await h.info()).uid, 0);
  });

  test('an unprivileged login without a sudo rule: a clear message, not a hang', async () => {
    const target = remote.target('plain', {
      destination: `${PLAIN_USER}@127.0.0.1:${remote.sshd.port}`,
      useSudo: true,
      workFolder: plainWork,
      helperBuild: 'static',
    });
    const m = await remote.manager([target]);
    const s = m.session();
    // The login itself works, and unprivileged commands run as that user.
    assert.equal((await s.exec(['id', '-un'], { timeoutMs: 10_000 })).stdout.trim(), PLAIN_USER);
    const t = Date.now();
    const e = await s.exec(['id', '-u'], { timeoutMs: 10_000, privileged: true }).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(e instanceof TargetError, String(e));
    assert.equal(e.kind, 'sudo-password');
    assert.match(e.detail ?? '', /sudo: a password is required/);
    assert.match(
      e.message,
      /sudo wants a password to run id.*sudo -n.*"nlwb-ssh-test ALL=\(root\) NOPASSWD: \/full\/path\/of\/id, \/usr\/sbin\/insmod/,
    );
    assert.ok(Date.now() - t < 5_000);

    // The helper deploys as the login user, then its start through sudo fails with the same advice.
    const h = await s.helper().then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(h instanceof TargetError, String(h));
    assert.equal(h.kind, 'sudo-password');
    assert.match(h.message, /sudo wants a password to run (\/\S+\/nlhelper),.*NOPASSWD: \1, /);
  });
});
