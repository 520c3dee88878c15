// The VSIX as `npm run package` makes it: under 1 MB, with every file the extension loads at run time, the static
// nlhelper for x86_64 and aarch64 (musl: no program interpreter, small), and a README with no picture it lacks.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from './helper-process';

const vsix = path.join(repoRoot, 'dist', 'netlink-workbench.vsix');
const MAX_BYTES = 1_000_000;
/** A static glibc nlhelper is ~730-880 KB; musl's ~100-130 KB. */
const MAX_HELPER_BYTES = 300_000;

function unzip(...args: string[]): Buffer {
  return execFileSync('unzip', args, { maxBuffer: 64 * 1024 * 1024 });
}

test('npm run package: a VSIX under 1 MB with what the extension loads', { timeout: 900_000 }, () => {
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  const size = statSync(vsix).size;
  assert.ok(size < MAX_BYTES, `the VSIX is ${size} bytes, over ${MAX_BYTES}`);

  const files = new Set(unzip('-Z1', vsix).toString('utf8').split('\n').filter(Boolean));
  const manifest = JSON.parse(unzip('-p', vsix, 'extension/package.json').toString('utf8')) as {
    main: string;
    contributes: { walkthroughs?: { steps: { media: { markdown?: string } }[] }[] };
  };
  const needed = [
    manifest.main,
    'dist/server.js',
    'dist/webview.js',
    'dist/webview.css',
    'dist/captureViewer.js',
    'dist/captureViewer.css',
    'dist/captureIndex.js',
    'dist/tree-sitter.wasm',
    'dist/tree-sitter-c.wasm',
    'docs/lint-rules.md',
    'kmod/nlreply.c',
    'kmod/exercises/nlreply.yaml',
    // The second New Module template: its spec, the generated tables and the uapi header they include.
    'kmod-genl/genldemo.yaml',
    'kmod-genl/genldemo-main.c',
    'kmod-genl/genldemo-nl.c',
    'kmod-genl/include/uapi/linux/genldemo.h',
    'kmod-genl/exercises/genldemo.yaml',
    'native/Makefile',
    ...(manifest.contributes.walkthroughs ?? []).flatMap((w) => w.steps.flatMap((s) => s.media.markdown ?? [])),
  ];
  for (const f of needed) assert.ok(files.has(`extension/${f.replace(/^\.\//, '')}`), `${f} is in the VSIX`);

  for (const [arch, machine] of [
    ['x86_64', 'Advanced Micro Devices X86-64'],
    ['aarch64', 'AArch64'],
  ] as const) {
    const name = `extension/dist/native/${arch}/nlhelper`;
    assert.ok(files.has(name), `${name} is in the VSIX`);
    const bytes = unzip('-p', vsix, name);
    assert.ok(bytes.length < MAX_HELPER_BYTES, `${name} is ${bytes.length} bytes: not the musl build?`);
    const local = path.join(repoRoot, 'dist', 'native', arch, 'nlhelper');
    const headers = execFileSync('readelf', ['--file-header', '--program-headers', local], { encoding: 'utf8' });
    assert.match(headers, new RegExp(`Machine:\\s+${machine}`));
    assert.doesNotMatch(headers, /INTERP/, `${arch} nlhelper is static`);
  }

  // Every relative picture the packaged README shows is in the package.
  const readme = unzip('-p', vsix, 'extension/readme.md').toString('utf8');
  for (const m of readme.matchAll(/!\[[^\]]*\]\((?!https?:)([^)]+)\)/g))
    assert.ok(files.has(`extension/${m[1]}`), `the README's picture ${m[1]} is in the VSIX`);
});
