// `decode --pcap --json` at scale. Two sections:
// - capture-tshark: the CLI (bundled as dist/cli.js is, process start included) against Debian's `tshark -T json`
//   on the same capture of real rtnetlink/genl records (the kernel fixtures' exchanges repeated with their own seq
//   and time: test/support/capture-corpus.ts), NETLINK_BENCH_CAPTURE_MB (100) MB, side by side in one run; the
//   ratio is of CPU time (user + system: this machine is shared, wall time counts the neighbours) and of wall time.
// - capture-scale: the CLI on 250 MB and 1 GB (NETLINK_BENCH_SCALE_MB, 1000) of the same kind: the per-byte rate of
//   the large file against the small one's (1.0 = linear) and the peak RSS of each (goal < 200 MB).
// Both measure a child process with GNU time (%e %U %S %M); output goes to /dev/null.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCaptureCorpus } from '../support/capture-corpus';
import { bundleForNode } from './bundle';
import { section, type Reporter } from './section';

const GNU_TIME = '/usr/bin/time';
const GOAL_RATIO = 10;
const GOAL_RSS_MB = 200;
const MB = 1e6;

interface Run {
  readonly wall: number;
  readonly cpu: number;
  readonly rssMb: number;
}

/** The CLI as esbuild bundles it for dist/cli.js. */
function bundledCli(dir: string): string {
  return bundleForNode(fileURLToPath(new URL('../../extension/src/cli.ts', import.meta.url)), dir, 'cli.js');
}

/** Runs a command with its stdout in /dev/null under GNU time; fails on a nonzero exit. */
function timed(cmd: string, args: readonly string[], allowStderr: RegExp | undefined = undefined): Run {
  const devNull = openSync('/dev/null', 'w');
  try {
    const r = spawnSync(GNU_TIME, ['-f', 'TIME %e %U %S %M', cmd, ...args], {
      stdio: ['ignore', devNull, 'pipe'],
      encoding: 'utf8',
      timeout: 3_600_000,
      maxBuffer: 1 << 26,
    });
    if (r.error) throw new Error(`${GNU_TIME}: ${r.error.message} (Debian package "time")`);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    const last = lines.pop() ?? '';
    const m = /^TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)$/.exec(last);
    if (r.status !== 0 || !m) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-500)}`);
    const unexpected = lines.filter((l) => !(allowStderr?.test(l) ?? false));
    if (unexpected.length > 0) throw new Error(`${cmd}: unexpected stderr: ${unexpected.slice(0, 3).join(' | ')}`);
    return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), rssMb: Number(m[4]) / 1024 };
  } finally {
    closeSync(devNull);
  }
}

function ours(cli: string, file: string): Run {
  return timed(process.execPath, [cli, 'decode', '--pcap', file, '--json']);
}

section('capture-tshark', (report: Reporter) => {
  const mb = Number(process.env.NETLINK_BENCH_CAPTURE_MB ?? 100);
  const dir = mkdtempSync(join(tmpdir(), 'bench-capture-'));
  try {
    const cli = bundledCli(dir);
    const file = join(dir, 'real.pcap');
    const corpus = writeCaptureCorpus(file, mb * MB);
    const size = `${(corpus.bytes / MB).toFixed(0)} MB, ${corpus.records.toLocaleString('en-US')} records`;
    // Ours before and after tshark: the better of two, so a neighbour's burst does not decide the ratio.
    const a = ours(cli, file);
    const theirs = timed('tshark', ['-r', file, '-T', 'json'], /^Running as user "root"/);
    const b = ours(cli, file);
    const us = a.cpu <= b.cpu ? a : b;
    report.row(
      'ours decode --pcap --json',
      corpus.records / us.cpu,
      'records/s',
      `CPU ${us.cpu.toFixed(1)} s, wall ${us.wall.toFixed(1)} s, ${size}`,
    );
    report.row(
      'tshark -T json',
      corpus.records / theirs.cpu,
      'records/s',
      `CPU ${theirs.cpu.toFixed(1)} s, wall ${theirs.wall.toFixed(1)} s`,
    );
    report.row('ratio, CPU time', theirs.cpu / us.cpu, 'x', `goal >= ${GOAL_RATIO}x`);
    report.row('ratio, wall time', theirs.wall / us.wall, 'x');
    report.row('peak RSS ours / tshark', us.rssMb, 'MB', `tshark ${theirs.rssMb.toFixed(0)} MB`);
    if (theirs.cpu / us.cpu < GOAL_RATIO)
      report.note(`CPU ratio ${(theirs.cpu / us.cpu).toFixed(1)}x is below the goal of ${GOAL_RATIO}x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

section('capture-scale', (report: Reporter) => {
  const large = Number(process.env.NETLINK_BENCH_SCALE_MB ?? 1000);
  const small = large / 4;
  const dir = mkdtempSync(join(tmpdir(), 'bench-capture-scale-'));
  try {
    const cli = bundledCli(dir);
    const runs: [number, Run][] = [];
    for (const mb of [small, large]) {
      const file = join(dir, `${mb}.pcap`);
      const corpus = writeCaptureCorpus(file, mb * MB);
      const r = ours(cli, file);
      rmSync(file);
      runs.push([corpus.bytes, r]);
      report.row(
        `${(corpus.bytes / MB).toFixed(0)} MB`,
        corpus.bytes / MB / r.cpu,
        'MB/s CPU',
        `CPU ${r.cpu.toFixed(1)} s, wall ${r.wall.toFixed(1)} s, peak RSS ${r.rssMb.toFixed(0)} MB`,
      );
    }
    const [[sBytes, s], [lBytes, l]] = runs as [[number, Run], [number, Run]];
    report.row('per-byte CPU, large / small', l.cpu / lBytes / (s.cpu / sBytes), 'x', '1.0 = linear in size');
    report.row('peak RSS, large', l.rssMb, 'MB', `goal < ${GOAL_RSS_MB} MB`);
    if (l.rssMb >= GOAL_RSS_MB)
      report.note(
        `peak RSS ${l.rssMb.toFixed(0)} MB on ${(lBytes / MB).toFixed(0)} MB is over the ${GOAL_RSS_MB} MB goal`,
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
