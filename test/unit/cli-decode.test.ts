// The decode CLI as a user runs it (node on extension/src/cli.ts, input on argv or stdin): decoded strings reach
// the terminal escaped while --json keeps them exact, huge inputs decode instead of overflowing the stack, and a
// reader that goes away (`| head`) ends the run quietly.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { concatBytes, encodeAttrs, encodeMessage, toHex } from '../../extension/src/netlink/index';
import { linkNamed, RETITLE } from '../support/hostile';

const CLI = join(__dirname, '../../extension/src/cli.ts');
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', CLI, 'decode', ...args], {
    input,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    timeout: 300_000,
  });

/** RTM_NEWLINK with `count` empty attributes of an unknown type (4 bytes each). */
function manyAttrs(count: number): Uint8Array {
  const ifinfo = new Uint8Array(16);
  return encodeMessage(
    { type: 16, flags: 0, seq: 1, pid: 0 },
    concatBytes([
      ifinfo,
      encodeAttrs(Array.from({ length: count }, () => ({ type: 0x3ff, payload: new Uint8Array(0) }))),
    ]),
  );
}

describe('decode CLI output', () => {
  it('shows a terminal title sequence in a decoded name as \\x1b ... \\x07, not as control bytes', () => {
    const r = run([toHex(linkNamed(RETITLE))]);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    assert.ok(r.stdout.includes('IFLA_IFNAME = "\\x1b]0;pwned\\x07"'), r.stdout);
  });

  it('keeps the exact string in --json (JSON escapes it)', () => {
    const r = run(['--json', toHex(linkNamed(RETITLE))]);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /\x1b/);
    const [m] = JSON.parse(r.stdout) as { attrs: { name: string; value: unknown }[] }[];
    assert.equal(m!.attrs.find((a) => a.name === 'IFLA_IFNAME')!.value, RETITLE);
  });

  it('decodes a message of 200,000 attributes, in text and in JSON', () => {
    const hex = toHex(manyAttrs(200_000));
    const text = run([], hex);
    assert.equal(text.status, 0, text.stderr);
    assert.equal(text.stdout.split('\n').filter((l) => l.startsWith('  link-attrs[1023] = (empty)')).length, 200_000);
    const json = run(['--json'], hex);
    assert.equal(json.status, 0, json.stderr);
    assert.equal((JSON.parse(json.stdout) as { attrs: unknown[] }[])[0]!.attrs.length, 200_000);
  });

  it('reads stdin redirected from a file: spaced hex in one piece, and a file over 64 MiB refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-stdin-file-'));
    const fromFile = (file: string, args: string[]) => {
      const fd = openSync(file, 'r');
      try {
        return spawnSync(process.execPath, ['--import', 'tsx', CLI, 'decode', ...args], {
          stdio: [fd, 'pipe', 'pipe'],
          encoding: 'utf8',
          maxBuffer: 1 << 30,
          timeout: 300_000,
        });
      } finally {
        closeSync(fd);
      }
    };
    try {
      const hex = join(dir, 'spaced.txt');
      // Upper case, tabs, CRLF: still the spaced form the CLI reads from the bytes.
      const pairs = toHex(manyAttrs(3)).toUpperCase().match(/../g) ?? [];
      writeFileSync(hex, pairs.map((p, i) => p + (i % 8 === 7 ? '\r\n' : '\t')).join(''));
      const r = fromFile(hex, ['--json']);
      assert.equal(r.status, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as { attrs: unknown[] }[])[0]!.attrs.length, 3);
      const big = join(dir, 'big.txt');
      writeFileSync(big, '');
      truncateSync(big, 64 * 1024 * 1024 + 1);
      const refused = fromFile(big, []);
      assert.equal(refused.status, 2);
      assert.match(refused.stderr, /stdin: larger than 64 MiB/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads 200,000 short hex lines from stdin and says none holds a header', () => {
    // A blank line after each: every line is a run of its own.
    const r = run([], 'log 0a 0b 0c 0d\n\n'.repeat(200_000));
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr, 'netlink-decode: found only 4 byte(s) of hex, fewer than a 16-byte netlink header\n');
  });

  it('writes 20,000 runs one after the other, as a single string would have', () => {
    const noop = toHex(encodeMessage({ type: 1, flags: 0, seq: 5, pid: 0 }, new Uint8Array(0)));
    const r = run([], `run: ${noop}\n\n`.repeat(20_000));
    assert.equal(r.status, 0, r.stderr);
    const blocks = r.stdout.split('\n\n');
    assert.equal(blocks.length, 20_000);
    assert.equal(
      blocks[19_999],
      '== run 19999 (16 bytes, route (0), guessed: the bytes fit other protocols as well; runner-up generic (16))\n' +
        '#0 @0 NLMSG_NOOP len=16 flags=0 seq=5 pid=0\n',
    );
  });

  it('decodes a strace session log dump by dump, each tied to its syscall line in text and in --json', () => {
    const log = readFileSync(join(__dirname, '../fixtures/text/getlink-dump.strace'), 'utf8');
    const text = run([], log);
    assert.equal(text.status, 0, text.stderr);
    const headers = text.stdout.split('\n').filter((l) => l.startsWith('== run'));
    assert.deepEqual(headers, [
      '== run 0 (32 bytes, route (0), inferred from the bytes; runner-up generic (16)) from line 3: sendto(3, ...) = 32',
      '== run 1 (2952 bytes, route (0), inferred from the bytes; runner-up nlreply (31)) from line 6: recvfrom(3, ...) = 2952',
      '== run 2 (2996 bytes, route (0), inferred from the bytes; runner-up nlreply (31)) from line 192: recvfrom(3, ...) = 2996',
      '== run 3 (20 bytes, route (0), guessed: the bytes fit other protocols as well; runner-up generic (16)) from line 381: recvfrom(3, ...) = 20',
    ]);
    const json = run(['--json'], log);
    assert.equal(json.status, 0, json.stderr);
    const messages = JSON.parse(json.stdout) as { run: number; source: unknown; typeName: string }[];
    assert.deepEqual(
      messages.map((m) => [m.run, m.typeName, m.source]),
      [
        [0, 'RTM_GETLINK', { line: 3, syscall: 'sendto', fd: 3, result: '32' }],
        [1, 'RTM_NEWLINK', { line: 6, syscall: 'recvfrom', fd: 3, result: '2952' }],
        [1, 'RTM_NEWLINK', { line: 6, syscall: 'recvfrom', fd: 3, result: '2952' }],
        [2, 'RTM_NEWLINK', { line: 192, syscall: 'recvfrom', fd: 3, result: '2996' }],
        [2, 'RTM_NEWLINK', { line: 192, syscall: 'recvfrom', fd: 3, result: '2996' }],
        [3, 'NLMSG_DONE', { line: 381, syscall: 'recvfrom', fd: 3, result: '20' }],
      ],
    );
  });

  it('ends quietly when the reader closes the pipe early', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'decode'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(toHex(manyAttrs(60_000)));
    // Like `| head -c 64`: take a little, then close the read end.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    assert.equal(status, 0, stderr);
    assert.equal(stderr, '');
  });
});
