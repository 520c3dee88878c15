// Spec, exercise and stdin input that is no ordinary small file: a FIFO, a symlink to /dev/zero, a symlink out of
// the workspace, a file larger than the limit (one whose stat says 0 bytes too). Each must give a problem line that
// names the file, in bounded time. They run in a child process with a deadline: a reader that blocks (open() of a
// FIFO waits for a writer) or eats memory (/dev/zero never ends) blocks the whole thread, so only a process the test
// can kill shows that as a failure instead of hanging the test run.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { specOf } from '../vscode/workspace-specs';

const repoRoot = resolve(__dirname, '..', '..');
const CHILD_TIMEOUT_MS = 20_000;

/** A spec of a family no other source defines: decodes protocol 30 type 16 as "hello". */
const WSONLY_SPEC = specOf('wsonly', 30);

interface ChildResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number | null;
  readonly ms: number;
}

/** Runs `args` under node + tsx in the repository; fails the test when it does not end in time or is killed. */
function runChild(
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string | Buffer } = {},
): ChildResult {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: CHILD_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, ...options.env },
    input: options.input,
  });
  const ms = Date.now() - t0;
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT')
    assert.fail(`did not finish within ${CHILD_TIMEOUT_MS / 1000} s (it hangs): ${args.join(' ')}`);
  if (r.signal) assert.fail(`killed by ${r.signal} after ${ms} ms (out of memory?): ${r.stderr.slice(-2000)}`);
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, ms };
}

interface LoadResult {
  readonly problems: string[];
  readonly families: string[];
}

/** `expr` evaluated in a child with specFiles.ts as `s` and the loader's input as `a`; its { problems, families }. */
function loadInChild(expr: string, input: unknown): LoadResult {
  const code = `const s = require('./extension/src/specs/specFiles.ts'); const a = JSON.parse(process.env.INPUT);
const r = ${expr};
const families = r.families ? r.families.map((f) => f.name) : r.registry.families().map((f) => f.name);
process.stdout.write(JSON.stringify({ problems: r.problems, families }));`;
  const r = runChild(['-e', code], { env: { INPUT: JSON.stringify(input) } });
  assert.equal(r.status, 0, `the load failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout) as LoadResult;
}

function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', [path], { encoding: 'utf8' });
  assert.equal(r.status, 0, `mkfifo ${path}: ${r.stderr}`);
}

/** /proc/kallsyms: a regular file whose stat size is 0 while it holds megabytes (when this kernel lets us read it). */
function kallsymsLength(): number {
  try {
    return readFileSync('/proc/kallsyms').length;
  } catch {
    return 0;
  }
}

describe('spec files that are no ordinary small file', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'netlink-hostile-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("a FIFO in a spec folder: a located problem, the folder's other spec still loads", () => {
    const dir = join(root, 'fifo-specs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a-good.yaml'), WSONLY_SPEC);
    mkfifo(join(dir, 'b-fifo.yaml'));
    const r = loadInChild('s.loadSpecFiles(a)', [dir]);
    assert.deepEqual(r.problems, [`${join(dir, 'b-fifo.yaml')}: not a regular file (a FIFO)`]);
    assert.deepEqual(r.families, ['wsonly']);
  });

  it("a symlink to /dev/zero in a user's spec folder: refused before reading (no endless read)", () => {
    const dir = join(root, 'zero-specs');
    mkdirSync(dir);
    symlinkSync('/dev/zero', join(dir, 'zero.yaml'));
    const r = loadInChild('s.loadSpecFiles(a)', [dir]);
    assert.deepEqual(r.problems, [`${join(dir, 'zero.yaml')}: not a regular file (a character device)`]);
  });

  it('a regular file over the limit: a located problem', () => {
    const dir = join(root, 'big-specs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'big.yaml'), Buffer.alloc(4 * 1024 * 1024 + 1, 0x23)); // '#': a YAML comment
    const r = loadInChild('s.loadSpecFiles(a)', [dir]);
    assert.deepEqual(r.problems, [`${join(dir, 'big.yaml')}: larger than 4 MiB, not a family spec`]);
  });

  it('a file that says 0 bytes but holds more than the limit (/proc/kallsyms): counted while reading', (t) => {
    if (kallsymsLength() <= 4 * 1024 * 1024)
      return t.skip('/proc/kallsyms is not readable here or not larger than 4 MiB');
    const dir = join(root, 'proc-specs');
    mkdirSync(dir);
    symlinkSync('/proc/kallsyms', join(dir, 'kallsyms.yaml'));
    const r = loadInChild('s.loadSpecFiles(a)', [dir]);
    assert.deepEqual(r.problems, [`${join(dir, 'kallsyms.yaml')}: larger than 4 MiB, not a family spec`]);
  });

  describe('a kernel tree in the workspace (Documentation/netlink/specs)', () => {
    let ws: string;
    let specs: string;
    const sources = (trusted: boolean): object => ({
      specFolders: [],
      genlFamilyIds: {},
      workspaceFolders: [ws],
      workspaceTrusted: trusted,
    });
    before(() => {
      ws = join(root, 'ws');
      specs = join(ws, 'Documentation', 'netlink', 'specs');
      mkdirSync(specs, { recursive: true });
      const outside = join(root, 'outside');
      mkdirSync(outside);
      writeFileSync(join(outside, 'stolen.yaml'), specOf('stolen', 29));
      writeFileSync(join(specs, 'wsonly.yaml'), WSONLY_SPEC);
      // A link that stays inside the workspace is followed.
      writeFileSync(join(ws, 'inside.yaml'), specOf('inside', 28));
      symlinkSync(join(ws, 'inside.yaml'), join(specs, 'inside.yaml'));
      symlinkSync(join(outside, 'stolen.yaml'), join(specs, 'stolen.yaml'));
      symlinkSync('/dev/zero', join(specs, 'zero.yaml'));
      mkfifo(join(specs, 'fifo.yaml'));
    });

    it('trusted: links out of the workspace are refused (a spec elsewhere, /dev/zero), links inside it followed', () => {
      const r = loadInChild('s.registryFor(a, "/nonexistent/dist")', sources(true));
      assert.deepEqual(r.problems, [
        `${join(specs, 'fifo.yaml')}: not a regular file (a FIFO)`,
        `${join(specs, 'stolen.yaml')}: resolves to ${join(root, 'outside', 'stolen.yaml')}, outside the workspace (symlinks are followed only inside it)`,
        `${join(specs, 'zero.yaml')}: resolves to /dev/zero, outside the workspace (symlinks are followed only inside it)`,
      ]);
      assert.deepEqual(r.families.filter((n) => !['rtnetlink', 'nlctrl'].includes(n)).sort(), ['inside', 'wsonly']);
    });

    it('untrusted: none of its files is read, one line says they wait for trust', () => {
      const r = loadInChild('s.registryFor(a, "/nonexistent/dist")', sources(false));
      assert.deepEqual(r.problems, [`${specs}: not loaded until the workspace is trusted`]);
      assert.deepEqual(
        r.families.filter((n) => !['rtnetlink', 'nlctrl'].includes(n)),
        [],
      );
    });
  });
});

describe('exercise files that are no ordinary small file', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'netlink-hostile-ex-'));
    symlinkSync('/dev/zero', join(dir, 'zero.yaml'));
    mkfifo(join(dir, 'fifo.yaml'));
    writeFileSync(
      join(dir, 'e.yaml'),
      'protocol: 31\nspec: ./zero.yaml\nsteps:\n  - {name: a, send: {flags: 5}, expect: ack}\n',
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const exerciseChild = (expr: string): string => {
    const code = `const l = require('./extension/src/exercise/loadFile.ts'); const d = process.env.DIR;
Promise.resolve().then(async () => ${expr}).then((v) => process.stdout.write(JSON.stringify(v)), (e) => process.stdout.write(JSON.stringify({ thrown: e.message })));`;
    const r = runChild(['-e', code], { env: { DIR: dir } });
    assert.equal(r.status, 0, r.stderr.slice(-2000));
    return r.stdout;
  };

  it('a spec: that links to /dev/zero is a problem at the spec line', () => {
    const out = JSON.parse(exerciseChild('(await l.loadExerciseFile(d + "/e.yaml")).problems')) as {
      line: number;
      message: string;
    }[];
    assert.equal(out.length, 1);
    assert.equal(out[0]!.line, 2);
    assert.equal(
      out[0]!.message,
      `spec ./zero.yaml: ${join(dir, 'zero.yaml')}: not a regular file (a character device)`,
    );
  });

  it('an exercise file that is a FIFO is refused with its path, not waited for', () => {
    const out = JSON.parse(exerciseChild('l.loadExerciseFile(d + "/fifo.yaml")')) as { thrown?: string };
    assert.equal(out.thrown, `${join(dir, 'fifo.yaml')}: not a regular file (a FIFO)`);
  });
});

describe('the CLI with hostile spec folders and stdin', () => {
  let dir: string;
  const HEX = ['14000000100005000100000000000000', '68690000'];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'netlink-hostile-cli-'));
    writeFileSync(join(dir, 'wsonly.yaml'), WSONLY_SPEC);
    mkfifo(join(dir, 'fifo.yaml'));
    symlinkSync('/dev/zero', join(dir, 'zero.yaml'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--spec-dir with a FIFO and a link to /dev/zero: one warning line each, the good spec decodes', () => {
    const r = runChild(['extension/src/cli.ts', 'decode', '--protocol', '30', '--spec-dir', dir, ...HEX]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stderr.trim().split('\n'), [
      `warning: ${join(dir, 'fifo.yaml')}: not a regular file (a FIFO)`,
      `warning: ${join(dir, 'zero.yaml')}: not a regular file (a character device)`,
    ]);
    assert.match(r.stdout, /hello len=20 .*\[wsonly\]/);
  });

  it('stdin over 64 MiB: exit 2 with the reason', () => {
    const r = runChild(['extension/src/cli.ts', 'decode'], { input: Buffer.alloc(64 * 1024 * 1024 + 1, 0x20) });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^netlink-decode: stdin: larger than 64 MiB \(decode a part of it/);
  });

  it('a log on stdin (dmesg | decode) still decodes', () => {
    const r = runChild(['extension/src/cli.ts', 'decode', '--protocol', '30', '--spec-dir', join(dir, 'none')], {
      input: `[  1.0] nlreply: got ${HEX.join('')}\n[  1.1] other line\n`,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /protocol 30 type 16 len=20/);
  });
});
