// The e2e harness's install lock: two installs into one cache run one after the other, and a lock left by a run
// that is gone does not block the next.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { withInstallLock } from '../e2e/harness/installLock';

const quiet = (): void => undefined;

test('two holders of one install lock run one after the other', async () => {
  const lock = join(mkdtempSync(join(tmpdir(), 'nlwb-lock-')), 'install.lock');
  const order: string[] = [];
  const first = withInstallLock(lock, 60_000, quiet, async () => {
    order.push('first start');
    await new Promise((r) => setTimeout(r, 500));
    order.push('first end');
  });
  await new Promise((r) => setTimeout(r, 50));
  const second = withInstallLock(lock, 60_000, quiet, async () => {
    order.push('second start');
    return 42;
  });
  await first;
  assert.equal(await second, 42);
  assert.deepEqual(order, ['first start', 'first end', 'second start']);
});

test('a lock whose owner is gone is taken over', async () => {
  const lock = join(mkdtempSync(join(tmpdir(), 'nlwb-lock-')), 'install.lock');
  mkdirSync(lock);
  // pid 2^22+1 is above Linux's pid_max limit: no process can have it.
  writeFileSync(join(lock, 'pid'), `${2 ** 22 + 1}\n`);
  const logs: string[] = [];
  const r = await withInstallLock(
    lock,
    5_000,
    (m) => logs.push(m),
    async () => 'ran',
  );
  assert.equal(r, 'ran');
  assert.match(logs.join('\n'), /taking over/);
});

test('a live owner past the timeout gives a clear error, and the lock stays its', async () => {
  const lock = join(mkdtempSync(join(tmpdir(), 'nlwb-lock-')), 'install.lock');
  mkdirSync(lock);
  writeFileSync(join(lock, 'pid'), `${process.pid}\n`);
  await assert.rejects(
    withInstallLock(lock, 100, quiet, async () => 'never'),
    new RegExp(`another install \\(pid ${process.pid}\\) still holds`),
  );
});
