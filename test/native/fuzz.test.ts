// Runs the libFuzzer target (native/fuzz/nlh_fuzz.c: request-line parser, message walker, ext-ack reader, hex
// codec) for a bounded time, seeded with real request lines and real kernel datagrams.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { fuzzBinary, lines, repoRoot, requireBinary, runHelper, variants } from './helper-process';
import { getFamily, getLink, getLinkDump, newLinkBogusKind, noop } from '../support/netlink-bytes';

const seconds = Number(process.env.NLHELPER_FUZZ_SECONDS ?? (process.env.CI ? 60 : 30));
const cache = process.env.NETLINK_CACHE ?? path.join(repoRoot, '.cache');

/** Seeds: request lines of every command, and datagrams the kernel really sent. */
async function writeSeeds(dir: string): Promise<void> {
  const hex = (b: Buffer): string => b.toString('hex');
  const requests = [
    `1 xchg 0 1000 ${hex(getLinkDump(1))}`,
    `2 xchg 16 500 ${hex(getFamily(2, 'nlctrl'))}`,
    '3 subscribe 0 1,5,7',
    '4 unsubscribe 0 5',
    '5 option 0 strict_chk 1',
    '6 info',
    `7 bench 0 10 100 ${hex(getLink(1, 1))}`,
    `8 send 0 3 4096 ${hex(noop(1))}`,
    '9 close all',
    '10 ping',
    '11 quit',
    'bad',
    '',
    '- ping',
    'x xchg 0 1 0g',
    '12 quit\0 after a NUL',
  ];
  requests.forEach((line, i) => writeFileSync(path.join(dir, `line-${i}`), `${line}`));
  const release = variants[0].binary;
  const captures = [
    ['0', hex(getLinkDump(3))],
    ['16', hex(getFamily(4, 'nlctrl'))],
    ['0', hex(newLinkBogusKind(5))],
  ];
  for (const [protocol, request] of captures) {
    const r = await runHelper(release, ['xchg', '--protocol', protocol, request]);
    lines(r.stdout).forEach((reply, i) =>
      writeFileSync(path.join(dir, `kernel-${protocol}-${request.slice(8, 12)}-${i}`), Buffer.from(reply, 'hex')),
    );
  }
}

test(
  `fuzz target runs ${seconds} s without a crash, leak or UB report`,
  { timeout: (seconds + 120) * 1000 },
  async (t) => {
    const binary = requireBinary(fuzzBinary);
    const corpus = path.join(cache, 'fuzz', 'nlhelper');
    mkdirSync(corpus, { recursive: true });
    const work = mkdtempSync(path.join(os.tmpdir(), 'nlhelper-fuzz-'));
    const seeds = path.join(work, 'seeds');
    mkdirSync(seeds);
    await writeSeeds(seeds);
    const dict = path.join(work, 'nlhelper.dict');
    writeFileSync(
      dict,
      [
        'xchg',
        'subscribe',
        'unsubscribe',
        'option',
        'info',
        'bench',
        'send',
        'close',
        'ping',
        'quit',
        'ext_ack',
        'strict_chk',
        'cap_ack',
        'all',
        ' ',
        ',',
        '\\x0a',
      ]
        .map((w) => `"${w}"`)
        .join('\n') + '\n',
    );

    const args = [
      `-max_total_time=${seconds}`,
      '-timeout=10',
      '-rss_limit_mb=2048',
      '-max_len=4096',
      `-dict=${dict}`,
      `-artifact_prefix=${work}/`,
      '-print_final_stats=1',
      corpus,
      seeds,
    ];
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
      const killer = setTimeout(() => child.kill('SIGKILL'), (seconds + 90) * 1000);
      child.on('error', reject);
      child.on('close', (c) => {
        clearTimeout(killer);
        resolve({ code: c, output: out });
      });
    });
    const crashes = readdirSync(work).filter((f) => /^(crash|leak|timeout|oom|slow-unit)-/.test(f));
    assert.deepEqual(crashes, [], `artifacts in ${work}:\n${output.slice(-3000)}`);
    assert.equal(code, 0, output.slice(-3000));
    const runs = /Done (\d+) runs in (\d+) second/.exec(output);
    assert.ok(runs, output.slice(-2000));
    assert.ok(Number(runs[1]) > 1000, `only ${runs[1]} runs`);
    t.diagnostic(`${runs[1]} runs in ${runs[2]} s; corpus ${readdirSync(corpus).length} files`);
  },
);
