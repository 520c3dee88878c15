// Bundles the in-host suites into one CommonJS file (vscode external), the module extensionTestsPath points at.
// `node --import tsx test/vscode/build.ts OUT_DIR` is how test/vscode/electron.mjs builds it.
import { build } from 'esbuild';
import { join, resolve } from 'node:path';

export async function buildSuites(outDir: string, entry = join(__dirname, 'index.ts')): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile: join(outDir, 'index.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return outDir;
}

if (require.main === module) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node --import tsx test/vscode/build.ts OUT_DIR');
    process.exit(2);
  }
  buildSuites(resolve(out)).catch((err: unknown) => {
    console.error(`building the in-host suites failed: ${String(err)}`);
    process.exit(1);
  });
}
