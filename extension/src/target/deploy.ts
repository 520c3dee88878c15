// Puts nlhelper on a target: built there from the sources in the VSIX when the target has a C compiler and make,
// otherwise the static build for its architecture is uploaded. Each variant lives in a folder named by the hash
// of what went into it, with a `.ready` marker written last (the binary and its sha256); a deployment that finds its
// marker uploads and builds nothing (one remote command in all). The work folder must be the login user's alone
// (privateFolder.ts): the helper in it runs as root. The hash goes with the DeployedHelper, and the helper starts
// only while its binary still has it (fileCheck.ts).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TargetError } from './errors';
import { SHA256_HEX } from './fileCheck';
import {
  acceptRemoteFolder,
  ensureRemotePrivateFolder,
  FOLDER_REPORT_SH,
  keyValues,
  parseFolderReport,
  type FolderReport,
  type RemoteExec,
} from './privateFolder';
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
  /** sha256 of the binary as deployed: it runs only while it still has this content. */
  sha256: string;
}

/** `uname -m` → the dist/native/ folder of the static build that runs there. */
const ARCH_DIRS: Record<string, string> = {
  x86_64: 'x86_64',
  amd64: 'x86_64',
  aarch64: 'aarch64',
  arm64: 'aarch64',
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
    throw new TargetError(
      'deploy',
      `the helper's sources are missing: ${nativeDir}/Makefile and ${src}/ (a broken installation?)`,
    );
  }
  const files = [
    'Makefile',
    ...readdirSync(src)
      .filter((f) => /\.[ch]$/.test(f))
      .sort()
      .map((f) => `src/${f}`),
  ];
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

interface StaticHelper {
  file: string;
  folder: string;
  sha256: string;
}

function staticBinary(staticDir: string, arch: string): StaticHelper | undefined {
  const file = path.join(staticDir, arch, 'nlhelper');
  if (!existsSync(file)) return undefined;
  const bytes = readFileSync(file);
  return {
    file,
    folder: `nlhelper-static-${arch}-${contentHash([{ rel: arch, bytes }])}`,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

// One round trip: the resolved work folder and who owns it, the architecture, compiler, make and sha256sum, and the
// first candidate folder whose marker names an executable helper and its hash. Configured values reach it only as
// positional parameters. Nothing is created here: the work folder is judged first.
const PROBE_SCRIPT = `${FOLDER_REPORT_SH}
w=$1; shift
case $w in "~") w=$HOME ;; "~/"*) w=$HOME/\${w#"~/"} ;; esac
printf 'work=%s\\n' "$w"
report_folder "$w"
printf 'arch=%s\\n' "$(uname -m)"
for c in cc gcc; do p=$(command -v "$c") && { printf 'cc=%s\\n' "$p"; break; }; done
p=$(command -v make) && printf 'make=%s\\n' "$p"
command -v sha256sum >/dev/null 2>&1 && printf 'sha256sum=yes\\n'
for d; do
  if test -f "$w/$d/.ready" && { read -r b && read -r h; } < "$w/$d/.ready" && test -x "$b"; then
    printf 'readydir=%s\\nready=%s\\nreadysha=%s\\n' "$d" "$b" "$h"; break
  fi
done
exit 0`;

interface Probe {
  work: string;
  folder: FolderReport;
  arch: string;
  cc?: string;
  make?: string;
  sha256sum: boolean;
  ready?: { dir: string; binary: string; sha256: string };
}

function parseProbe(out: string): Probe {
  const v = keyValues(out);
  const work = v.get('work');
  const arch = v.get('arch');
  if (!work || !arch)
    throw new TargetError(
      'deploy',
      `the target's probe gave no work folder or architecture: ${JSON.stringify(out.slice(0, 200))}`,
    );
  const opt = (k: string): Record<string, string> => (v.get(k) ? { [k]: v.get(k) as string } : {});
  const [dir, binary, sha256] = [v.get('readydir'), v.get('ready'), v.get('readysha')];
  return {
    work,
    arch,
    folder: parseFolderReport(v, work),
    ...opt('cc'),
    ...opt('make'),
    sha256sum: v.get('sha256sum') === 'yes',
    ...(dir && binary && sha256 ? { ready: { dir, binary, sha256 } } : {}),
  };
}

/** Where the helper binary is in a candidate folder (the only place a marker may name). */
function binaryIn(work: string, folder: string): string {
  return folder.startsWith('nlhelper-static-') ? `${work}/${folder}/nlhelper` : `${work}/${folder}/build/nlhelper`;
}

const WORK_REMEDY = 'on the target, or set netlink.targets[].workFolder to a folder of your own';

async function inBatches<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

export async function deployHelper(conn: SshConnection, opts: DeployOptions): Promise<DeployedHelper> {
  const log = opts.log ?? ((): void => undefined);
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const sig = opts.signal ? { signal: opts.signal } : {};
  const sources = helperSources(opts.nativeDir);
  const sourceFolder = `nlhelper-${contentHash(sources)}`;
  const statics = SHIPPED_ARCHES.map((a) => staticBinary(opts.staticDir, a)).filter((s): s is StaticHelper => !!s);
  const candidates = [...(opts.helperBuild === 'static' ? [] : [sourceFolder]), ...statics.map((s) => s.folder)];
  const exec: RemoteExec = (argv, o) => conn.exec(argv, o);

  const probe = parseProbe(
    await conn.run(['sh', '-c', PROBE_SCRIPT, 'sh', opts.workFolder, ...candidates], { timeoutMs: 30_000, ...sig }),
  );
  // Nothing in a folder that is not ours alone is used, not even a helper found ready there.
  if (probe.folder.facts)
    await acceptRemoteFolder(
      exec,
      probe.folder,
      probe.work,
      `target "${conn.name}": the work folder`,
      WORK_REMEDY,
      opts.signal,
    );
  if (!probe.sha256sum) {
    throw new TargetError(
      'deploy',
      `target "${conn.name}" has no sha256sum (coreutils or busybox): the helper runs as root only after its ` +
        'content hash is checked there. Install coreutils (or a busybox with sha256sum).',
    );
  }
  const ready = probe.ready;
  if (ready && ready.binary === binaryIn(probe.work, ready.dir) && SHA256_HEX.test(ready.sha256)) {
    // A static build is the file shipped here: its hash is known without trusting the marker.
    const shipped = statics.find((st) => st.folder === ready.dir);
    if (!shipped || shipped.sha256 === ready.sha256) {
      log(`[${conn.name}] helper ready at ${ready.binary} (cached)`);
      return { binary: ready.binary, how: 'cache', arch: probe.arch, sha256: ready.sha256 };
    }
  }
  if (!MAKE_SAFE.test(probe.work)) {
    throw new TargetError(
      'config',
      `target "${conn.name}": the work folder resolves to ${JSON.stringify(probe.work)}, which make cannot build in (blanks or shell characters); set netlink.targets[].workFolder to a plain absolute path`,
    );
  }
  if (!probe.folder.facts)
    await ensureRemotePrivateFolder(
      exec,
      probe.work,
      `target "${conn.name}": the work folder`,
      WORK_REMEDY,
      opts.signal,
    );

  let note: string | undefined;
  if (opts.helperBuild === 'static') note = 'helperBuild is "static"';
  else if (!probe.cc) note = 'the target has no C compiler (cc, gcc)';
  else if (!probe.make) note = 'the target has no make';
  else {
    const dir = `${probe.work}/${sourceFolder}`;
    try {
      const built = await compileOnTarget(conn, dir, sources, probe.cc, { timeoutMs, ...sig }, log);
      return { ...built, how: 'compiled', arch: probe.arch };
    } catch (e) {
      if (e instanceof TargetError && (e.kind === 'aborted' || e.kind === 'connection-lost')) throw e;
      note = `building on the target failed: ${(e as Error).message}`;
      log(`[${conn.name}] ${note}; trying the static build`);
    }
  }

  const archDir = ARCH_DIRS[probe.arch];
  if (!archDir) {
    throw new TargetError(
      'deploy',
      `target "${conn.name}": ${note}, and there is no prebuilt helper for its architecture ${probe.arch} ` +
        `(shipped: ${SHIPPED_ARCHES.join(', ')}). Install cc, make and the kernel's uapi headers there (Debian: gcc make libc6-dev linux-libc-dev).`,
    );
  }
  const built = statics.find((s) => s.folder.startsWith(`nlhelper-static-${archDir}-`));
  if (!built) {
    throw new TargetError(
      'deploy',
      `target "${conn.name}": ${note}, and the static helper ${path.join(opts.staticDir, archDir, 'nlhelper')} ` +
        'is not in this installation (build it with `npm run build:native`).',
    );
  }
  const dir = `${probe.work}/${built.folder}`;
  const binary = binaryIn(probe.work, built.folder);
  log(`[${conn.name}] ${note}: uploading the static ${archDir} helper to ${dir}`);
  await conn.run(['mkdir', '-m', '700', '-p', '--', dir], { timeoutMs: 30_000, ...sig });
  await conn.upload(built.file, binary, { mode: '755', timeoutMs, ...sig });
  await conn.upload(Buffer.from(`${binary}\n${built.sha256}\n`), `${dir}/.ready`, { timeoutMs: 30_000, ...sig });
  return { binary, how: 'static', arch: probe.arch, note, sha256: built.sha256 };
}

// Fixed script: the built binary's hash, measured there right after make, goes into the marker (written last,
// atomically) and back to us. $1 the binary, $2 the marker.
const MARK_BUILT =
  'h=$(sha256sum < "$1") && h=${h%% *} && printf \'%s\\n%s\\n\' "$1" "$h" > "$2.part" && mv -f "$2.part" "$2" && printf \'%s\\n\' "$h"';

async function compileOnTarget(
  conn: SshConnection,
  dir: string,
  sources: readonly SourceFile[],
  cc: string,
  run: { timeoutMs: number; signal?: AbortSignal },
  log: (line: string) => void,
): Promise<{ binary: string; sha256: string }> {
  log(`[${conn.name}] uploading the helper's sources to ${dir} and building with ${cc}`);
  await conn.run(['mkdir', '-m', '700', '-p', '--', `${dir}/src`], {
    timeoutMs: 30_000,
    ...(run.signal ? { signal: run.signal } : {}),
  });
  await inBatches(sources, UPLOAD_CONCURRENCY, (f) =>
    conn.upload(f.bytes, `${dir}/${f.rel}`, { timeoutMs: 60_000, ...(run.signal ? { signal: run.signal } : {}) }),
  );
  const r = await conn.exec(['make', '-C', dir, '-s', '-j4', `CC=${cc}`], run);
  if (r.code !== 0) {
    const tail = r.stderr.trim().split('\n').slice(-5).join('\n');
    throw new TargetError('deploy', `make failed (exit ${r.code}): ${tail}`, `${r.stdout}\n${r.stderr}`);
  }
  const binary = `${dir}/build/nlhelper`;
  const sha256 = (
    await conn.run(['sh', '-c', MARK_BUILT, 'sh', binary, `${dir}/.ready`], {
      timeoutMs: 30_000,
      ...(run.signal ? { signal: run.signal } : {}),
    })
  ).trim();
  if (!SHA256_HEX.test(sha256))
    throw new TargetError('deploy', `sha256sum of ${binary} gave ${JSON.stringify(sha256.slice(0, 100))}`);
  return { binary, sha256 };
}
