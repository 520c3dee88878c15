// `npm run bench [-- SECTION...]`: loads every test/bench/*.bench.ts (each registers sections with `section()`),
// runs the sections (all, or those named), prints one table and writes test-results/bench.json.
// To add a section: create test/bench/<name>.bench.ts that calls section('<name>', (report) => ...).
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatTable, sections, type BenchRow } from './section';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');

async function main(): Promise<number> {
  for (const file of readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort()) {
    await import(pathToFileURL(join(here, file)).href);
  }

  const wanted = process.argv.slice(2);
  const known = sections().map((s) => s.name);
  const unknown = wanted.filter((w) => !known.includes(w));
  if (unknown.length > 0) {
    console.error(`unknown bench section(s): ${unknown.join(', ')}; known: ${known.join(', ')}`);
    return 2;
  }

  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const failures: string[] = [];
  for (const s of sections()) {
    if (wanted.length > 0 && !wanted.includes(s.name)) continue;
    console.log(`bench: ${s.name} ...`);
    const t0 = Date.now();
    try {
      await s.run({
        row: (metric, value, unit, note) =>
          rows.push({ section: s.name, metric, value, unit, ...(note ? { note } : {}) }),
        note: (text) => notes.push(`${s.name}: ${text}`),
      });
    } catch (err) {
      // One broken section must not hide the others' figures; the run still exits non-zero.
      failures.push(`${s.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
    console.log(`bench: ${s.name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }

  // Figures from a busy machine are not comparable with a quiet one's: say how busy it was.
  const load = loadavg().map((l) => l.toFixed(2));
  console.log(`\n${formatTable(rows)}`);
  console.log(`load average ${load.join(' ')} on ${cpus().length} CPUs`);
  for (const n of notes) console.log(`note ${n}`);
  for (const f of failures) console.error(`FAILED ${f}`);

  const out = join(repo, 'test-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'bench.json'),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        kernel: release(),
        cpu: cpus()[0]?.model ?? 'unknown',
        cpus: cpus().length,
        loadavg: load,
        rows,
        notes,
        failures,
      },
      null,
      1,
    )}\n`,
  );
  console.log(`\nwrote ${join('test-results', 'bench.json')}`);
  return failures.length === 0 ? 0 : 1;
}

// No top-level await: the project's .ts files load as CommonJS under tsx.
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
