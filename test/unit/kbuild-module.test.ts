// The pure parts of the module commands: module parameters for insmod, /proc/modules, Kbuild's obj-m, the
// module folder's sources and hash, the kernel log diff, the "new module" copy, where diagnostics underline.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { diagnosticSpan } from '../../extension/src/module/diagnosticRange';
import { newKernelLogLines } from '../../extension/src/module/kernelLog';
import { loadedName, moduleParameterArgs, parseProcModules } from '../../extension/src/module/module';
import { resolveModuleFolder } from '../../extension/src/module/moduleFolder';
import { parseObjM, readModuleSources } from '../../extension/src/module/moduleSources';
import { remoteBuildPaths } from '../../extension/src/module/build';
import { KmodError } from '../../extension/src/module/remote';
import { copyModuleTemplate, checkNewModuleName } from '../../extension/src/module/template';

const KMOD = path.join(__dirname, '..', '..', 'kmod');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'kbuild-module-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('module parameters for insmod', () => {
  it('turns a settings object into name=value words', () => {
    assert.deepEqual(moduleParameterArgs({ protocol: 31 }), ['protocol=31']);
    assert.deepEqual(moduleParameterArgs({ debug: true, quiet: false, ids: [1, 2, 3], name: 'eth0', msg: 'a b' }), [
      'debug=Y',
      'quiet=N',
      'ids=1,2,3',
      'name=eth0',
      'msg="a b"',
    ]);
    assert.deepEqual(moduleParameterArgs(undefined), []);
    assert.deepEqual(moduleParameterArgs({}), []);
  });

  it('refuses what insmod or the kernel would misread, naming the setting and the parameter', () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ protocol: 31.5 }, /netlink\.module\.parameters\.protocol: 31\.5 is not an integer/],
      [{ 'bad name': 1 }, /"bad name" is not a parameter name/],
      [{ x: 'say "hi"' }, /netlink\.module\.parameters\.x: .* without double quotes/],
      [{ x: 'tab\there' }, /printable ASCII/],
      [{ x: '' }, /1-1024 characters/],
      [{ x: [] }, /at least one value/],
      [{ x: ['a,b'] }, /x\[0\]: array values cannot contain commas/],
      [{ x: { nested: 1 } }, /is not a number, boolean or text/],
      [[1, 2], /must be an object/],
      ['protocol=31', /must be an object/],
    ];
    for (const [value, re] of bad)
      assert.throws(
        () => moduleParameterArgs(value),
        (e: unknown) => e instanceof KmodError && re.test(e.message),
        JSON.stringify(value),
      );
  });
});

describe('/proc/modules', () => {
  // The kernel's format: name size refcount users state address [taint]
  const text = [
    'nlreply 16384 0 - Live 0xffffffffc0339000 (OE)',
    'virtio_net 61440 0 - Live 0xffffffffc0320000',
    'net_failover 20480 1 virtio_net, Live 0xffffffffc0316000',
    'failover 16384 1 net_failover, Live 0xffffffffc030c000',
  ].join('\n');

  it("reads one module's state", () => {
    assert.deepEqual(parseProcModules(text, 'nlreply'), { loaded: true, refcount: 0, usedBy: [], state: 'Live' });
    assert.deepEqual(parseProcModules(text, 'failover'), {
      loaded: true,
      refcount: 1,
      usedBy: ['net_failover'],
      state: 'Live',
    });
    assert.deepEqual(parseProcModules(text, 'other'), { loaded: false });
    assert.deepEqual(parseProcModules('', 'nlreply'), { loaded: false });
  });

  it('knows the kernel lists a-b as a_b', () => {
    assert.equal(loadedName('net-failover'), 'net_failover');
    assert.equal(parseProcModules(text, 'net-failover').loaded, true);
    assert.throws(() => loadedName('../evil'), KmodError);
  });
});

describe('Kbuild obj-m', () => {
  it('finds module names in the usual forms', () => {
    assert.deepEqual(parseObjM('# SPDX\nobj-m := nlreply.o\n'), ['nlreply']);
    assert.deepEqual(parseObjM('obj-m += a.o b.o\nobj-m += c.o # comment d.o\n'), ['a', 'b', 'c']);
    assert.deepEqual(parseObjM('obj-$(CONFIG_NLREPLY) += my-mod.o\n'), ['my-mod']);
    assert.deepEqual(parseObjM('obj-m := one.o \\\n\ttwo.o\n'), ['one', 'two']);
    assert.deepEqual(parseObjM('nlreply-y := a.o b.o\n'), []);
  });
});

describe('module sources', () => {
  it('reads the reference module: its build inputs, name and a content hash', async () => {
    const src = await readModuleSources(KMOD);
    assert.equal(src.moduleName, 'nlreply');
    assert.ok(src.files.includes('nlreply.c') && src.files.includes('Kbuild') && src.files.includes('Makefile'));
    assert.ok(!src.files.some((f) => /\.(ko|o|yaml|md)$/.test(f)), src.files.join(','));
    assert.match(src.hash, /^[0-9a-f]{12}$/);
    assert.deepEqual(remoteBuildPaths({ workFolder: '/root/netlink/' }, src), {
      dir: `/root/netlink/kmod-${src.hash}`,
      ko: `/root/netlink/kmod-${src.hash}/nlreply.ko`,
    });
  });

  it('changes the hash when a source changes, and only then', async () => {
    const dir = path.join(tmp, 'hash');
    cpSync(KMOD, dir, { recursive: true, filter: (s) => !/\.(o|ko|cmd)$/.test(s) });
    const a = await readModuleSources(dir);
    writeFileSync(path.join(dir, 'notes.md'), 'not a build input');
    assert.equal((await readModuleSources(dir)).hash, a.hash);
    writeFileSync(path.join(dir, 'nlreply.c'), `${readFileSync(path.join(dir, 'nlreply.c'), 'utf8')}\n/* edit */\n`);
    assert.notEqual((await readModuleSources(dir)).hash, a.hash);
  });

  it('says what is missing', async () => {
    const empty = path.join(tmp, 'empty');
    cpSync(path.join(KMOD, 'README.md'), path.join(empty, 'README.md'));
    await assert.rejects(readModuleSources(empty), /has no \.c file/);
    await assert.rejects(readModuleSources(path.join(tmp, 'nope')), /cannot be read/);
    const two = path.join(tmp, 'two');
    cpSync(path.join(KMOD, 'nlreply.c'), path.join(two, 'a.c'));
    writeFileSync(path.join(two, 'Kbuild'), 'obj-m := a.o b.o\n');
    await assert.rejects(readModuleSources(two), /obj-m names 2 modules \(a, b\)/);
    assert.throws(
      () => remoteBuildPaths({ workFolder: 'relative/dir' }, { hash: 'x', moduleName: 'm' }),
      /absolute path/,
    );
  });
});

describe('kernel log: what is new since the last read', () => {
  const log = (from: number, to: number): string[] =>
    Array.from({ length: to - from }, (_, i) => `[    ${from + i}.000000] line ${from + i}`);

  it('returns everything the first time, then only the lines after those seen', () => {
    assert.deepEqual(newKernelLogLines([], log(0, 3)), { lines: log(0, 3), gap: false });
    assert.deepEqual(newKernelLogLines(log(0, 3), log(0, 5)), { lines: log(3, 5), gap: false });
    assert.deepEqual(newKernelLogLines(log(0, 5), log(0, 5)), { lines: [], gap: false });
  });

  it('finds its place in a tail that no longer starts where the log starts', () => {
    assert.deepEqual(newKernelLogLines(log(95, 100), log(50, 120)), { lines: log(100, 120), gap: false });
  });

  it('reports a gap when the lines seen scrolled out (or the log was cleared)', () => {
    assert.deepEqual(newKernelLogLines(log(0, 5), log(500, 900)), { lines: log(500, 900), gap: true });
  });

  it('matches on several lines, so a repeated last line does not confuse it', () => {
    const seen = ['a', 'b', 'same'];
    assert.deepEqual(newKernelLogLines(seen, ['a', 'b', 'same', 'same', 'c']), { lines: ['same', 'c'], gap: false });
  });
});

describe('new module from the reference module', () => {
  it('copies sources, spec, README and exercises, never build products', async () => {
    const template = path.join(tmp, 'template');
    cpSync(KMOD, template, { recursive: true });
    writeFileSync(path.join(template, 'nlreply.o'), 'object');
    writeFileSync(path.join(template, '.nlreply.o.cmd'), 'cmd');
    writeFileSync(path.join(template, 'nlreply.ko'), 'ko');
    const dest = path.join(tmp, 'mymodule');
    const written = await copyModuleTemplate(template, dest);
    assert.ok(
      written.includes('nlreply.c') &&
        written.includes('Kbuild') &&
        written.includes('Makefile') &&
        written.includes('README.md'),
    );
    if (existsSync(path.join(KMOD, 'exercises', 'nlreply.yaml')))
      assert.ok(written.includes('exercises/nlreply.yaml'), written.join(','));
    assert.ok(!readdirSync(dest).some((f) => /\.(o|ko|cmd)$/.test(f)));
    assert.equal(
      readFileSync(path.join(dest, 'nlreply.c'), 'utf8'),
      readFileSync(path.join(KMOD, 'nlreply.c'), 'utf8'),
    );
  });

  it('never overwrites: an existing folder is refused and left alone', async () => {
    const dest = path.join(tmp, 'existing');
    cpSync(path.join(KMOD, 'Kbuild'), path.join(dest, 'Kbuild'));
    writeFileSync(path.join(dest, 'nlreply.c'), 'mine');
    await assert.rejects(copyModuleTemplate(KMOD, dest), /already exists: nothing was overwritten/);
    assert.equal(readFileSync(path.join(dest, 'nlreply.c'), 'utf8'), 'mine');
  });

  it('accepts plain folder names only', () => {
    assert.equal(checkNewModuleName('my_module-2'), undefined);
    for (const bad of ['', '../x', 'a/b', '.hidden', '-x', 'a b']) assert.ok(checkNewModuleName(bad), bad);
  });
});

describe('where diagnostics go', () => {
  it("underlines the token at gcc's column, or the line when there is no column", () => {
    const lines = ['int main(void)', '{', '\tint unused_var;', '#define NLMSG_ALIGNTO 8U'];
    // gcc's columns are display columns: the tab counts 8 ("\tint unused_var;" -> unused_var at 13).
    assert.deepEqual(diagnosticSpan(lines, 3, 13), { line: 2, start: 5, end: 15 });
    assert.deepEqual(diagnosticSpan(lines, 1, 5), { line: 0, start: 4, end: 8 });
    assert.deepEqual(diagnosticSpan(lines, 4, 1), { line: 3, start: 0, end: 24 });
    assert.deepEqual(diagnosticSpan(lines, 2, 1), { line: 1, start: 0, end: 1 });
    assert.deepEqual(diagnosticSpan(lines, 99, 1), { line: 98, start: 0, end: 0 });
  });

  it('resolves the module folder setting against the first workspace folder', () => {
    assert.deepEqual(resolveModuleFolder(undefined, ['/ws']), { dir: path.resolve('/ws/kmod') });
    assert.deepEqual(resolveModuleFolder('drivers/mine', ['/ws', '/other']), { dir: path.resolve('/ws/drivers/mine') });
    assert.deepEqual(resolveModuleFolder('/abs/mod/', []), { dir: path.normalize('/abs/mod/') });
    assert.match((resolveModuleFolder('kmod', []) as { error: string }).error, /no folder is open/);
  });
});
