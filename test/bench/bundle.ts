// A bench's own build of a node-side entry, made as esbuild.mjs makes dist/cli.js (one CommonJS file for node), so
// that a timed process loads code the way the CLI does.
import { buildSync } from 'esbuild';
import { join } from 'node:path';

/** `entry` bundled into `dir`/`name`; returns the bundle's path. */
export function bundleForNode(entry: string, dir: string, name: string): string {
  const outfile = join(dir, name);
  buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    outfile,
    logLevel: 'error',
  });
  return outfile;
}
