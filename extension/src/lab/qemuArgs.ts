// The QEMU command line of the lab. User-mode networking only: the guest reaches nothing but QEMU's built-in
// slirp, and the only way in is the forwarded SSH port on the host's loopback.
export type Accel = 'kvm' | 'tcg';

export interface QemuArgsInput {
  accel: Accel;
  kernel: string;
  initrd: string;
  sshPort: number;
  memory?: string;
}

export const QEMU_BINARY = 'qemu-system-x86_64';

export function qemuArgv(q: QemuArgsInput): string[] {
  return [
    QEMU_BINARY,
    '-machine', 'pc',
    '-accel', q.accel,
    // -cpu max gives the guest RDRAND: dropbear does not wait for entropy (LAB.md).
    '-cpu', 'max',
    '-m', q.memory ?? '512M',
    '-smp', '1',
    '-nographic',
    '-no-reboot',
    '-kernel', q.kernel,
    '-initrd', q.initrd,
    '-append', 'console=ttyS0 panic=-1 quiet',
    '-netdev', `user,id=n0,hostfwd=tcp:127.0.0.1:${q.sshPort}-:22`,
    '-device', 'virtio-net-pci,netdev=n0',
  ];
}
