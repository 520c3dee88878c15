// The QEMU command line of the lab. User-mode networking only: the guest reaches nothing but QEMU's built-in
// slirp, and the only way in is the forwarded SSH port on the host's loopback.
import { ARCH_PROFILES, type LabArch } from './arch';

export type Accel = 'kvm' | 'tcg';

export interface QemuArgsInput {
  accel: Accel;
  kernel: string;
  initrd: string;
  sshPort: number;
  memory?: string;
  /** Guest architecture; default x86_64. */
  arch?: LabArch;
}

export const QEMU_BINARY = ARCH_PROFILES.x86_64.qemuBinary;

export function qemuArgv(q: QemuArgsInput): string[] {
  const p = ARCH_PROFILES[q.arch ?? 'x86_64'];
  return [
    p.qemuBinary,
    '-machine',
    p.machine,
    '-accel',
    q.accel,
    // -cpu max gives the guest a hardware RNG: dropbear does not wait for entropy (LAB.md).
    '-cpu',
    p.cpu,
    '-m',
    q.memory ?? '512M',
    '-smp',
    '1',
    '-nographic',
    '-no-reboot',
    '-kernel',
    q.kernel,
    '-initrd',
    q.initrd,
    '-append',
    `console=${p.console} panic=-1 quiet`,
    '-netdev',
    `user,id=n0,hostfwd=tcp:127.0.0.1:${q.sshPort}-:22`,
    // On PCI for both machines (virt has a PCIe host bridge): the same virtio_pci + virtio_net modules load it.
    '-device',
    'virtio-net-pci,netdev=n0',
  ];
}
