// One build script for the bundles: extension host, language server, CLI, the capture index worker, the builder's
// webview and the capture viewer's webview.
// `--production` minifies, `--watch` rebuilds on change. Types are checked separately (`npm run typecheck`).
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
};

const node = { ...common, platform: 'node', format: 'cjs', target: 'node18' };

const builds = [
  { ...node, entryPoints: ['extension/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...node, entryPoints: ['extension/src/server/server.ts'], outfile: 'dist/server.js' },
  { ...node, entryPoints: ['extension/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
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

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
