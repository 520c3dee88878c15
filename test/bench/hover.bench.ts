// Hover latency as the language server pays it: position → offset in a TextDocument, the hex run found around
// it, decoded and rendered to Markdown, and the range mapped back. On a 50 KB and a 50 MB log of the same kind
// (kernel fixtures printed as spaced-hex log lines among ordinary lines), hovering the same kind of spots.
// Goals: p95 under 10 ms, and the 50 MB document's p95 within 1.5x of the 50 KB one (the scan never reads the
// whole document). The first hover after a change also pays the TextDocument's line index: reported apart.
import { buildSync } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { loadFixture } from '../fixtures/load';
import { section, summarize } from './section';

interface HoverModule {
  hoverAt(
    text: string,
    offset: number,
    protocol: number,
    registry: unknown,
  ): { markdown: string; start: number; end: number } | undefined;
  createRegistry(): unknown;
}

const HOVERS = 400;

/** A log: ordinary lines between dumps of the fixtures' buffers, 16 bytes a line, like a driver's debug output. */
function buildLog(targetBytes: number): { text: string; dumpLines: number[] } {
  const buffers = ['rtm-getlink-dump', 'rtm-getaddr-dump', 'rtm-getroute-dump', 'rtm-newlink-offs'].flatMap(
    (n) => loadFixture(n).buffers,
  );
  const lines: string[] = [];
  const dumpLines: number[] = [];
  let size = 0;
  let t = 0;
  while (size < targetBytes) {
    for (const b of buffers) {
      const head = `[${(t++ / 1000).toFixed(6)}] nltest: sent ${b.length} bytes on socket 3, reading reply`;
      lines.push(head);
      size += head.length + 1;
      for (let off = 0; off < b.length; off += 16) {
        const hex = [...b.subarray(off, off + 16)].map((x) => x.toString(16).padStart(2, '0')).join(' ');
        if (off === 0) dumpLines.push(lines.length);
        const line = `[${(t / 1000).toFixed(6)}] nltest:   ${hex}`;
        lines.push(line);
        size += line.length + 1;
      }
      if (size >= targetBytes) break;
    }
  }
  return { text: lines.join('\n'), dumpLines };
}

async function bundledHover(dir: string): Promise<HoverModule> {
  const entry = join(dir, 'entry.ts');
  const here = fileURLToPath(new URL('.', import.meta.url));
  const { writeFileSync } = await import('node:fs');
  writeFileSync(
    entry,
    `export { hoverAt } from ${JSON.stringify(join(here, '../../extension/src/server/hover'))};\nexport { createRegistry } from ${JSON.stringify(join(here, '../../extension/src/netlink/index'))};\n`,
  );
  const outfile = join(dir, 'hover.mjs');
  buildSync({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    outfile,
    logLevel: 'error',
  });
  return (await import(pathToFileURL(outfile).href)) as HoverModule;
}

function hoverTimes(mod: HoverModule, text: string, dumpLines: number[]): { first: number; times: number[] } {
  const registry = mod.createRegistry();
  const doc = TextDocument.create('file:///bench.log', 'log', 1, text);
  const hover = (line: number): number => {
    const t0 = performance.now();
    // The same calls as server.ts onHover: offsetAt, hoverAt, positionAt for the range.
    const offset = doc.offsetAt({ line: line + 1, character: 30 });
    const answer = mod.hoverAt(text, offset, 0, registry);
    if (!answer || (!answer.markdown.includes('NLMSG') && !answer.markdown.includes('RTM_')))
      throw new Error(`no hover at line ${line + 1}`);
    doc.positionAt(answer.start);
    doc.positionAt(answer.end);
    return performance.now() - t0;
  };
  const first = hover(dumpLines[0]!);
  const times: number[] = [];
  // Spread over the whole document, the same pseudo-random sequence for both sizes.
  let seed = 12345;
  for (let i = 0; i < HOVERS; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    times.push(hover(dumpLines[seed % dumpLines.length]!));
  }
  return { first, times };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

section('hover', async (report) => {
  const dir = mkdtempSync(join(tmpdir(), 'nl-hover-bench-'));
  try {
    const mod = await bundledHover(dir);
    const results: Record<string, number> = {};
    for (const [label, bytes] of [
      ['50 KB', 50 * 1024],
      ['50 MB', 50 * 1024 * 1024],
    ] as const) {
      const { text, dumpLines } = buildLog(bytes);
      hoverTimes(mod, text, dumpLines); // warm-up: JIT
      const { first, times } = hoverTimes(mod, text, dumpLines);
      const sorted = [...times].sort((a, b) => a - b);
      const p95 = percentile(sorted, 95);
      results[label] = p95;
      report.row(`${label} document: hover p50`, summarize(times).median, 'ms');
      report.row(`${label} document: hover p95`, p95, 'ms', p95 < 10 ? 'goal < 10 ms: met' : 'goal < 10 ms: NOT met');
      report.row(`${label} document: first hover (builds the line index)`, first, 'ms');
    }
    const ratio = results['50 MB']! / results['50 KB']!;
    report.row('p95 50 MB / 50 KB', ratio, 'x', ratio <= 1.5 ? 'goal <= 1.5x: met' : 'goal <= 1.5x: NOT met');
    report.note(
      `${HOVERS} hovers per document at pseudo-random dumps; timed as server.ts does it (offsetAt, scan, decode, Markdown, positionAt)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
