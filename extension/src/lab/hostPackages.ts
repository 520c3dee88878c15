// The Debian packages the lab needs on this machine (QEMU, the guest's programs, the tools that build the
// initramfs); debian/packages.ts installs the missing ones.
import { ensurePackages as ensureDebianPackages } from '../debian/packages';
import { ARCH_PROFILES, type LabArch } from './arch';
import { withLabErrors } from './errors';

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

/** Installs the missing ones of `pkgs` (as root; otherwise a LabError with the command to run). */
export function ensurePackages(pkgs: readonly string[], log: (l: string) => void): Promise<void> {
  return withLabErrors(ensureDebianPackages(pkgs, log));
}
