// Puts nlhelper on a target: built there from the sources in the VSIX when the target has a C compiler and make,
// otherwise the static build for its architecture is uploaded. Each variant lives in a folder named by the hash
// of what went into it, with a `.ready` marker written last; a deployment that finds its marker uploads and builds
// nothing (one remote command in all).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TargetError } from './errors';
import type { SshConnection } from './ssh';
import type { HelperBuild } from './validate';

export interface DeployOptions {
  /** native/ of the extension: Makefile and src/*.c, src/*.h. */
  nativeDir: string;
  /** dist/native/ of the extension: <arch>/nlhelper static builds. */
  staticDir: string;
  /** The target's work folder as configured (absolute or ~/...). */
  workFolder: string;
  /** `static` skips the compiler even when the target has one. */
  helperBuild: HelperBuild;
  timeoutMs?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export interface DeployedHelper {
  /** Absolute path of the helper binary on the target. */
  binary: string;
  /** `cache`: found ready, nothing uploaded; `compiled`: built on the target; `static`: prebuilt uploaded. */
  how: 'cache' | 'compiled' | 'static';
  /** `uname -m` of the target. */
  arch: string;
  /** Why a compile was not used, when the static build was. */
  note?: string;
}

/** `uname -m` → the dist/native/ folder of the static build that runs there. */
const ARCH_DIRS: Record<string, string> = {
  x86_64: 'x86_64', amd64: 'x86_64',
  aarch64: 'aarch64', arm64: 'aarch64',
};
const SHIPPED_ARCHES = ['x86_64', 'aarch64'];
/** The same characters validate.ts allows in a configured remote folder: make and its recipes need them. */
const MAKE_SAFE = /^[A-Za-z0-9._+@=,/-]+$/;
const UPLOAD_CONCURRENCY = 4; // below sshd's default MaxSessions (10) per connection, with the helper's session on it

interface SourceFile {
  rel: string;
  bytes: Buffer;
}

export function helperSources(nativeDir: string): SourceFile[] {
  const src = path.join(nativeDir, 'src');
  if (!existsSync(path.join(nativeDir, 'Makefile')) || !existsSync(src)) {
    throw new TargetError('deploy', `the helper's sources are missing: ${nativeDir}/Makefile and ${src}/ (a broken installation?)`);
  }
  const files = ['Makefile', ...readdirSync(src).filter((f) => /\.[ch]$/.test(f)).sort().map((f) => `src/${f}`)];
  return files.map((rel) => ({ rel, bytes: readFileSync(path.join(nativeDir, rel)) }));
}

function contentHash(parts: readonly { rel: string; bytes: Uint8Array }[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(`${p.rel}\0${p.bytes.length}\0`);
    h.update(p.bytes);
  }
  return h.digest('hex').slice(0, 16);
}

function staticBinary(staticDir: string, arch: string): { file: string; folder: string } | undefined {
  const file = path.join(staticDir, arch, 'nlhelper');
  if (!existsSync(file)) return undefined;
  return { file, folder: `nlhelper-static-${arch}-${contentHash([{ rel: arch, bytes: readFileSync(file) }])}` };
}

// One round trip: the resolved work folder, the architecture, compiler and make, and the first candidate folder
// whose marker names an executable helper. Configured values reach it only as positional parameters.
const PROBE_SCRIPT = `w=$1; shift
case $w in "~") w=$HOME ;; "~/"*) w=$HOME/\${w#"~/"} ;; esac
printf 'work=%s\\n' "$w"
printf 'arch=%s\\n' "$(uname -m)"
for c in cc gcc; do p=$(command -v "$c") && { printf 'cc=%s\\n' "$p"; break; }; done
p=$(command -v make) && printf 'make=%s\\n' "$p"
for d; do
  if test -f "$w/$d/.ready"; then b=$(cat "$w/$d/.ready") && test -x "$b" && { printf 'ready=%s\\n' "$b"; break; }; fi
done
exit 0`;

interface Probe {
  work: string;
  arch: string;
  cc?: string;
  make?: string;
  ready?: string;
}

function parseProbe(out: string): Probe {
  const v = new Map<string, string>();
  for (const line of out.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && !v.has(line.slice(0, eq))) v.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const work = v.get('work');
  const arch = v.get('arch');
  if (!work || !arch) throw new TargetError('deploy', `the target's probe gave no work folder or architecture: ${JSON.stringify(out.slice(0, 200))}`);
  const opt = (k: string): Record<string, string> => (v.get(k) ? { [k]: v.get(k) as string } : {});
  return { work, arch, ...opt('cc'), ...opt('make'), ...opt('ready') };
}

async function inBatches<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await fn(items[next++] as T);
  }));
}

export async function deployHelper(conn: SshConnection, opts: DeployOptions): Promise<DeployedHelper> {
  const log = opts.log ?? ((): void => undefined);
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const sig = opts.signal ? { signal: opts.signal } : {};
  const sources = helperSources(opts.nativeDir);
  const sourceFolder = `nlhelper-${contentHash(sources)}`;
  const statics = SHIPPED_ARCHES.map((a) => staticBinary(opts.staticDir, a)).filter((s): s is { file: string; folder: string } => !!s);
  const candidates = [...(opts.helperBuild === 'static' ? [] : [sourceFolder]), ...statics.map((s) => s.folder)];

  const probe = parseProbe(await conn.run(['sh', '-c', PROBE_SCRIPT, 'sh', opts.workFolder, ...candidates], { timeoutMs: 30_000, ...sig }));
  if (probe.ready) {
    log(`[${conn.name}] helper ready at ${probe.ready} (cached)`);
    return { binary: probe.ready, how: 'cache', arch: probe.arch };
  }
  if (!MAKE_SAFE.test(probe.work)) {
    throw new TargetError('config', `target "${conn.name}": the work folder resolves to ${JSON.stringify(probe.work)}, which make cannot build in (blanks or shell characters); set netlink.targets[].workFolder to a plain absolute path`);
  }

  let note: string | undefined;
  if (opts.helperBuild === 'static') note = 'helperBuild is "static"';
  else if (!probe.cc) note = 'the target has no C compiler (cc, gcc)';
  else if (!probe.make) note = 'the target has no make';
  else {
    const dir = `${probe.work}/${sourceFolder}`;
    try {
      const binary = await compileOnTarget(conn, dir, sources, probe.cc, { timeoutMs, ...sig }, log);
      return { binary, how: 'compiled', arch: probe.arch };
    } catch (e) {
      if (e instanceof TargetError && (e.kind === 'aborted' || e.kind === 'connection-lost')) throw e;
      note = `building on the target failed: ${(e as Error).message}`;
      log(`[${conn.name}] ${note}; trying the static build`);
    }
  }

  const archDir = ARCH_DIRS[probe.arch];
  if (!archDir) {
    throw new TargetError('deploy', `target "${conn.name}": ${note}, and there is no prebuilt helper for its architecture ${probe.arch} ` +
      `(shipped: ${SHIPPED_ARCHES.join(', ')}). Install cc, make and the kernel's uapi headers there (Debian: gcc make libc6-dev linux-libc-dev).`);
  }
  const built = statics.find((s) => s.folder.startsWith(`nlhelper-static-${archDir}-`));
  if (!built) {
    throw new TargetError('deploy', `target "${conn.name}": ${note}, and the static helper ${path.join(opts.staticDir, archDir, 'nlhelper')} ` +
      'is not in this installation (build it with `npm run build:native`).');
  }
  const dir = `${probe.work}/${built.folder}`;
  const binary = `${dir}/nlhelper`;
  log(`[${conn.name}] ${note}: uploading the static ${archDir} helper to ${dir}`);
  await conn.run(['mkdir', '-p', '--', dir], { timeoutMs: 30_000, ...sig });
  await conn.upload(built.file, binary, { mode: '755', timeoutMs, ...sig });
  await conn.upload(Buffer.from(`${binary}\n`), `${dir}/.ready`, { timeoutMs: 30_000, ...sig });
  return { binary, how: 'static', arch: probe.arch, note };
}

async function compileOnTarget(
  conn: SshConnection, dir: string, sources: readonly SourceFile[], cc: string,
  run: { timeoutMs: number; signal?: AbortSignal }, log: (line: string) => void,
): Promise<string> {
  log(`[${conn.name}] uploading the helper's sources to ${dir} and building with ${cc}`);
  await conn.run(['mkdir', '-p', '--', `${dir}/src`], { timeoutMs: 30_000, ...(run.signal ? { signal: run.signal } : {}) });
  await inBatches(sources, UPLOAD_CONCURRENCY, (f) => conn.upload(f.bytes, `${dir}/${f.rel}`, { timeoutMs: 60_000, ...(run.signal ? { signal: run.signal } : {}) }));
  const r = await conn.exec(['make', '-C', dir, '-s', '-j4', `CC=${cc}`], run);
  if (r.code !== 0) {
    const tail = r.stderr.trim().split('\n').slice(-5).join('\n');
    throw new TargetError('deploy', `make failed (exit ${r.code}): ${tail}`, `${r.stdout}\n${r.stderr}`);
  }
  const binary = `${dir}/build/nlhelper`;
  await conn.upload(Buffer.from(`${binary}\n`), `${dir}/.ready`, { timeoutMs: 30_000, ...(run.signal ? { signal: run.signal } : {}) });
  return binary;
}
