// Where the guest's programs come from. A guest of the host's own architecture gets the host's busybox-static,
// dropbear and sftp-server with the libraries `ldd` lists. A foreign one (aarch64 on an x86_64 host) gets the
// same Debian packages of its architecture, downloaded through the private apt state (debian/foreignApt.ts) and unpacked
// into ${cache}/lab/userland-<debArch>/root/; their libraries are found by reading each ELF's NEEDED entries and
// interpreter (the host cannot run them, so no ldd), and symlinks are followed inside that root, not the host's.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { lstat, mkdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { aptOptions, ensureForeignLists } from '../debian/foreignApt';
import { run, runChecked } from '../process/run';
import { LabError, labFailure, withLabErrors } from './errors';

export interface GuestFile {
  /** Path in the initramfs, without the leading slash. */
  dest: string;
  /** Where its bytes are on the host (symlinks already resolved). */
  source: string;
}

export interface GuestUserland {
  /** busybox, dropbear, sftp-server at the paths /init and dropbear expect. */
  binaries: GuestFile[];
  /** Shared libraries and the ELF interpreter the binaries need (none for a static one). */
  libraries: GuestFile[];
  /** busybox's applets as `busybox --list-full` prints them ("bin/ash"), each to become a symlink to /bin/busybox. */
  applets: string[];
}

const BINARIES = [
  { dest: 'bin/busybox', candidates: ['/bin/busybox', '/usr/bin/busybox'], pkg: 'busybox-static' },
  { dest: 'usr/sbin/dropbear', candidates: ['/usr/sbin/dropbear'], pkg: 'dropbear-bin' },
  // dropbear runs /usr/lib/sftp-server for the sftp subsystem (OpenSSH 9's scp speaks SFTP).
  {
    dest: 'usr/lib/sftp-server',
    candidates: ['/usr/lib/openssh/sftp-server', '/usr/libexec/sftp-server'],
    pkg: 'openssh-sftp-server',
  },
] as const;

/** Shared libraries (and the ELF interpreter) `ldd` lists; none for a static binary. */
async function lddLibraries(binary: string): Promise<string[]> {
  const r = await run(['ldd', binary], { timeoutMs: 30_000 });
  const stdout = r.stdout.toString('utf8');
  if (r.code !== 0) {
    if (/not a dynamic executable/.test(stdout + r.stderr)) return [];
    throw new LabError('initramfs', `ldd ${binary} failed`, r.stderr);
  }
  const libs: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m?.[1]) libs.push(m[1]);
  }
  return libs;
}

async function busyboxApplets(busybox: string): Promise<string[]> {
  const r = await runChecked([busybox, '--list-full'], { timeoutMs: 30_000 }, labFailure('initramfs'));
  return r.stdout
    .toString('utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && l !== 'linuxrc');
}

/** The host's own programs (the x86_64 lab on an x86_64 host). */
export async function hostUserland(): Promise<GuestUserland> {
  const binaries: GuestFile[] = [];
  const libs = new Set<string>();
  for (const b of BINARIES) {
    const found = b.candidates.find((c) => existsSync(c));
    if (!found)
      throw new LabError('initramfs', `${b.candidates.join(' or ')} not found: install the Debian package ${b.pkg}`);
    binaries.push({ dest: b.dest, source: found });
    for (const lib of await lddLibraries(found)) libs.add(lib);
  }
  return {
    binaries,
    // Copied under the path the loader asks for; reading follows symlinks to the real library.
    libraries: [...libs].map((l) => ({ dest: l.replace(/^\/+/, ''), source: l })),
    applets: await busyboxApplets(binaries[0]!.source),
  };
}

/** Follows symlinks of `rel` inside `root` (an absolute link target means root-relative), to a regular file. */
export async function resolveInRoot(root: string, rel: string, depth = 0): Promise<string> {
  if (depth > 16) throw new LabError('initramfs', `too many symlinks resolving ${rel} in ${root}`);
  const parts = rel.replace(/^\/+/, '').split('/').filter(Boolean);
  let done = '';
  for (let i = 0; i < parts.length; i++) {
    const next = done ? `${done}/${parts[i]}` : (parts[i] as string);
    const st = await lstat(path.join(root, next)).catch(() => undefined);
    if (!st) throw new LabError('initramfs', `${next} does not exist in ${root}`);
    if (st.isSymbolicLink()) {
      const target = await readlink(path.join(root, next));
      const base = target.startsWith('/') ? target : path.posix.join(path.posix.dirname(`/${next}`), target);
      return resolveInRoot(root, path.posix.join(path.posix.normalize(base), ...parts.slice(i + 1)), depth + 1);
    }
    done = next;
  }
  return done;
}

/** NEEDED sonames and the interpreter of an ELF file (any architecture: readelf only reads it). */
export async function elfNeeds(file: string): Promise<{ needed: string[]; interpreter?: string }> {
  const r = await runChecked(
    ['readelf', '-d', '-l', '-W', file],
    { timeoutMs: 30_000, env: { ...process.env, LC_ALL: 'C' } },
    labFailure('initramfs'),
  );
  const text = r.stdout.toString('utf8');
  const needed = [...text.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1] as string);
  const interp = /\[Requesting program interpreter: ([^\]]+)\]/.exec(text)?.[1];
  return { needed, ...(interp ? { interpreter: interp } : {}) };
}

/** The multiarch triplet of a Debian architecture (where its libraries live). */
const TRIPLETS: Record<string, string> = { arm64: 'aarch64-linux-gnu', amd64: 'x86_64-linux-gnu' };

/** Libraries of `binaries` (transitively) inside root, each under the path the guest's loader finds it at. */
export async function rootLibraries(root: string, binaries: readonly string[], debArch: string): Promise<GuestFile[]> {
  const triplet = TRIPLETS[debArch];
  if (!triplet) throw new LabError('initramfs', `no library folder known for ${debArch}`);
  const searchDirs = [`lib/${triplet}`, `usr/lib/${triplet}`, 'lib', 'usr/lib'];
  const out = new Map<string, GuestFile>();
  const queue = [...binaries];
  const seen = new Set<string>();
  const add = async (dest: string): Promise<void> => {
    if (out.has(dest)) return;
    const real = await resolveInRoot(root, dest);
    out.set(dest, { dest, source: path.join(root, real) });
    queue.push(path.join(root, real));
  };
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const { needed, interpreter } = await elfNeeds(file);
    if (interpreter) await add(interpreter.replace(/^\/+/, ''));
    for (const soname of needed) {
      const dir = searchDirs.find((d) => existsSync(path.join(root, d, soname)));
      if (!dir)
        throw new LabError(
          'initramfs',
          `${path.basename(file)} needs ${soname}, which none of the unpacked ${debArch} packages has`,
        );
      await add(`${dir}/${soname}`);
    }
  }
  return [...out.values()];
}

const ROOT_PACKAGES = ['busybox-static', 'dropbear-bin', 'openssh-sftp-server'];
const USERLAND_MARKER = '.userland-ok';

/** Package names and, recursively, the library packages they depend on (lib*, zlib*: what the programs load). */
async function packageClosure(apt: string[], roots: readonly string[]): Promise<string[]> {
  const all = new Set<string>(roots);
  let frontier = [...roots];
  while (frontier.length > 0) {
    const r = await runChecked(
      ['apt-cache', ...apt, 'depends', ...frontier],
      { timeoutMs: 60_000 },
      labFailure('packages'),
    );
    frontier = [];
    for (const line of r.stdout.toString('utf8').split('\n')) {
      const dep = /^\s+(?:\|)?(?:Pre)?Depends:\s+([a-z0-9][a-z0-9.+-]*)/.exec(line)?.[1];
      if (dep && /^(lib|zlib)/.test(dep) && !all.has(dep)) {
        all.add(dep);
        frontier.push(dep);
      }
    }
  }
  return [...all].sort();
}

/** The `debArch` packages of busybox-static, dropbear and sftp-server with their libraries, unpacked (cached). */
export async function foreignUserland(
  cacheDir: string,
  debArch: string,
  hostDebArch: string,
  log: (l: string) => void,
): Promise<GuestUserland> {
  const base = path.join(cacheDir, 'lab', `userland-${debArch}`);
  const root = path.join(base, 'root');
  if (!existsSync(path.join(base, USERLAND_MARKER))) {
    await withLabErrors(ensureForeignLists(cacheDir, debArch, hostDebArch, log));
    const apt = aptOptions(cacheDir, debArch, hostDebArch);
    const pkgs = await packageClosure(apt, ROOT_PACKAGES);
    const debs = path.join(base, 'debs');
    await rm(base, { recursive: true, force: true });
    await mkdir(debs, { recursive: true });
    log(`downloading ${debArch} ${pkgs.join(' ')}`);
    await runChecked(
      ['apt-get', ...apt, 'download', ...pkgs.map((p) => `${p}:${debArch}`)],
      { cwd: debs, timeoutMs: 600_000 },
      labFailure('packages'),
    );
    for (const f of readdirSync(debs).filter((n) => n.endsWith('.deb'))) {
      await runChecked(['dpkg-deb', '-x', path.join(debs, f), root], { timeoutMs: 120_000 }, labFailure('packages'));
    }
    await writeFile(path.join(base, USERLAND_MARKER), `${pkgs.join('\n')}\n`);
  }
  const binaries: GuestFile[] = [];
  for (const b of BINARIES) {
    const rel = b.candidates.map((c) => c.replace(/^\/+/, '')).find((c) => existsSync(path.join(root, c)));
    if (!rel)
      throw new LabError('initramfs', `${b.candidates.join(' or ')} not in the unpacked ${debArch} ${b.pkg} (${root})`);
    binaries.push({ dest: b.dest, source: path.join(root, await resolveInRoot(root, rel)) });
  }
  if (statSync(binaries[0]!.source).size === 0) throw new LabError('initramfs', `${binaries[0]!.source} is empty`);
  // The foreign busybox cannot run here to list its applets: the host's busybox-static is the same Debian source
  // package (same version, same configuration), so its list is that binary's list.
  const hostBusybox = BINARIES[0].candidates.find((c) => existsSync(c));
  if (!hostBusybox)
    throw new LabError('initramfs', "the host's busybox lists the applets: install the Debian package busybox-static");
  return {
    binaries,
    libraries: await rootLibraries(
      root,
      binaries.map((b) => b.source),
      debArch,
    ),
    applets: await busyboxApplets(hostBusybox),
  };
}

/** Reads a GuestFile's bytes. */
export function readGuestFile(f: GuestFile): Promise<Buffer> {
  return readFile(f.source);
}
