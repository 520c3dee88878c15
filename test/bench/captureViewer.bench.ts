// The capture viewer at scale: a capture of real kernel exchanges (test/fixtures, repeated) written to disk at
// 100 MB and 1 GB, opened the way the viewer opens a file: the index worker's first rows on screen (the first
// batch in, the first screen's rows read back and named), the full index's time (linear in the size: MB/s at both
// sizes), and the host's memory for the index. CAPTURE_BENCH_MB=100,1024 by default.
import { closeSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { CaptureIndexer } from '../../extension/src/capture/indexer';
import { rowsFor } from '../../extension/src/capture/rows';
import { pcapGlobalHeader, pcapRecord } from '../../extension/src/netlink/capture/pcapWriter';
import { createRegistry } from '../../extension/src/netlink/index';
import { fixtureRecords } from '../support/capture-fixtures';
import { section } from './section';

const repo = join(__dirname, '..', '..');
const dir = join(process.env.NETLINK_CACHE ?? join(repo, '.cache'), 'bench-captures');

/** A pcap of at least `mb` MiB: the fixtures' exchanges over and over, a millisecond apart. */
function captureOf(mb: number): string {
  const path = join(dir, `real-traffic-${mb}mb.pcap`);
  try {
    if (statSync(path).size >= mb * 2 ** 20) return path;
  } catch {
    // not made yet
  }
  mkdirSync(dir, { recursive: true });
  const records = fixtureRecords(0).map((r) => pcapRecord(r));
  const block = Buffer.concat(records.map((r) => Buffer.from(r.buffer, r.byteOffset, r.byteLength)));
  const fd = openSync(path, 'w');
  writeSync(fd, pcapGlobalHeader());
  const chunk = Buffer.concat(Array.from({ length: Math.ceil((4 * 2 ** 20) / block.length) }, () => block));
  for (let written = 0; written < mb * 2 ** 20; written += chunk.length) writeSync(fd, chunk);
  closeSync(fd);
  return path;
}

async function workerScript(): Promise<string> {
  const out = join(dir, 'captureIndex.js');
  await esbuild.build({
    entryPoints: [join(repo, 'extension/src/capture/indexWorker.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: out,
    logLevel: 'warning',
  });
  return out;
}

section('capture-viewer', async (report) => {
  const sizes = (process.env.CAPTURE_BENCH_MB ?? '100,1024').split(',').map(Number);
  const script = await workerScript();
  const registry = createRegistry();
  for (const mb of sizes) {
    const path = captureOf(mb);
    const size = statSync(path).size;
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    let firstRows: Promise<number> | undefined;
    const file = await open(path, 'r');
    const indexer = new CaptureIndexer(script, { path, follow: false }, (ix) => {
      // The viewer's first screen: 50 rows read back from the file and named, as soon as the first batch is in.
      if (!firstRows && ix.index.size >= 50)
        firstRows = rowsFor(file, ix.index, [...Array(50).keys()], registry).then(() => performance.now() - t0);
    });
    await indexer.finished;
    const total = (performance.now() - t0) / 1000;
    const first = firstRows ? await firstRows : Number.NaN;
    await file.close();
    const rss = process.memoryUsage().rss;
    const rows = indexer.index.size;
    report.row(`${mb} MB: first rows`, first, 'ms', `${rows} rows in the whole file`);
    report.row(
      `${mb} MB: full index`,
      total,
      's',
      `${(size / 2 ** 20 / total).toFixed(0)} MB/s, ${(rows / total / 1e6).toFixed(2)} M rows/s`,
    );
    report.row(
      `${mb} MB: host RSS growth`,
      (rss - rssBefore) / 2 ** 20,
      'MB',
      `${((rss - rssBefore) / rows).toFixed(0)} bytes a row`,
    );
  }
  report.note(
    'first rows = first batch from the worker + 50 rows read back and named; full index = the worker pass and the host appending the batches (conversations included)',
  );
});
