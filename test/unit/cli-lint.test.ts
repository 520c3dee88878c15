// `cli.js lint` as a user runs it: text, JSON and SARIF output, exit statuses, folders searched for *.c/*.h, and bad
// input (binary, too large, nested too deep) reported with its place while the other files are still checked.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const root = join(__dirname, '../..');
const CLI = join(root, 'extension/src/cli.ts');
const SEED = 'test/fixtures/lint/seed-textbook.c';
const run = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', CLI, 'lint', ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    timeout: 120_000,
  });

const tmp = mkdtempSync(join(tmpdir(), 'cli-lint-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const SEED_LINES = [
  `${SEED}:24:56: payload-as-string: nlmsg_data() printed with %s: the payload is not NUL-terminated; use %.*s with its length`,
  `${SEED}:44:3: skb-free-after-send: kfree_skb(skb_out) after nlmsg_unicast() (line 41) took the skb: a double free (netlink frees it itself when the send fails)`,
];

describe('lint CLI', () => {
  it('prints file:line:col: rule: message and exits 1 on findings', () => {
    const r = run([SEED, 'kmod/nlreply.c']);
    assert.equal(r.status, 1, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n'), SEED_LINES);
    assert.equal(r.stderr, '');
  });

  it('exits 0 with no output on clean code (the reference module)', () => {
    const r = run(['kmod']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
  });

  it('--json prints an array of {file, line, column, endLine, endColumn, rule, severity, message}', () => {
    const r = run(['--json', SEED]);
    assert.equal(r.status, 1, r.stderr);
    const found = JSON.parse(r.stdout) as Record<string, unknown>[];
    assert.equal(found.length, 2);
    assert.deepEqual(found[1], {
      file: SEED,
      line: 44,
      column: 3,
      endLine: 44,
      endColumn: 21,
      rule: 'skb-free-after-send',
      severity: 'error',
      message:
        'kfree_skb(skb_out) after nlmsg_unicast() (line 41) took the skb: a double free (netlink frees it itself when the send fails)',
    });
    assert.deepEqual(JSON.parse(run(['--json', 'kmod']).stdout), []);
  });

  it('--sarif prints SARIF 2.1.0 with every property the spec requires', () => {
    const r = run(['--sarif', SEED]);
    assert.equal(r.status, 1, r.stderr);
    const log = JSON.parse(r.stdout) as {
      version: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string }[] } };
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          message: { text: string };
          locations: {
            physicalLocation: {
              artifactLocation: { uri: string };
              region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
            };
          }[];
        }[];
      }[];
    };
    // SARIF 2.1.0 §3.13 sarifLog: version and runs required; §3.14 run: tool; §3.18 tool: driver; §3.19
    // toolComponent: name; §3.27 result: message; §3.11 message: text (or id); §3.29 physicalLocation: an
    // artifactLocation (or address); §3.30 region: 1-based lines and columns; §3.27.10 level from its enum.
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs.length, 1);
    const run0 = log.runs[0]!;
    assert.equal(typeof run0.tool.driver.name, 'string');
    assert.equal(run0.results.length, 2);
    for (const res of run0.results) {
      assert.equal(typeof res.message.text, 'string');
      assert.ok(['none', 'note', 'warning', 'error'].includes(res.level));
      assert.equal(run0.tool.driver.rules[res.ruleIndex]!.id, res.ruleId);
      const loc = res.locations[0]!.physicalLocation;
      assert.equal(loc.artifactLocation.uri, SEED);
      assert.ok(loc.region.startLine >= 1 && loc.region.startColumn >= 1);
      assert.ok(loc.region.endLine >= loc.region.startLine);
    }
    assert.deepEqual(
      run0.results.map((x) => [x.ruleId, x.locations[0]!.physicalLocation.region.startLine]),
      [
        ['payload-as-string', 24],
        ['skb-free-after-send', 44],
      ],
    );
  });

  it('exits 2 on usage errors', () => {
    for (const args of [[], ['--bogus', SEED], ['--json', '--sarif', SEED], ['no/such/file.c']]) {
      const r = run(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^netlink-decode lint: /);
      assert.equal(r.stdout, '');
    }
  });

  it('searches folders for *.c and *.h only, without following a symlink loop', () => {
    const dir = join(tmp, 'tree');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    const bug =
      'static void f(struct sock *sk, u32 p)\n{\n\tstruct sk_buff *skb = nlmsg_new(1, 0);\n\n\tif (!skb)\n\t\treturn;\n\tif (nlmsg_unicast(sk, skb, p))\n\t\tkfree_skb(skb);\n}\n';
    writeFileSync(join(dir, 'a.c'), bug);
    writeFileSync(join(dir, 'sub', 'b.h'), bug);
    writeFileSync(join(dir, 'sub', 'c.txt'), bug);
    symlinkSync(dir, join(dir, 'sub', 'loop'));
    const r = run([dir]);
    assert.equal(r.status, 1, r.stderr);
    assert.deepEqual(
      r.stdout
        .trimEnd()
        .split('\n')
        .map((l) => l.slice(dir.length + 1).split(': ')[0]),
      ['a.c:8:3', 'sub/b.h:8:3'],
    );
  });

  it('reports binary, huge and deeply nested files with their place, in bounded time, and checks the others', () => {
    writeFileSync(join(tmp, 'binary.c'), Buffer.from('int x;\n\0\x01\x02'));
    writeFileSync(join(tmp, 'huge.c'), 'int x;\n'.repeat(700_000));
    writeFileSync(join(tmp, 'deep.c'), `int f(void)\n{\n\treturn ${'('.repeat(100_000)}1${')'.repeat(100_000)};\n}\n`);
    const started = Date.now();
    const r = run([join(tmp, 'binary.c'), join(tmp, 'huge.c'), join(tmp, 'deep.c'), SEED]);
    const ms = Date.now() - started;
    assert.equal(r.status, 1);
    assert.deepEqual(r.stdout.trimEnd().split('\n'), SEED_LINES);
    const errors = r.stderr.trimEnd().split('\n');
    assert.equal(errors.length, 3, r.stderr);
    assert.match(errors[0]!, /binary\.c:2:1: error: not checked: binary data/);
    assert.match(errors[1]!, /huge\.c: error: larger than 4 MiB/);
    assert.match(errors[2]!, /deep\.c:\d+:\d+: error: not checked: nesting deeper than 800 levels/);
    assert.ok(ms < 60_000, `${ms} ms`);
  });
});
