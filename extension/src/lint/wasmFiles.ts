// Where the parser's two .wasm files are: next to the bundle (dist/, where esbuild.mjs copies them and the VSIX
// ships them), else in node_modules (tests and tools run from the sources).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { WasmFiles } from './parse';

export function wasmFiles(bundleDir: string): WasmFiles {
  const runtime = join(bundleDir, 'tree-sitter.wasm');
  const grammar = join(bundleDir, 'tree-sitter-c.wasm');
  if (existsSync(runtime) && existsSync(grammar)) return { runtime, grammar };
  // Through createRequire so that a bundler leaves the lookup to run time.
  const require = createRequire(__filename);
  return {
    runtime: require.resolve('web-tree-sitter/tree-sitter.wasm'),
    grammar: require.resolve('tree-sitter-c/tree-sitter-c.wasm'),
  };
}
