// One build script for the bundles: extension host, language server, CLI, the capture index worker, the builder's
// webview and the capture viewer's webview.
// `--production` minifies, `--watch` rebuilds on change. Types are checked separately (`npm run typecheck`).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
};

// web-tree-sitter's ESM build (the one an `import` resolves to) reads import.meta.url, which a CommonJS bundle lacks:
// it is given the bundle's own file URL (tools/build/importMetaUrl.js, injected).
const node = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  define: { 'import.meta.url': 'import_meta_url' },
  inject: ['tools/build/importMetaUrl.js'],
};

const builds = [
  { ...node, entryPoints: ['extension/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...node, entryPoints: ['extension/src/server/server.ts'], outfile: 'dist/server.js' },
  {
    ...node,
    entryPoints: ['extension/src/cli.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
    // `lint` and `exercise` are bundles of their own, required by cli.js only for their command (cli.ts).
    external: ['./cliLint.js', './cliExercise.js'],
  },
  { ...node, entryPoints: ['extension/src/cliLint.ts'], outfile: 'dist/cliLint.js' },
  { ...node, entryPoints: ['extension/src/cliExercise.ts'], outfile: 'dist/cliExercise.js' },
  // The capture viewer's index pass, run in a worker thread by the host.
  { ...node, entryPoints: ['extension/src/capture/indexWorker.ts'], outfile: 'dist/captureIndex.js' },
  // The builder's UI; its CSS import becomes dist/webview.css.
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: ['webview/src/main.ts'],
    outfile: 'dist/webview.js',
  },
  // The capture viewer's UI; its CSS imports become dist/captureViewer.css.
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: ['webview/src/capture/main.ts'],
    outfile: 'dist/captureViewer.js',
  },
];

// The C parser of the linter loads these at run time (extension/src/lint/wasmFiles.ts looks next to the bundle):
// web-tree-sitter's runtime and the C grammar, the versions package.json pins (the grammar's ABI must be one the
// runtime accepts). Copied, not bundled, so the VSIX ships them as files.
const require = createRequire(import.meta.url);
mkdirSync('dist', { recursive: true });
copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), 'dist/tree-sitter.wasm');
copyFileSync(require.resolve('tree-sitter-c/tree-sitter-c.wasm'), 'dist/tree-sitter-c.wasm');

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
