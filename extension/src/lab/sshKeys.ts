// Key material of the lab: the client key pair the host logs in with (kept in the cache, reused across boots)
// and the guest's dropbear host key (generated per initramfs build, pinned in the lab's own known_hosts).
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { LabError, labFailure } from './errors';
import { runChecked } from '../process/run';

export interface ClientKey {
  privateKey: string;
  publicKeyLine: string;
}

export async function ensureClientKey(dir: string): Promise<ClientKey> {
  const privateKey = path.join(dir, 'id_ed25519');
  if (!existsSync(privateKey) || !existsSync(`${privateKey}.pub`)) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    // Generated under a temporary name so a concurrent start never sees half a key pair.
    const tmp = path.join(dir, `tmp-${process.pid}`);
    await rm(tmp, { force: true });
    await rm(`${tmp}.pub`, { force: true });
    await runChecked(
      ['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'netlink-lab', '-f', tmp],
      {
        timeoutMs: 30_000,
      },
      labFailure('ssh key'),
    );
    await rename(`${tmp}.pub`, `${privateKey}.pub`);
    await rename(tmp, privateKey);
  }
  return { privateKey, publicKeyLine: (await readFile(`${privateKey}.pub`, 'utf8')).trim() };
}

/** Generates a dropbear ed25519 host key file and returns its OpenSSH public key ("ssh-ed25519 AAAA..."). */
export async function generateDropbearHostKey(file: string): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await runChecked(['dropbearkey', '-t', 'ed25519', '-f', file], { timeoutMs: 30_000 }, labFailure('host key'));
  const r = await runChecked(['dropbearkey', '-y', '-f', file], { timeoutMs: 30_000 }, labFailure('host key'));
  const stdout = r.stdout.toString('utf8');
  const line = stdout.split('\n').find((l) => l.startsWith('ssh-ed25519 '));
  if (!line) throw new LabError('host key', 'dropbearkey -y printed no ssh-ed25519 line', stdout);
  const [type, blob] = line.trim().split(/\s+/);
  return `${type} ${blob}`;
}
