// Which kernel the lab boots: the host's own when its image and headers are there (as virtme-ng does), else a
// Debian kernel unpacked into the cache. Either way QEMU gets an uncompressed vmlinux when the kernel supports
// PVH (fast under TCG), the bzImage otherwise. An aarch64 guest always gets Debian's arm64 kernel, whose vmlinuz is
// the plain arm64 Image QEMU boots as it is. Its headers are not unpacked at boot: the first local-headers module
// build fetches them for its `uname -r`, set up for a cross build (debian/kernel.ts fetchDebianHeaders), as for any
// target running a Debian kernel. A boot that only runs the helper does not pay for them (~14 MB of downloads).
import { constants, existsSync } from 'node:fs';
import { access, mkdir, readFile, realpath, rename, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { prepareDebianKernel } from '../debian/kernel';
import { ARCH_PROFILES, isNativeArch, type LabArch } from './arch';
import { LabError, withLabErrors } from './errors';
import { extractVmlinux } from './vmlinux';

export interface LabKernel {
  source: 'host' | 'debian';
  release: string;
  bzImage: string;
  /** What QEMU's -kernel gets: the extracted vmlinux (PVH) or the bzImage. */
  bootImage: string;
  /** /lib/modules/<release> of that kernel (for the NIC driver chain). */
  modulesDir: string;
  /** Kernel build dir to build out-of-tree modules against (make -C headersDir M=...); '' when not prepared at boot. */
  headersDir: string;
  /** The guest architecture this kernel runs on. */
  arch: LabArch;
}

export interface KernelOptions {
  cacheDir: string;
  log: (line: string) => void;
  /** "auto" (default): host kernel when usable, else Debian; "debian" forces the download. */
  prefer?: 'auto' | 'debian';
  /** Debian kernel series, default 6.1 (bookworm's). */
  series?: string;
  /** Guest architecture, default x86_64. Another than the host's always takes the Debian kernel; headers come on demand. */
  arch?: LabArch;
}

async function readable(p: string): Promise<boolean> {
  try {
    await access(p, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

async function hasPvh(configFile: string): Promise<boolean> {
  if (!existsSync(configFile)) return false;
  return /^CONFIG_PVH=y$/m.test(await readFile(configFile, 'utf8'));
}

/** Extracts vmlinux once; the file is written under a temporary name and renamed so a crash leaves no half file. */
async function cachedVmlinux(bzImage: string, target: string, log: (line: string) => void): Promise<string> {
  if (existsSync(target)) return target;
  log(`extracting vmlinux from ${bzImage}`);
  const elf = await extractVmlinux(await readFile(bzImage));
  await mkdir(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  await writeFile(tmp, elf);
  await rename(tmp, target);
  return target;
}

async function hostKernel(opts: KernelOptions): Promise<LabKernel | undefined> {
  const release = os.release();
  const bzImage = `/boot/vmlinuz-${release}`;
  const modulesDir = `/lib/modules/${release}`;
  const build = path.join(modulesDir, 'build');
  if (!(await readable(bzImage)) || !existsSync(path.join(build, 'Makefile'))) return undefined;
  const pvh = await hasPvh(`/boot/config-${release}`);
  const st = await stat(bzImage);
  const vmlinux = path.join(opts.cacheDir, 'lab', 'host-vmlinux', `${release}-${st.size}-${Math.floor(st.mtimeMs)}`);
  return {
    source: 'host',
    release,
    bzImage,
    bootImage: pvh ? await cachedVmlinux(bzImage, vmlinux, opts.log) : bzImage,
    modulesDir,
    headersDir: await realpath(build),
    arch: 'x86_64',
  };
}

/** A compressed arm64 Image (vmlinuz may be gzip'd on other distributions or releases) is unpacked once. */
async function arm64BootImage(vmlinuz: string, root: string): Promise<string> {
  const head = await readFile(vmlinuz);
  if (!(head[0] === 0x1f && head[1] === 0x8b)) return vmlinuz;
  const target = path.join(root, 'Image');
  if (existsSync(target)) return target;
  const tmp = `${target}.tmp-${process.pid}`;
  await writeFile(tmp, gunzipSync(head));
  await rename(tmp, target);
  return target;
}

export async function prepareKernel(opts: KernelOptions): Promise<LabKernel> {
  const arch = opts.arch ?? 'x86_64';
  if (arch !== 'x86_64') {
    if (isNativeArch(arch)) throw new LabError('kernel', `an ${arch} lab on an ${arch} host is not supported yet`);
    const deb = await withLabErrors(
      prepareDebianKernel(opts.cacheDir, opts.series ?? '6.1', opts.log, {
        debArch: ARCH_PROFILES[arch].debArch,
        headers: false,
      }),
    );
    if (!existsSync(deb.bzImage)) throw new LabError('kernel', `${deb.bzImage} is missing`);
    return {
      source: 'debian',
      release: deb.release,
      bzImage: deb.bzImage,
      bootImage: await arm64BootImage(deb.bzImage, deb.root),
      modulesDir: deb.modulesDir,
      headersDir: '',
      arch,
    };
  }
  if ((opts.prefer ?? 'auto') === 'auto') {
    const host = await hostKernel(opts);
    if (host) return host;
  }
  const deb = await withLabErrors(prepareDebianKernel(opts.cacheDir, opts.series ?? '6.1', opts.log));
  const pvh = await hasPvh(path.join(deb.root, 'boot', `config-${deb.release}`));
  if (!existsSync(deb.bzImage)) throw new LabError('kernel', `${deb.bzImage} is missing`);
  return {
    source: 'debian',
    release: deb.release,
    bzImage: deb.bzImage,
    bootImage: pvh ? await cachedVmlinux(deb.bzImage, path.join(deb.root, 'vmlinux'), opts.log) : deb.bzImage,
    modulesDir: deb.modulesDir,
    headersDir: deb.headersDir,
    arch: 'x86_64',
  };
}
