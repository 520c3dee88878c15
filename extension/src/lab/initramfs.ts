// Builds the guest's initramfs (busybox, dropbear, sftp-server, the NIC module chain, nlmon and dummy, /init) and caches it in
// ${cache}/lab/initramfs/<hash of all inputs>/ with the known_hosts line of the host key generated for it.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { labFailure } from './errors';
import { GROUP, HOST_KEY_PATH, PASSWD, SHELLS, initScript } from './guestFiles';
import { hostUserland, readGuestFile, type GuestUserland } from './guestUserland';
import { modulesAlias, modulesDep, resolveModuleChain } from './moduleChain';
import { runChecked } from '../process/run';
import { HOST_KEY_ALIAS } from './sshArgs';
import { generateDropbearHostKey } from './sshKeys';

/** Bump when the layout changes in a way the inputs below do not capture. */
const FORMAT = 'netlink-lab-initramfs-1';
/** The NIC: virtio-net on PCI (-device virtio-net-pci); virtio_pci brings the transport. */
export const NIC_MODULES = ['virtio_pci', 'virtio_net'] as const;
/**
 * In the image but not loaded at boot: the kernel loads them when asked (`ip link add ... type nlmon` or dummy:
 * rtnetlink requests "rtnl-link-<kind>"), or a test runs modprobe. nlmon is what `nlhelper capture` reads.
 */
export const ON_DEMAND_MODULES = ['nlmon', 'dummy'] as const;

type Entry =
  | { kind: 'dir'; dest: string; mode: number }
  | { kind: 'file'; dest: string; mode: number; content: Buffer }
  | { kind: 'symlink'; dest: string; target: string };

export interface InitramfsOptions {
  labDir: string;
  kernelRelease: string;
  modulesDir: string;
  authorizedKey: string;
  log: (line: string) => void;
  /** The guest's programs; default the host's own (guestUserland.ts). */
  userland?: GuestUserland;
}

export interface Initramfs {
  file: string;
  /** known_hosts file with the guest's host key under HOST_KEY_ALIAS. */
  knownHosts: string;
}

async function collectEntries(opts: InitramfsOptions): Promise<Entry[]> {
  const entries: Entry[] = [];
  const dirs = [
    'bin',
    'sbin',
    'usr',
    'usr/bin',
    'usr/sbin',
    'usr/lib',
    'lib',
    'lib64',
    'etc',
    'etc/dropbear',
    'proc',
    'sys',
    'dev',
    'tmp',
    'run',
    'var',
    'mnt',
  ];
  for (const d of dirs) entries.push({ kind: 'dir', dest: d, mode: 0o755 });
  entries.push({ kind: 'dir', dest: 'root', mode: 0o700 }, { kind: 'dir', dest: 'root/.ssh', mode: 0o700 });

  const userland = opts.userland ?? (await hostUserland());
  for (const f of [...userland.binaries, ...userland.libraries]) {
    entries.push({ kind: 'file', dest: f.dest, mode: 0o755, content: await readGuestFile(f) });
  }
  const taken = new Set(entries.map((e) => e.dest));
  for (const applet of userland.applets) {
    if (!taken.has(applet)) entries.push({ kind: 'symlink', dest: applet, target: '/bin/busybox' });
  }

  const chain = await resolveModuleChain(opts.modulesDir, [...NIC_MODULES, ...ON_DEMAND_MODULES]);
  const modRoot = `lib/modules/${opts.kernelRelease}`;
  for (const m of chain)
    entries.push({ kind: 'file', dest: `${modRoot}/${m.relPath}`, mode: 0o644, content: m.content });
  entries.push({ kind: 'file', dest: `${modRoot}/modules.dep`, mode: 0o644, content: Buffer.from(modulesDep(chain)) });
  entries.push({
    kind: 'file',
    dest: `${modRoot}/modules.alias`,
    mode: 0o644,
    content: Buffer.from(modulesAlias(chain)),
  });

  const text = (dest: string, s: string, mode = 0o644): Entry => ({
    kind: 'file',
    dest,
    mode,
    content: Buffer.from(s),
  });
  entries.push(
    text('init', initScript(NIC_MODULES), 0o755),
    text('etc/passwd', PASSWD),
    text('etc/group', GROUP),
    text('etc/shells', SHELLS),
    text('root/.ssh/authorized_keys', `${opts.authorizedKey.trim()}\n`, 0o600),
  );
  return entries;
}

function hashEntries(entries: readonly Entry[]): string {
  const h = createHash('sha256').update(FORMAT);
  for (const e of [...entries].sort((a, b) => (a.dest < b.dest ? -1 : 1))) {
    h.update(`\0${e.kind}\0${e.dest}\0`);
    if (e.kind === 'file') h.update(`${e.mode}\0`).update(e.content);
    else if (e.kind === 'dir') h.update(`${e.mode}`);
    else h.update(e.target);
  }
  return h.digest('hex').slice(0, 16);
}

async function writeStaging(staging: string, entries: readonly Entry[]): Promise<void> {
  for (const e of entries) {
    const p = path.join(staging, e.dest);
    await mkdir(path.dirname(p), { recursive: true });
    if (e.kind === 'dir') {
      await mkdir(p, { recursive: true });
      await chmod(p, e.mode);
    } else if (e.kind === 'file') {
      await writeFile(p, e.content);
      await chmod(p, e.mode);
    } else {
      await symlink(e.target, p);
    }
  }
}

async function listTree(root: string, rel = ''): Promise<string[]> {
  const names: string[] = [];
  for (const d of await readdir(path.join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${d.name}` : d.name;
    names.push(r);
    if (d.isDirectory()) for (const name of await listTree(root, r)) names.push(name);
  }
  return names.sort();
}

export async function buildInitramfs(opts: InitramfsOptions): Promise<Initramfs> {
  const entries = await collectEntries(opts);
  const dir = path.join(opts.labDir, 'initramfs', hashEntries(entries));
  const result: Initramfs = { file: path.join(dir, 'initramfs.cpio.gz'), knownHosts: path.join(dir, 'known_hosts') };
  if (existsSync(result.file) && existsSync(result.knownHosts)) return result;

  opts.log(`building initramfs ${path.basename(dir)}`);
  const build = `${dir}.build-${process.pid}`;
  const staging = path.join(build, 'root');
  await rm(build, { recursive: true, force: true });
  await writeStaging(staging, entries);
  const hostKey = await generateDropbearHostKey(path.join(staging, HOST_KEY_PATH));
  const cpio = await runChecked(
    ['cpio', '-o', '-H', 'newc', '-R', '0:0', '--quiet'],
    {
      cwd: staging,
      input: `${(await listTree(staging)).join('\n')}\n`,
      timeoutMs: 120_000,
    },
    labFailure('initramfs'),
  );
  await writeFile(path.join(build, 'initramfs.cpio.gz'), gzipSync(cpio.stdout, { level: 6 }));
  await writeFile(path.join(build, 'known_hosts'), `${HOST_KEY_ALIAS} ${hostKey}\n`);
  await rm(staging, { recursive: true, force: true });
  try {
    await rename(build, dir);
  } catch (e) {
    // Another start built the same inputs meanwhile: theirs is as good as ours.
    await rm(build, { recursive: true, force: true });
    if (!existsSync(result.file)) throw e;
  }
  return result;
}
