// Decoder throughput on real-shaped rtnetlink dump replies: the RTM_NEWLINK / NEWADDR / NEWROUTE messages of the
// kernel fixtures, repeated to ~10 MB (NETLINK_BENCH_MB) and packed into recv()-sized chunks. Ours
// (decodeMessages, names and values included) against pyroute2 parsing the same chunks in the same run.
// Ours is timed twice: as shipped (the codec bundled by esbuild, as in dist/cli.js and dist/server.js) and as the
// tests load it (tsx turns every imported binding into a getter call, which costs a third of the speed here).
// Rates and the ratio use CPU time of the bundle: this machine is shared, and wall time counts the neighbours.
import { buildSync } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as codecSource from '../../extension/src/netlink/index';
import { sampleMessages } from './corpus';
import { ensurePyroute2, PYTHON } from './pyroute2';
import { measure, section, summarize, type Measured, type Reporter } from './section';

const CHUNK_MAX = 32 * 1024; // what the kernel fills per recv() for a 32 KB buffer
const GOAL_RATIO = 25;

interface Corpus {
  readonly bytes: Uint8Array;
  readonly chunks: readonly Uint8Array[];
  readonly messages: number;
}

function buildCorpus(targetBytes: number): Corpus {
  const sample = sampleMessages();
  const picks: Uint8Array[] = [];
  let size = 0;
  while (size < targetBytes) {
    for (const m of sample) {
      picks.push(m);
      size += m.length;
    }
  }
  const bytes = new Uint8Array(size);
  const chunks: Uint8Array[] = [];
  let off = 0;
  let chunkStart = 0;
  for (const m of picks) {
    if (off + m.length - chunkStart > CHUNK_MAX) {
      chunks.push(bytes.subarray(chunkStart, off));
      chunkStart = off;
    }
    bytes.set(m, off);
    off += m.length;
  }
  chunks.push(bytes.subarray(chunkStart, off));
  return { bytes, chunks, messages: picks.length };
}

interface PyResult {
  readonly messages: number;
  readonly bytes: number;
  readonly parse: number[];
  readonly parseCpu: number[];
  readonly full: number[];
  readonly fullCpu: number[];
}

function runPyroute2(corpus: Corpus, rounds: number): PyResult {
  const dir = mkdtempSync(join(tmpdir(), 'netlink-bench-'));
  try {
    const bin = join(dir, 'rtnl.bin');
    const chunksFile = join(dir, 'chunks.json');
    writeFileSync(bin, corpus.bytes);
    writeFileSync(chunksFile, JSON.stringify(corpus.chunks.map((c) => c.length)));
    const script = fileURLToPath(new URL('./pyroute2_bench.py', import.meta.url));
    const r = spawnSync(PYTHON, [script, bin, chunksFile, String(rounds)], { encoding: 'utf8', timeout: 900_000 });
    if (r.status !== 0) throw new Error(`pyroute2_bench.py failed (${r.status ?? r.signal}): ${r.stderr.slice(-500)}`);
    const res = JSON.parse(r.stdout) as PyResult;
    if (res.messages !== corpus.messages)
      throw new Error(`pyroute2 parsed ${res.messages} messages, corpus has ${corpus.messages}`);
    return res;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Codec = Pick<typeof codecSource, 'createRegistry' | 'decodeMessages'>;

/** The codec as esbuild bundles it for the extension (one module, no per-binding getters). */
async function bundledCodec(dir: string): Promise<Codec> {
  const entry = fileURLToPath(new URL('../../extension/src/netlink/index.ts', import.meta.url));
  const outfile = join(dir, 'codec.mjs');
  buildSync({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    outfile,
    logLevel: 'error',
  });
  return (await import(pathToFileURL(outfile).href)) as Codec;
}

/** Times one codec on the corpus after checking it reads the corpus completely and cleanly. */
function timeCodec(codec: Codec, corpus: Corpus): Measured {
  const registry = codec.createRegistry();
  let problems = 0;
  let messages = 0;
  for (const chunk of corpus.chunks) {
    for (const m of codec.decodeMessages(chunk, { protocol: 0, registry })) {
      messages++;
      problems += m.problems.length;
    }
  }
  if (messages !== corpus.messages || problems !== 0) {
    throw new Error(`decoder read the corpus wrong: ${messages} of ${corpus.messages} messages, ${problems} problems`);
  }
  return measure(
    () => {
      for (const chunk of corpus.chunks) codec.decodeMessages(chunk, { protocol: 0, registry });
    },
    { warmup: 2, rounds: 5 },
  );
}

/**
 * Rows for one contender. Rates are per CPU second (median round): on a shared machine wall time also counts
 * the neighbours' turns on the CPU, so wall rates are kept in the note only.
 */
function rateRows(report: Reporter, metric: string, t: Measured, corpus: Corpus, what: string): void {
  const mb = corpus.bytes.length / (1024 * 1024);
  const wall = Math.round(corpus.messages / t.median).toLocaleString('en-US');
  report.row(
    metric,
    corpus.messages / t.cpu.median,
    'msg/s',
    `${what}; CPU time, median of ${t.rounds.length}; wall ${wall} msg/s`,
  );
  report.row(metric, mb / t.cpu.median, 'MB/s');
}

section('decoder', async (report) => {
  const mb = Number(process.env['NETLINK_BENCH_MB'] ?? 10);
  const corpus = buildCorpus(mb * 1024 * 1024);
  const megabytes = corpus.bytes.length / (1024 * 1024);
  report.row(
    'corpus',
    corpus.messages,
    'messages',
    `${megabytes.toFixed(1)} MB in ${corpus.chunks.length} chunks of <= 32 KB`,
  );

  const dir = mkdtempSync(join(tmpdir(), 'netlink-bench-codec-'));
  let shipped: Measured;
  try {
    shipped = timeCodec(await bundledCodec(dir), corpus);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  rateRows(report, 'ours (bundle)', shipped, corpus, 'decodeMessages as shipped');
  rateRows(report, 'ours (tsx)', timeCodec(codecSource, corpus), corpus, 'the same source loaded by tsx');

  if (!ensurePyroute2(report)) return;
  const py = runPyroute2(corpus, 5);
  const full: Measured = { ...summarize(py.full), cpu: summarize(py.fullCpu) };
  const lazy: Measured = { ...summarize(py.parse), cpu: summarize(py.parseCpu) };
  rateRows(report, 'pyroute2 full', full, corpus, 'parse + read every value');
  rateRows(report, 'pyroute2 parse', lazy, corpus, 'parse only, values left lazy');
  const ratio = full.cpu.median / shipped.cpu.median;
  report.row(
    'ours / pyroute2 full',
    ratio,
    'x',
    ratio >= GOAL_RATIO ? `goal >= ${GOAL_RATIO}x met` : `below the ${GOAL_RATIO}x goal`,
  );
  report.row('ours / pyroute2 parse', lazy.cpu.median / shipped.cpu.median, 'x', 'against the lazy parse');
});
