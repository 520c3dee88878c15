// Issue 12: folders that hold what runs as the user or as root are used only when they are ours alone
// (target/privateFolder.ts), deployed files run only with the content they were deployed with (target/fileCheck.ts),
// and local paths reach ssh's own option parser quoted (target/quote.ts). The pure parts, and the local folder check
// on real folders (as root, a folder is given to another user too).
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { defaultLocalBuildRoot } from '../../extension/src/module/build';
import { checkedArgv, fileCheckRefusal } from '../../extension/src/target/fileCheck';
import {
  ensureLocalPrivateFolder,
  judgeFolder,
  keyValues,
  parseFolderReport,
  parseLsLine,
  type FolderFacts,
} from '../../extension/src/target/privateFolder';
import { sshPathProblem, sshPathValue } from '../../extension/src/target/quote';
import { controlSocketBase } from '../../extension/src/target/targets';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'private-folder-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const ME = { uid: 1000, name: 'dev' };
const folder = (over: Partial<FolderFacts> = {}): FolderFacts => ({ type: 'folder', mode: 0o700, uid: 1000, ...over });
const judge = (f: FolderFacts) => judgeFolder('the build folder', '/x/b', f, ME, 'or pick another');

describe('which folders are ours alone', () => {
  test('ours, 0700: used as it is', () => {
    assert.deepEqual(judge(folder()), { ok: true, tighten: false });
  });

  test('ours, others may read but not write (0755, 0750, 0711): used, tightened to 0700', () => {
    for (const mode of [0o755, 0o750, 0o711, 0o1700 | 0o055])
      assert.deepEqual(judge(folder({ mode })), { ok: true, tighten: true }, mode.toString(8));
  });

  test('another owner: refused, naming the folder, the owner and the user', () => {
    const v = judge(folder({ uid: 65534, owner: 'nobody' }));
    assert.deepEqual(v, {
      ok: false,
      problem:
        'the build folder /x/b belongs to nobody (uid 65534), not to dev (uid 1000), so it is not used: files in it may ' +
        'have been put there by someone else. Remove it (or pick another).',
    });
    const anonymous = judgeFolder('the build folder', '/x/b', folder({ uid: 4242 }), { uid: 0 }, 'r');
    assert.ok(!anonymous.ok && /belongs to uid 4242, not to uid 0,/.test(anonymous.problem), JSON.stringify(anonymous));
  });

  test('writable by the group or by everyone, sticky or not: refused with the mode', () => {
    const every = judge(folder({ mode: 0o777 }));
    assert.ok(!every.ok && every.problem.includes('can be written by every user (mode 0777)'), JSON.stringify(every));
    const sticky = judge(folder({ mode: 0o1777 }));
    assert.ok(!sticky.ok && sticky.problem.includes('(mode 01777)'), JSON.stringify(sticky));
    const group = judge(folder({ mode: 0o770 }));
    assert.ok(!group.ok && group.problem.includes('can be written by its group (mode 0770)'), JSON.stringify(group));
  });

  test('a symbolic link or a file: refused', () => {
    const link = judge(folder({ type: 'symlink', mode: 0o777 }));
    assert.ok(!link.ok && link.problem.includes('/x/b is a symbolic link'), JSON.stringify(link));
    const file = judge(folder({ type: 'other' }));
    assert.ok(!file.ok && file.problem.includes('/x/b is not a folder'), JSON.stringify(file));
  });
});

describe('ls -ldn as the target prints it', () => {
  test('GNU coreutils and busybox lines', () => {
    assert.deepEqual(parseLsLine('drwx------ 2 1000 1000 4096 Dec  5 21:15 /home/dev/.cache/netlink-workbench'), {
      type: 'folder',
      mode: 0o700,
      uid: 1000,
    });
    assert.deepEqual(parseLsLine('drwxr-xr-x    3 0        0             4096 Dec  5 21:15 a b'), {
      type: 'folder',
      mode: 0o755,
      uid: 0,
    });
    assert.deepEqual(parseLsLine('lrwxrwxrwx 1 65534 65534 4 Dec  5 21:15 /w -> /tmp'), {
      type: 'symlink',
      mode: 0o777,
      uid: 65534,
    });
    assert.deepEqual(parseLsLine('-rw-r--r-- 1 0 0 4 Dec  5 21:15 /w'), { type: 'other', mode: 0o644, uid: 0 });
  });

  test('special bits, an ACL or SELinux mark after the mode', () => {
    assert.equal(parseLsLine('drwxrwxrwt 10 0 0 4096 Dec  5 21:15 /tmp')?.mode, 0o1777);
    assert.equal(parseLsLine('drwxr-s--- 2 1000 50 4096 Dec  5 21:15 /g')?.mode, 0o2750);
    assert.equal(parseLsLine('drwS------ 2 1000 50 4096 Dec  5 21:15 /s')?.mode, 0o4600);
    assert.equal(parseLsLine('drwx------+ 2 1000 1000 4096 Dec  5 21:15 /acl')?.mode, 0o700);
    assert.equal(parseLsLine('drwx------. 2 1000 1000 4096 Dec  5 21:15 /selinux')?.mode, 0o700);
  });

  test('not an ls line: undefined', () => {
    assert.equal(parseLsLine(''), undefined);
    assert.equal(parseLsLine('ls: cannot access'), undefined);
  });

  test("report_folder's lines: who logs in, and the folder when it exists", () => {
    const r = parseFolderReport(
      keyValues(
        'uid=1000\nuser=dev\nls=drwxr-xr-x 2 0 0 40 Dec  5 21:15 /w\nlsname=drwxr-xr-x 2 root root 40 Dec  5 21:15 /w\n',
      ),
      '/w',
    );
    assert.deepEqual(r, {
      me: { uid: 1000, name: 'dev' },
      facts: { type: 'folder', mode: 0o755, uid: 0, owner: 'root' },
    });
    assert.deepEqual(parseFolderReport(keyValues('uid=0\nuser=\n'), '/w'), { me: { uid: 0 } });
    assert.throws(() => parseFolderReport(keyValues('user=x\n'), '/w'), /did not say who the login user is/);
    assert.throws(
      () => parseFolderReport(keyValues('uid=0\nls=garbage\n'), '/w'),
      /cannot read ls -ldn's line for \/w/,
    );
  });
});

describe('the local folder check on real folders', () => {
  const remedy = 'or set another';

  test('a missing folder is made 0700, parents included', () => {
    const f = path.join(tmp, 'new', 'deeper');
    ensureLocalPrivateFolder(f, 'the local build folder', remedy);
    assert.equal(statSync(f).mode & 0o777, 0o700);
  });

  test(
    "another user's folder is refused, naming folder and owner",
    { skip: process.getuid?.() !== 0 && 'giving a folder to another user needs root' },
    () => {
      const f = path.join(tmp, 'nobodys');
      mkdirSync(f, { mode: 0o700 });
      chownSync(f, 65534, 65534);
      assert.throws(
        () => ensureLocalPrivateFolder(f, 'the local build folder', remedy),
        new RegExp(
          `^Error: the local build folder ${f} belongs to (nobody \\()?uid 65534\\)?, not to root \\(uid 0\\), so it is not used`,
        ),
      );
    },
  );

  test('a world-writable folder is refused and left as it was', () => {
    const f = path.join(tmp, 'open');
    mkdirSync(f);
    chmodSync(f, 0o777);
    assert.throws(
      () => ensureLocalPrivateFolder(f, 'the local build folder', remedy),
      /can be written by every user \(mode 0777\)/,
    );
    assert.equal(statSync(f).mode & 0o777, 0o777);
  });

  test('a symbolic link to a folder of ours is refused; so is a file in the way', () => {
    const real = path.join(tmp, 'real');
    mkdirSync(real, { mode: 0o700 });
    const link = path.join(tmp, 'link');
    symlinkSync(real, link);
    assert.throws(() => ensureLocalPrivateFolder(link, 'the local build folder', remedy), /is a symbolic link/);
    assert.ok(lstatSync(link).isSymbolicLink());
    const file = path.join(tmp, 'file');
    writeFileSync(file, '');
    assert.throws(() => ensureLocalPrivateFolder(file, 'the local build folder', remedy), /is not a folder/);
  });

  test('a folder of ours that others may read is tightened', () => {
    const f = path.join(tmp, 'readable');
    mkdirSync(f);
    chmodSync(f, 0o755);
    ensureLocalPrivateFolder(f, 'the local build folder', remedy);
    assert.equal(statSync(f).mode & 0o777, 0o700);
  });

  test("the default local build folder is the user's cache folder, not a fixed name in /tmp", () => {
    assert.equal(defaultLocalBuildRoot({ XDG_CACHE_HOME: '/c' }, '/home/dev'), '/c/netlink-workbench/kmod-build');
    assert.equal(defaultLocalBuildRoot({}, '/home/dev'), '/home/dev/.cache/netlink-workbench/kmod-build');
    assert.equal(
      defaultLocalBuildRoot({ XDG_CACHE_HOME: 'relative' }, '/home/dev'),
      '/home/dev/.cache/netlink-workbench/kmod-build',
    );
  });
});

describe('the content check of a deployed file', () => {
  const check = { file: '/w/nlhelper', sha256: 'a'.repeat(64) };

  test('the check goes in front of the command, as positional parameters', () => {
    const argv = checkedArgv(check, ['sudo', '-n', '--', '/w/nlhelper', 'serve']);
    assert.deepEqual(argv.slice(3), ['sh', '/w/nlhelper', 'a'.repeat(64), 'sudo', '-n', '--', '/w/nlhelper', 'serve']);
    assert.deepEqual(argv.slice(0, 2), ['sh', '-c']);
    assert.throws(() => checkedArgv({ file: '/w', sha256: 'abc' }, ['x']), /not a sha256/);
  });

  test('its refusals become one clear error; other failures are not its own', () => {
    const changed = fileCheckRefusal(97, `nlwb-check: sha256 ${'b'.repeat(64)}\n`, check, 't', true);
    assert.equal(changed?.kind, 'changed-file');
    assert.equal(
      changed?.message,
      `target "t": /w/nlhelper is not the file that was put there (sha256 ${'b'.repeat(16)}…, expected ${'a'.repeat(16)}…): ` +
        'something changed it after the upload, so nothing ran as root. Find out what changed it, then remove it; the next build or deployment puts it back.',
    );
    assert.match(
      fileCheckRefusal(97, 'nlwb-check: unreadable\n', check, 't', false)?.message ?? '',
      /\/w\/nlhelper is gone or unreadable, so nothing ran:/,
    );
    assert.match(
      fileCheckRefusal(97, 'nlwb-check: no-sha256sum\n', check, 't', true)?.message ?? '',
      /has no sha256sum \(coreutils or busybox\)/,
    );
    assert.equal(fileCheckRefusal(97, "the program's own exit 97\n", check, 't', true), undefined);
    assert.equal(fileCheckRefusal(1, 'nlwb-check: unreadable\n', check, 't', true), undefined);
  });
});

describe('local paths as ssh option values', () => {
  test('double-quoted, % doubled, tokens appended as written', () => {
    assert.equal(sshPathValue('/tmp/a b/k'), '"/tmp/a b/k"');
    assert.equal(sshPathValue('/tmp/100%/k'), '"/tmp/100%%/k"');
    assert.equal(sshPathValue('/tmp/x y', '/%C'), '"/tmp/x y/%C"');
    assert.equal(sshPathValue("/it's/k"), '"/it\'s/k"');
  });

  test('what no OpenSSH reads back the same is refused', () => {
    for (const p of ['/a"b', '/a\\b', '/a/${HOME}/k', '/a\nb']) {
      assert.ok(sshPathProblem(p), p);
      assert.throws(() => sshPathValue(p), /cannot carry/);
    }
    assert.equal(sshPathProblem('/a $b/k'), undefined, 'a $ without { is not expanded');
  });

  test("the ControlMaster folder's base: TMPDIR when ssh can carry it and the socket path fits, else /tmp", () => {
    assert.equal(controlSocketBase('/tmp/a b'), '/tmp/a b');
    assert.equal(controlSocketBase('/tmp/a"b'), '/tmp');
    assert.equal(controlSocketBase('/tmp/${X}'), '/tmp');
    assert.equal(controlSocketBase(`/var/folders/${'x'.repeat(40)}/T`), '/tmp');
  });
});
