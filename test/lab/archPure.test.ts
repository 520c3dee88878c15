// The architecture parameter of the lab without booting anything: QEMU's command line per architecture, the
// private apt options for foreign packages, the host packages, and symlinks resolved inside an unpacked root.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { labHostPackages, LAB_HOST_PACKAGES } from '../../extension/src/lab/hostPackages';
import { LabError } from '../../extension/src/lab/errors';
import { aptOptions } from '../../extension/src/debian/foreignApt';
import { resolveInRoot } from '../../extension/src/lab/guestUserland';
import { qemuArgv } from '../../extension/src/lab/qemuArgs';

const base = { accel: 'tcg', kernel: '/k/Image', initrd: '/i.gz', sshPort: 2222 } as const;
const after1 = (argv: string[], flag: string): string | undefined => argv[argv.indexOf(flag) + 1];

describe('QEMU command line per architecture', () => {
  test('x86_64 is the default and unchanged by the parameter', () => {
    assert.deepEqual(qemuArgv(base), qemuArgv({ ...base, arch: 'x86_64' }));
    assert.equal(qemuArgv(base)[0], 'qemu-system-x86_64');
    assert.match(after1(qemuArgv(base), '-append') ?? '', /console=ttyS0/);
  });

  test('aarch64: virt machine, the PL011 console, TCG, the same user networking', () => {
    const argv = qemuArgv({ ...base, arch: 'aarch64' });
    assert.equal(argv[0], 'qemu-system-aarch64');
    assert.equal(after1(argv, '-machine'), 'virt');
    assert.match(after1(argv, '-cpu') ?? '', /^max/);
    assert.match(after1(argv, '-append') ?? '', /^console=ttyAMA0 panic=-1/);
    assert.equal(after1(argv, '-netdev'), 'user,id=n0,hostfwd=tcp:127.0.0.1:2222-:22');
    assert.equal(after1(argv, '-device'), 'virtio-net-pci,netdev=n0');
  });
});

describe('packages and apt for a foreign architecture', () => {
  test("the host's own architecture uses the system apt as it is", () => {
    assert.deepEqual(aptOptions('/c', 'amd64', 'amd64'), []);
  });

  test('arm64 gets its own lists, cache and dpkg status under the cache folder', () => {
    const o = aptOptions('/c', 'arm64', 'amd64');
    const values = o.filter((_, i) => o[i - 1] === '-o');
    for (const want of [
      'APT::Architecture=arm64',
      'APT::Architectures::=arm64',
      'Dir::State::Lists=/c/apt-arm64/lists',
      'Dir::Cache=/c/apt-arm64/cache',
      'Dir::State::status=/c/apt-arm64/status',
    ]) {
      assert.ok(values.includes(want), `${want} in ${o.join(' ')}`);
    }
  });

  test('an aarch64 lab needs qemu-system-arm and readelf instead of qemu-system-x86', () => {
    assert.deepEqual(labHostPackages(), [...LAB_HOST_PACKAGES]);
    const p = labHostPackages('aarch64');
    assert.ok(p.includes('qemu-system-arm') && p.includes('binutils') && p.includes('busybox-static'));
    assert.ok(!p.includes('qemu-system-x86'));
  });
});

describe('symlinks inside an unpacked root', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'lab-root-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(path.join(root, 'lib', 'aarch64-linux-gnu'), { recursive: true });
  writeFileSync(path.join(root, 'lib', 'aarch64-linux-gnu', 'libc.so.6'), 'x');
  symlinkSync('aarch64-linux-gnu/libc.so.6', path.join(root, 'lib', 'rel.so'));
  // Absolute, as Debian's ld-linux-aarch64.so.1 link is: it must stay inside the root, not reach the host's /lib.
  symlinkSync('/lib/aarch64-linux-gnu/libc.so.6', path.join(root, 'lib', 'abs.so'));
  symlinkSync('/lib', path.join(root, 'libdir'));
  symlinkSync('loop-b', path.join(root, 'loop-a'));
  symlinkSync('loop-a', path.join(root, 'loop-b'));

  test('relative, absolute and folder links resolve to the file inside the root', async () => {
    assert.equal(await resolveInRoot(root, 'lib/rel.so'), 'lib/aarch64-linux-gnu/libc.so.6');
    assert.equal(await resolveInRoot(root, '/lib/abs.so'), 'lib/aarch64-linux-gnu/libc.so.6');
    assert.equal(await resolveInRoot(root, 'libdir/aarch64-linux-gnu/libc.so.6'), 'lib/aarch64-linux-gnu/libc.so.6');
  });

  test('a missing file and a loop are located errors', async () => {
    await assert.rejects(
      resolveInRoot(root, 'lib/none.so'),
      (e: unknown) => e instanceof LabError && /lib\/none\.so does not exist/.test(e.message),
    );
    await assert.rejects(
      resolveInRoot(root, 'loop-a'),
      (e: unknown) => e instanceof LabError && /too many symlinks/.test(e.message),
    );
  });
});
