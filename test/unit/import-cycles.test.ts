// No import cycles in the shipped TypeScript (extension/src, webview/src): a cycle makes a module's exports
// undefined while the other one loads, depending on which file is imported first. Type-only imports count too:
// they tie two modules' contracts to each other just the same.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const repoRoot = resolve(__dirname, '..', '..');
const ROOTS = ['extension/src', 'webview/src'];

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(p));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The file a relative import names ('./x' → x.ts or x/index.ts); undefined for a package. */
function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (candidate.endsWith('.ts') && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Every cycle found by a depth-first walk, each as the files along it, the first one repeated at the end. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

describe('module graph', () => {
  it('extension/src and webview/src import no module that imports them back', () => {
    const graph = new Map<string, string[]>();
    for (const root of ROOTS) {
      for (const file of tsFiles(join(repoRoot, root))) {
        const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
        const deps = info.importedFiles.map((f) => resolveImport(file, f.fileName)).filter((f) => f !== undefined);
        graph.set(file, [...new Set(deps)]);
      }
    }
    assert.ok(graph.size > 100, `read ${graph.size} files`);
    const cycles = findCycles(graph).map((c) => c.map((f) => relative(repoRoot, f)).join(' → '));
    assert.deepEqual(cycles, []);
  });
});
