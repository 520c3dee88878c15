// Pure pieces of the lab (no VM): remote-shell quoting, the modules.dep order modprobe needs, the bzImage
// payload finder's errors, Debian version order, the QEMU command line and the lab's words for failures of the
// Debian machinery and of its commands.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { compareVersions } from '../../extension/src/debian/version';
import { LabError, labFailure } from '../../extension/src/lab/errors';
import { prepareKernel } from '../../extension/src/lab/kernel';
import { runChecked } from '../../extension/src/process/run';
import { modulesAlias, modulesDep, type ChainModule } from '../../extension/src/lab/moduleChain';
import { qemuArgv } from '../../extension/src/lab/qemuArgs';
import { shellCommand as quoteArgv, quoteWord } from '../../extension/src/target/quote';
import { findPayload } from '../../extension/src/lab/vmlinux';

describe('shell quoting', () => {
  test('a local POSIX shell turns the quoted line back into the same words', () => {
    const words = [`it's`, '$(id)', '`id`', '"', "'", '', ' ', 'a\nb', '\\', '*', '~', '#', '-n', 'é'];
    const out = execFileSync('sh', ['-c', `printf '%s\\0' ${quoteArgv(words)}`]).toString('utf8');
    assert.deepEqual(out.split('\0').slice(0, -1), words);
  });
  test('plain words stay readable, NUL is refused', () => {
    assert.equal(quoteWord('/usr/local/bin/nlhelper'), '/usr/local/bin/nlhelper');
    assert.equal(quoteWord(`a'b`), `'a'\\''b'`);
    assert.throws(() => quoteWord('a\0b'), /NUL/);
    assert.throws(() => quoteArgv([]), /empty/);
  });
});

describe('modules.dep for busybox modprobe', () => {
  const mod = (name: string, depends: string[]): ChainModule => ({
    name,
    relPath: `kernel/${name}.ko`,
    content: Buffer.alloc(0),
    depends,
    aliases: name === 'nlmon' ? ['rtnl-link-nlmon'] : name === 'virtio_net' ? ['virtio:d00000001v*'] : [],
  });
  test('each line lists all dependencies, the most basic last (modprobe loads from the end)', () => {
    const chain = [
      mod('virtio_ring', []),
      mod('virtio', ['virtio_ring']),
      mod('failover', []),
      mod('net_failover', ['failover']),
      mod('virtio_net', ['virtio', 'virtio_ring', 'net_failover']),
    ];
    const lines = modulesDep(chain).trim().split('\n');
    assert.equal(lines[1], 'kernel/virtio.ko: kernel/virtio_ring.ko');
    assert.equal(
      lines[4],
      'kernel/virtio_net.ko: kernel/net_failover.ko kernel/failover.ko kernel/virtio.ko kernel/virtio_ring.ko',
    );
  });
  test("modules.alias: the kernel's rtnl-link-<kind> alias names its module; device-table wildcards are left out", () => {
    const chain = [mod('virtio_net', []), mod('nlmon', [])];
    assert.equal(modulesAlias(chain), 'alias rtnl-link-nlmon nlmon\n');
  });
});

describe('bzImage payload', () => {
  test('refuses what is not a bzImage, and a payload outside the file', () => {
    assert.throws(
      () => findPayload(Buffer.alloc(4096)),
      (e: unknown) => e instanceof LabError && /HdrS/.test(e.message),
    );
    const img = Buffer.alloc(4096);
    img.write('HdrS', 0x202, 'latin1');
    img.writeUInt16LE(0x20f, 0x206);
    img[0x1f1] = 1;
    img.writeUInt32LE(100, 0x248);
    img.writeUInt32LE(100_000, 0x24c);
    assert.throws(() => findPayload(img), /outside/);
    img.writeUInt32LE(64, 0x24c);
    assert.throws(() => findPayload(img), /unknown compression/);
    Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]).copy(img, 1024 + 100);
    img.writeUInt32LE(123456, 1024 + 100 + 64 - 4);
    const p = findPayload(img);
    assert.equal(p.kind, 'xz');
    assert.equal(p.data.length, 60);
    assert.equal(p.expectedSize, 123456);
  });
});

describe('Debian versions', () => {
  test('numeric parts compare as numbers', () => {
    const sorted = ['6.1.0-9-amd64', '6.1.0-56-amd64', '6.1.0-10-amd64'].sort(compareVersions);
    assert.deepEqual(sorted, ['6.1.0-9-amd64', '6.1.0-10-amd64', '6.1.0-56-amd64']);
  });
});

describe('QEMU command line', () => {
  test('user networking only, SSH forwarded on the host loopback, PVH kernel', () => {
    const argv = qemuArgv({ accel: 'tcg', kernel: '/k/vmlinux', initrd: '/i.gz', sshPort: 2222 });
    const netdev = argv[argv.indexOf('-netdev') + 1];
    assert.equal(netdev, 'user,id=n0,hostfwd=tcp:127.0.0.1:2222-:22');
    assert.equal(argv[argv.indexOf('-accel') + 1], 'tcg');
    assert.equal(argv[argv.indexOf('-kernel') + 1], '/k/vmlinux');
    assert.ok(argv.includes('-no-reboot'));
  });
});

describe('failures as the lab reports them', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'lab-pure-test-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('a refusal of the Debian kernel code is a LabError of the same step, in the same words', async () => {
    // Refused before apt runs: nothing is downloaded, and no kernel is cached in the empty folder.
    await assert.rejects(
      prepareKernel({ cacheDir: tmp, log: () => undefined, prefer: 'debian', series: 'six' }),
      (e: unknown) => {
        assert.ok(e instanceof LabError, String(e));
        assert.equal(e.where, 'kernel');
        assert.equal(e.message, 'lab: kernel: series must look like 6.1, got "six"');
        return true;
      },
    );
  });

  test('a failed command is a LabError of the step that ran it, with what it said', async () => {
    await assert.rejects(
      runChecked(['sh', '-c', 'echo no space >&2; exit 2'], { timeoutMs: 10_000 }, labFailure('initramfs')),
      (e: unknown) => {
        assert.ok(e instanceof LabError, String(e));
        assert.deepEqual([e.where, e.detail], ['initramfs', 'no space\n']);
        assert.equal(e.message, 'lab: initramfs: sh -c echo no space >&2; exit 2 failed (2)\nno space');
        return true;
      },
    );
  });
});
