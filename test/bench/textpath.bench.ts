// The hex-text path end to end. Two comparisons, each measured side by side in this run:
// 1. The CLI as a whole process (node start, spaced hex text on stdin, `decode --json` to a file) against pyroute2
//    as a whole process (python start, the same messages as bytes, decoded and printed as JSON:
//    pyroute2_process.py), on 8,000 real rtnetlink messages of this machine's kernel (corpus.ts). Goal: >= 10x.
// 2. "Decode File" against the CLI on the same 50 MB log (hexdump -C dumps of the same messages between log
//    lines). The command runs in the language server: the host reads the file and sends its text in a
//    DecodeRequest, the server's decodeReport (server/report.ts) scans, decodes and renders the report, which goes
//    back as the response. Timed here: decodeReport as bundled, plus the JSON encoding and decoding of the request
//    and the response that the LSP connection does; not timed: the IPC pipe itself and opening the document.
//    The CLI (text output) runs as a whole process on the same text. Goal: the command within 2x the CLI.
// 3. The floor under 1.: a node process that only starts, reads the same stdin and scans it into bytes with the
//    CLI's functions (textpathFloor.ts), then also copies the CLI's output to stdout. pyroute2 over it is the best
//    ratio any node process reading this hex and writing this JSON could reach, decoding in no time at all.
// CPU time (user + system) is the figure: this machine is shared, and wall time counts the neighbours' turns.
import { buildSync } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleForNode } from './bundle';
import { concatBytes, hexdumpC, repeatMessages, spacedHex } from './corpus';
import { ensurePyroute2, PYTHON } from './pyroute2';
import { measure, section, summarize, type Measured, type Timing } from './section';

const MESSAGES = 8000;
const LOG_BYTES = 50 * 1024 * 1024;
const ROUNDS = 3;
const CLI_GOAL = 10;
const FILE_GOAL = 2;

const repo = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(repo, 'dist', 'cli.js');

interface ProcessTiming {
  readonly wall: Timing;
  readonly cpu: Timing;
}

/**
 * Runs `argv` with stdin from `input` and stdout to `output`, ROUNDS times (after one untimed run), under bash so
 * that its `times` builtin reports the child's CPU seconds. Paths are passed as arguments, never in the script.
 */
function timeProcess(argv: readonly string[], input: string, output: string): ProcessTiming {
  const script = '"$@" <"$IN" >"$OUT" || exit $?; times';
  const run = (): { wall: number; cpu: number } => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('bash', ['-c', script, 'bench', ...argv], {
      encoding: 'utf8',
      env: { ...process.env, IN: input, OUT: output },
      timeout: 600_000,
    });
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr.slice(-400)}`);
    // `times`: the shell's user/system line, then the children's.
    const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s\s*$/.exec(r.stdout.trim());
    if (!m) throw new Error(`no times output: ${r.stdout.slice(-200)}`);
    const cpu = Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]);
    return { wall, cpu };
  };
  run();
  const rounds = Array.from({ length: ROUNDS }, run);
  return { wall: summarize(rounds.map((r) => r.wall)), cpu: summarize(rounds.map((r) => r.cpu)) };
}

/** textpathFloor.ts bundled as the CLI is, in `dir`. */
function buildFloor(dir: string): string {
  return bundleForNode(fileURLToPath(new URL('./textpathFloor.ts', import.meta.url)), dir, 'floor.js');
}

function buildCli(): void {
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repo, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr.slice(-400)}`);
}

/** How many messages a `decode --json` output holds (each has one "header" key at its top level). */
function jsonMessages(file: string): number {
  return (JSON.parse(readFileSync(file, 'utf8')) as unknown[]).length;
}

/** A log of hexdump -C dumps, each after a line saying what it is, like a program's debug output. */
function buildLog(messages: readonly Uint8Array[], target: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < target; i++) {
    const m = messages[i % messages.length] as Uint8Array;
    const part = `recvmsg #${i}: ${m.length} bytes from the kernel\n${hexdumpC(m)}`;
    parts.push(part);
    size += part.length;
  }
  return parts.join('');
}

interface ReportModule {
  decodeReport(
    text: string,
    source: string,
    protocol: number,
    override: boolean,
    registry: unknown,
  ): { report: string; messages: number; runs: number };
  createRegistry(): unknown;
}

async function bundledReport(dir: string): Promise<ReportModule> {
  const entry = join(dir, 'entry.ts');
  const src = join(repo, 'extension', 'src');
  writeFileSync(
    entry,
    `export { decodeReport } from ${JSON.stringify(join(src, 'server', 'report'))};\n` +
      `export { createRegistry } from ${JSON.stringify(join(src, 'netlink', 'index'))};\n`,
  );
  const outfile = join(dir, 'report.mjs');
  buildSync({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', outfile, logLevel: 'error' });
  return (await import(pathToFileURL(outfile).href)) as ReportModule;
}

section('textpath', async (report) => {
  const dir = mkdtempSync(join(tmpdir(), 'netlink-bench-text-'));
  try {
    buildCli();
    const messages = repeatMessages(MESSAGES);
    const bytes = concatBytes(messages);
    const bin = join(dir, 'msgs.bin');
    const hex = join(dir, 'msgs.txt');
    writeFileSync(bin, bytes);
    writeFileSync(hex, spacedHex(bytes));
    const hexMb = readFileSync(hex).length / (1024 * 1024);
    report.row(
      'corpus',
      MESSAGES,
      'messages',
      `${(bytes.length / 1024 / 1024).toFixed(1)} MB of rtnetlink; ${hexMb.toFixed(1)} MB as spaced hex`,
    );

    const ours = timeProcess([process.execPath, cli, 'decode', '--json'], hex, join(dir, 'ours.json'));
    const decoded = jsonMessages(join(dir, 'ours.json'));
    if (decoded !== MESSAGES) throw new Error(`the CLI decoded ${decoded} messages, not ${MESSAGES}`);
    const rate = (t: ProcessTiming): string =>
      `${Math.round(MESSAGES / t.cpu.median).toLocaleString('en-US')} msg/s CPU, ` +
      `${Math.round(MESSAGES / t.wall.median).toLocaleString('en-US')} msg/s wall`;
    report.row('cli decode --json', ours.cpu.median, 's CPU', `whole process, median of ${ROUNDS}; ${rate(ours)}`);

    if (ensurePyroute2(report)) {
      const script = fileURLToPath(new URL('./pyroute2_process.py', import.meta.url));
      const py = timeProcess([PYTHON, script, bin], '/dev/null', join(dir, 'py.json'));
      const pyCount = jsonMessages(join(dir, 'py.json'));
      if (pyCount !== MESSAGES) throw new Error(`pyroute2 decoded ${pyCount} messages, not ${MESSAGES}`);
      report.row('pyroute2 process', py.cpu.median, 's CPU', `bytes in, JSON out; ${rate(py)}`);
      const ratio = py.cpu.median / ours.cpu.median;
      report.row(
        'cli / pyroute2',
        ratio,
        'x',
        `${ratio >= CLI_GOAL ? 'goal' : 'below the goal'} >= ${CLI_GOAL}x; wall ${(py.wall.median / ours.wall.median).toFixed(2)}x`,
      );
      const floor = buildFloor(dir);
      const scanOnly = timeProcess([process.execPath, floor], hex, join(dir, 'floor.out'));
      report.row('node floor: scan only', scanOnly.cpu.median, 's CPU', 'start, read stdin, hex to bytes; no output');
      const withOutput = timeProcess([process.execPath, floor, join(dir, 'ours.json')], hex, join(dir, 'floor.json'));
      report.row('node floor: + output', withOutput.cpu.median, 's CPU', "the same, then the CLI's JSON copied out");
      const ceiling = py.cpu.median / withOutput.cpu.median;
      report.row(
        'floor / pyroute2',
        ceiling,
        'x',
        `the most any node process writing this JSON could reach; scan only ${(py.cpu.median / scanOnly.cpu.median).toFixed(2)}x`,
      );
    }

    const log = buildLog(messages, LOG_BYTES);
    const logFile = join(dir, 'log.txt');
    writeFileSync(logFile, log);
    const cliText = timeProcess([process.execPath, cli, 'decode'], logFile, join(dir, 'log.out'));
    report.row(
      'cli decode (50 MB log)',
      cliText.cpu.median,
      's CPU',
      `text output; wall ${cliText.wall.median.toFixed(2)} s`,
    );

    const mod = await bundledReport(dir);
    const registry = mod.createRegistry();
    let count = 0;
    const command = (): void => {
      // What the LSP connection does with the request and the response: JSON both ways.
      const params = JSON.parse(JSON.stringify({ text: log, source: 'log.txt' })) as { text: string; source: string };
      const result = mod.decodeReport(params.text, params.source, 0, false, registry);
      count = (JSON.parse(JSON.stringify(result)) as { messages: number }).messages;
    };
    const file: Measured = measure(command, { warmup: 1, rounds: ROUNDS });
    if (count < MESSAGES) throw new Error(`Decode File decoded ${count} messages`);
    report.row(
      'decode file (50 MB log)',
      file.cpu.median,
      's CPU',
      `${count} messages; wall ${file.median.toFixed(2)} s`,
    );
    const fileRatio = file.cpu.median / cliText.cpu.median;
    report.row(
      'decode file / cli',
      fileRatio,
      'x',
      `${fileRatio <= FILE_GOAL ? 'goal' : 'above the goal'} <= ${FILE_GOAL}x (time ratio, lower is better)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
