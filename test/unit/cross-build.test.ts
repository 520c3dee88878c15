// Cross builds in local-headers mode without building anything: the architecture read from a kernel configuration,
// this machine's, make's ARCH / CROSS_COMPILE words, the package that provides a missing cross tool, the
// compiler check on PATH, and apt's records read for the cross headers (Debian's arm64 headers + amd64 kbuild).
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import {
  crossMakeArgs,
  crossSetup,
  crossToolPackage,
  hostKernelArch,
  kernelArchOfConfig,
  missingCrossTool,
  type KernelArch,
} from '../../extension/src/module/crossBuild';
import { KmodError } from '../../extension/src/module/remote';
import { controlField, dependencies } from '../../extension/src/debian/crossHeaders';
import { policyCandidates } from '../../extension/src/debian/apt';
import { fetchDebianHeaders } from '../../extension/src/debian/kernel';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cross-build-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const X86_64 = hostKernelArch('x64', 'LE') as KernelArch;
const AARCH64 = hostKernelArch('arm64', 'LE') as KernelArch;

/** Lines as Debian's configurations have them (include/config/auto.conf leaves out the "not set" ones). */
const ARM64_CONFIG =
  'CONFIG_CC_VERSION_TEXT="gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0"\nCONFIG_64BIT=y\nCONFIG_ARM64=y\nCONFIG_ARM_AMBA=y\n# CONFIG_CPU_BIG_ENDIAN is not set\nCONFIG_COMPAT=y\n';
const AMD64_CONFIG = 'CONFIG_64BIT=y\nCONFIG_X86_64=y\nCONFIG_X86=y\nCONFIG_INSTRUCTION_DECODER=y\n';

describe('the architecture of a kernel build tree, from its configuration', () => {
  test('arm64 and x86_64, as Debian configures them', () => {
    assert.deepEqual(kernelArchOfConfig(ARM64_CONFIG), {
      machine: 'aarch64',
      karch: 'arm64',
      triplet: 'aarch64-linux-gnu',
    });
    assert.deepEqual(kernelArchOfConfig(AMD64_CONFIG), {
      machine: 'x86_64',
      karch: 'x86',
      triplet: 'x86_64-linux-gnu',
    });
  });

  test('the other architectures Debian has cross compilers for', () => {
    assert.equal(kernelArchOfConfig('CONFIG_ARM=y\nCONFIG_AEABI=y\n')?.triplet, 'arm-linux-gnueabihf');
    assert.equal(kernelArchOfConfig('CONFIG_RISCV=y\nCONFIG_64BIT=y\n')?.karch, 'riscv');
    assert.equal(kernelArchOfConfig('CONFIG_PPC64=y\nCONFIG_CPU_LITTLE_ENDIAN=y\n')?.triplet, 'powerpc64le-linux-gnu');
    assert.equal(kernelArchOfConfig('CONFIG_S390=y\n')?.karch, 's390');
  });

  test('only =y counts; a configuration of none of them names nothing', () => {
    assert.equal(kernelArchOfConfig('# CONFIG_ARM64 is not set\nCONFIG_X86_64=m\nCONFIG_ARM64_X=y\n'), undefined);
    assert.equal(kernelArchOfConfig('CONFIG_RISCV=y\n'), undefined, '32-bit riscv: no Debian cross compiler');
    assert.equal(kernelArchOfConfig('CONFIG_PPC64=y\n'), undefined, 'big-endian ppc64');
    assert.equal(kernelArchOfConfig(''), undefined);
  });
});

describe("this machine and make's words", () => {
  test("Node's architecture names map to uname -m", () => {
    assert.equal(X86_64.machine, 'x86_64');
    assert.equal(AARCH64.machine, 'aarch64');
    assert.equal(hostKernelArch('ppc64', 'LE')?.machine, 'ppc64le');
    assert.equal(hostKernelArch('ppc64', 'BE'), undefined);
    assert.equal(hostKernelArch('ia32', 'LE'), undefined);
  });

  test('same architecture, or one not known: no extra words (the build as before)', () => {
    assert.deepEqual(crossMakeArgs(X86_64, X86_64), []);
    assert.deepEqual(crossMakeArgs(undefined, X86_64), []);
    assert.deepEqual(crossMakeArgs(AARCH64, undefined), []);
  });

  test('arm64 headers on an x86_64 machine, and the reverse', () => {
    assert.deepEqual(crossMakeArgs(AARCH64, X86_64), ['ARCH=arm64', 'CROSS_COMPILE=aarch64-linux-gnu-']);
    assert.deepEqual(crossMakeArgs(X86_64, AARCH64), ['ARCH=x86', 'CROSS_COMPILE=x86_64-linux-gnu-']);
  });
});

describe('a missing cross tool and its Debian package', () => {
  test("gcc, Debian's versioned gcc-N (what its headers call), binutils", () => {
    assert.equal(crossToolPackage('aarch64-linux-gnu-gcc', 'aarch64-linux-gnu'), 'gcc-aarch64-linux-gnu');
    assert.equal(crossToolPackage('aarch64-linux-gnu-gcc-12', 'aarch64-linux-gnu'), 'gcc-12-aarch64-linux-gnu');
    assert.equal(crossToolPackage('aarch64-linux-gnu-ld', 'aarch64-linux-gnu'), 'binutils-aarch64-linux-gnu');
    assert.equal(crossToolPackage('aarch64-linux-gnu-ld.bfd', 'aarch64-linux-gnu'), 'binutils-aarch64-linux-gnu');
    assert.equal(crossToolPackage('x86_64-linux-gnu-gcc', 'x86_64-linux-gnu'), 'gcc-x86-64-linux-gnu');
  });

  test("found in make's output as dash, make and execve report it", () => {
    // Captured from make against Debian's arm64 headers with a CROSS_COMPILE whose compiler is not installed.
    const dash =
      '  CC [M]  /tmp/m2/nlreply.o\n/bin/sh: 1: riscv64-linux-gnu-gcc-12: not found\nmake[1]: *** [...Makefile.build:255: /tmp/m2/nlreply.o] Error 127\n';
    assert.equal(missingCrossTool(dash, 'riscv64-linux-gnu'), 'riscv64-linux-gnu-gcc-12');
    assert.equal(missingCrossTool(dash, 'aarch64-linux-gnu'), undefined, 'another triplet is not ours');
    assert.equal(
      missingCrossTool('make: aarch64-linux-gnu-gcc: No such file or directory\n', 'aarch64-linux-gnu'),
      'aarch64-linux-gnu-gcc',
    );
    assert.equal(
      missingCrossTool('make[2]: aarch64-linux-gnu-ld: Command not found\n', 'aarch64-linux-gnu'),
      'aarch64-linux-gnu-ld',
    );
    assert.equal(
      missingCrossTool('nlreply.c:3:10: fatal error: x.h: No such file or directory\n', 'aarch64-linux-gnu'),
      undefined,
    );
  });
});

describe('crossSetup on a build tree', () => {
  function tree(name: string, files: Record<string, string>): string {
    const dir = path.join(tmp, name);
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      writeFileSync(path.join(dir, f), text);
    }
    return dir;
  }
  const bin = path.join(tmp, 'bin');
  mkdirSync(bin, { recursive: true });
  const emptyBin = path.join(tmp, 'empty-bin');
  mkdirSync(emptyBin, { recursive: true });

  test('arm64 headers without the cross compiler on PATH: refused, naming the package', async () => {
    const dir = tree('arm64', { 'include/config/auto.conf': ARM64_CONFIG, Makefile: '' });
    await assert.rejects(crossSetup(dir, { PATH: emptyBin }, X86_64), (e: unknown) => {
      assert.ok(e instanceof KmodError);
      assert.equal(
        e.message,
        `${dir} is a kernel for aarch64 and this machine is x86_64: the cross build needs aarch64-linux-gnu-gcc, which is not on PATH (Debian: apt-get install gcc-aarch64-linux-gnu)`,
      );
      return true;
    });
  });

  test('with it on PATH: ARCH and CROSS_COMPILE; auto.conf wins over .config', async () => {
    writeFileSync(path.join(bin, 'aarch64-linux-gnu-gcc'), '#!/bin/sh\n');
    chmodSync(path.join(bin, 'aarch64-linux-gnu-gcc'), 0o755);
    const dir = tree('arm64-both', { 'include/config/auto.conf': ARM64_CONFIG, '.config': AMD64_CONFIG });
    const s = await crossSetup(dir, { PATH: `${emptyBin}${path.delimiter}${bin}` }, X86_64);
    assert.deepEqual(s.makeArgs, ['ARCH=arm64', 'CROSS_COMPILE=aarch64-linux-gnu-']);
    assert.equal(s.target?.machine, 'aarch64');
  });

  test('a native tree, or one without a configuration, builds as before', async () => {
    assert.deepEqual(
      (await crossSetup(tree('amd64', { '.config': AMD64_CONFIG }), { PATH: emptyBin }, X86_64)).makeArgs,
      [],
    );
    assert.deepEqual((await crossSetup(tree('bare', { Makefile: '' }), { PATH: emptyBin }, X86_64)).makeArgs, []);
  });
});

describe("apt's records for the cross headers", () => {
  // `apt-cache show --no-all-versions linux-headers-6.1.0-57-arm64` through the private arm64 apt state.
  const SHOW = `Package: linux-headers-6.1.0-57-arm64
Source: linux
Version: 6.1.192-3
Architecture: arm64
Depends: linux-headers-6.1.0-57-common (= 6.1.192-3), linux-kbuild-6.1 (>= 6.1.192-3), gcc-12
Description: Header files for Linux 6.1.0-57-arm64

Package: linux-headers-6.1.0-57-arm64
Version: 6.1.176-1
`;

  test('Version and Depends of the first stanza; the packages of a Depends field with their relations', () => {
    assert.equal(controlField(SHOW, 'Version'), '6.1.192-3');
    assert.equal(controlField(SHOW, 'Homepage'), undefined);
    assert.deepEqual(dependencies(controlField(SHOW, 'Depends') ?? ''), [
      { name: 'linux-headers-6.1.0-57-common', relation: '=', version: '6.1.192-3' },
      { name: 'linux-kbuild-6.1', relation: '>=', version: '6.1.192-3' },
      { name: 'gcc-12' },
    ]);
    assert.deepEqual(dependencies('a | b:any (>= 1:2.0~rc1), c (<<3)'), [
      { name: 'a' },
      { name: 'b', relation: '>=', version: '1:2.0~rc1' },
      { name: 'c', relation: '<<', version: '3' },
    ]);
  });

  test("the candidate version of each package in apt-cache policy's answer", () => {
    const policy =
      'linux-kbuild-6.1:\n  Installed: (none)\n  Candidate: 6.1.192-3\n  Version table:\n     6.1.192-3 500\n' +
      '        500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages\n     6.1.176-1 500\n' +
      'linux-headers-6.1.0-9-arm64:\n  Installed: (none)\n  Candidate: (none)\n  Version table:\n';
    assert.deepEqual(
      [...policyCandidates(policy, ['linux-kbuild-6.1', 'linux-headers-6.1.0-9-arm64', 'absent'])],
      [
        ['linux-kbuild-6.1', '6.1.192-3'],
        ['linux-headers-6.1.0-9-arm64', undefined],
        ['absent', undefined],
      ],
    );
  });

  test('a kernel that is no Debian amd64 / arm64 kernel is refused before any download', async () => {
    for (const release of ['6.18.0-custom', '6.1.0-57-armmp', '6.1.0-57-arm64; rm -rf /']) {
      await assert.rejects(
        fetchDebianHeaders(path.join(tmp, 'no-cache'), release, () => undefined),
        /not a Debian kernel for amd64 or arm64 .*headersDir/,
      );
    }
  });
});
