// Installs the host packages the lab needs, only those missing, without recommends (LAB.md: ~190 otherwise).
import { ARCH_PROFILES, type LabArch } from './arch';
import { LabError, labFailure } from './errors';
import { run, runChecked } from '../process/run';

export const LAB_HOST_PACKAGES = [
  'qemu-system-x86',
  'busybox-static',
  'dropbear-bin',
  'cpio',
  'openssh-client',
  'openssh-sftp-server',
  'xz-utils',
] as const;

/**
 * The host packages for a lab of `arch`. A foreign guest still uses the host's busybox (its applet list),
 * dropbearkey (the host key), cpio and ssh, plus readelf (binutils) to find the foreign programs' libraries.
 */
export function labHostPackages(arch: LabArch = 'x86_64'): string[] {
  if (arch === 'x86_64') return [...LAB_HOST_PACKAGES];
  return [...LAB_HOST_PACKAGES.filter((p) => p !== 'qemu-system-x86'), ARCH_PROFILES[arch].qemuPackage, 'binutils'];
}

export async function missingPackages(pkgs: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const p of pkgs) {
    const r = await run(['dpkg-query', '-W', '-f=${Status}', p], { timeoutMs: 30_000 });
    if (r.code !== 0 || !r.stdout.toString('utf8').includes('install ok installed')) missing.push(p);
  }
  return missing;
}

export async function ensurePackages(pkgs: readonly string[], log: (l: string) => void): Promise<void> {
  const missing = await missingPackages(pkgs);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new LabError('packages', `missing Debian packages; run: sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`);
  }
  log(`installing ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runChecked(['apt-get', 'update'], { timeoutMs: 300_000, env }, labFailure('packages'));
  await runChecked(['apt-get', 'install', '-y', '--no-install-recommends', ...missing], { timeoutMs: 900_000, env }, labFailure('packages'));
}
