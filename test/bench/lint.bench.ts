// The netlink lint's speed: one 3,000-line C file (the fixture corpus and the reference module, repeated) linted
// as the language server does on every change (parse, CFG, dataflow, checks), goal under 100 ms; and, when the
// kernel tree is in the cache (test/fixtures/lint/fetch-kernel-net.sh), the CLI over net/ (goal under 60 s).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintText } from '../../extension/src/lint/lint';
import { cParser } from '../../extension/src/lint/parse';
import { wasmFiles } from '../../extension/src/lint/wasmFiles';
import { section, summarize } from './section';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LINES = 3000;
const ROUNDS = 20;

function threeThousandLines(): string {
  const dir = join(repo, 'test', 'fixtures', 'lint');
  const parts = [
    ...readdirSync(dir)
      .filter((f) => f.endsWith('.c'))
      .sort()
      .map((f) => readFileSync(join(dir, f), 'utf8')),
    readFileSync(join(repo, 'kmod', 'nlreply.c'), 'utf8'),
  ];
  const lines: string[] = [];
  for (let i = 0; lines.length < LINES; i++) lines.push(...parts[i % parts.length]!.split('\n'));
  return lines.slice(0, LINES).join('\n');
}

section('lint', async (report) => {
  const parser = await cParser(wasmFiles(join(repo, 'dist')));
  const text = threeThousandLines();
  let findings = 0;
  for (let i = 0; i < 3; i++) findings = lintText(parser, text).findings.length;
  const rounds: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    lintText(parser, text);
    rounds.push((performance.now() - t0) / 1000);
  }
  const t = summarize(rounds);
  report.row('3,000-line file, median', t.median * 1000, 'ms', `goal < 100 ms; ${findings} findings`);
  report.row('3,000-line file, best', t.best * 1000, 'ms');

  const net = join(process.env.NETLINK_CACHE ?? join(repo, '.cache'), 'lint-kernel-6.12', 'linux-source-6.12', 'net');
  const cli = join(repo, 'dist', 'cli.js');
  if (!existsSync(net) || !existsSync(cli)) {
    report.note(
      `net/ not timed: needs ${net} (test/fixtures/lint/fetch-kernel-net.sh) and dist/cli.js (npm run build)`,
    );
    return;
  }
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, 'lint', net], { encoding: 'utf8', maxBuffer: 1 << 28, timeout: 600_000 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0 && r.status !== 1) throw new Error(`lint of net/ exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  report.row('net/ of linux-source-6.12 with the CLI', seconds, 's', 'goal < 60 s');
  report.row('net/ findings', r.stdout.split('\n').filter(Boolean).length, 'findings');
});
