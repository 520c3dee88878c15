// The guest architectures the lab can boot, and what differs between them: QEMU binary and machine, the serial
// console's name, Debian's architecture name (kernel package suffix, foreign debs). x86_64 is the lab of the
// module loop; aarch64 runs under TCG on an x86_64 host to prove the static arm64 helper on a real arm64 kernel and
// modules cross-built here against its headers.
import os from 'node:os';
import type { DebArch } from '../debian/arch';

export type LabArch = 'x86_64' | 'aarch64';

export interface ArchProfile {
  readonly arch: LabArch;
  /** Debian's name: the suffix of linux-image-<release> and the `:arch` of foreign packages. */
  readonly debArch: DebArch;
  readonly qemuBinary: string;
  /** The Debian package with qemuBinary. */
  readonly qemuPackage: string;
  readonly machine: string;
  /**
   * x86_64 `max` has RDRAND (dropbear does not wait for entropy, LAB.md). aarch64 `max` has RNDR for the same;
   * pauth-impdef=on swaps the architected pointer-auth hash (slow to emulate) for QEMU's cheap one.
   */
  readonly cpu: string;
  /** The kernel's name for the first serial port: the 8250 UART on pc, the PL011 on virt. */
  readonly console: string;
}

export const ARCH_PROFILES: Readonly<Record<LabArch, ArchProfile>> = {
  x86_64: {
    arch: 'x86_64',
    debArch: 'amd64',
    qemuBinary: 'qemu-system-x86_64',
    qemuPackage: 'qemu-system-x86',
    machine: 'pc',
    cpu: 'max',
    console: 'ttyS0',
  },
  aarch64: {
    arch: 'aarch64',
    debArch: 'arm64',
    qemuBinary: 'qemu-system-aarch64',
    qemuPackage: 'qemu-system-arm',
    machine: 'virt',
    cpu: 'max,pauth-impdef=on',
    console: 'ttyAMA0',
  },
};

/** The host's own architecture as the lab names it (undefined for one it cannot boot). */
export function hostLabArch(): LabArch | undefined {
  const m = os.arch();
  return m === 'x64' ? 'x86_64' : m === 'arm64' ? 'aarch64' : undefined;
}

/** Whether guests of `arch` run natively here (KVM is possible, host binaries run in the guest). */
export function isNativeArch(arch: LabArch): boolean {
  return hostLabArch() === arch;
}
