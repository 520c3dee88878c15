// KVM or TCG. /dev/kvm can exist and still hang guests before the kernel prints anything (LAB.md), so KVM is
// used only when a short probe boot prints the kernel banner. The answer is remembered per host boot.
import { constants, existsSync } from 'node:fs';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { QEMU_BINARY, type Accel } from './qemuArgs';
import { run } from '../process/run';

const PROBE_TIMEOUT_MS = 8_000;

async function bootId(): Promise<string> {
  try {
    return (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
  } catch {
    return 'unknown';
  }
}

async function kvmUsable(kernel: string): Promise<boolean> {
  try {
    await access('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return false;
  }
  // No initrd: the kernel prints its banner, fails to mount a root and panics; -no-reboot then ends QEMU.
  const r = await run(
    [
      QEMU_BINARY,
      '-machine',
      'pc',
      '-accel',
      'kvm',
      '-cpu',
      'max',
      '-m',
      '256M',
      '-nographic',
      '-no-reboot',
      '-nic',
      'none',
      '-kernel',
      kernel,
      '-append',
      'console=ttyS0 panic=-1',
    ],
    { timeoutMs: PROBE_TIMEOUT_MS },
  );
  return /Linux version/.test(r.stdout.toString('utf8'));
}

/** `forced` comes from the caller (e.g. NETLINK_LAB_ACCEL); otherwise probe once per host boot. */
export async function chooseAccel(
  labDir: string,
  kernel: string,
  forced: 'auto' | Accel,
  log: (l: string) => void,
): Promise<Accel> {
  if (forced !== 'auto') return forced;
  if (!existsSync('/dev/kvm')) return 'tcg';
  const file = path.join(labDir, 'accel.json');
  const id = await bootId();
  try {
    const saved = JSON.parse(await readFile(file, 'utf8')) as { bootId?: string; accel?: Accel };
    if (saved.bootId === id && (saved.accel === 'kvm' || saved.accel === 'tcg')) return saved.accel;
  } catch {
    // no saved answer yet
  }
  log('probing KVM');
  const accel: Accel = (await kvmUsable(kernel)) ? 'kvm' : 'tcg';
  log(`KVM probe: using ${accel}`);
  await mkdir(labDir, { recursive: true });
  await writeFile(file, JSON.stringify({ bootId: id, accel }));
  return accel;
}
