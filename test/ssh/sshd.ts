// A real OpenSSH server for the ssh tier and the ssh bench: its own host key, user key, config and known_hosts in
// a temp folder, listening on 127.0.0.1 only, run as the current user (root here, so it can log in any user).
//
//   node --import tsx test/ssh/sshd.ts start DIR   # starts sshd, writes DIR/sshd.json, returns
//   node --import tsx test/ssh/sshd.ts stop DIR    # stops it
// Tests call useSshd(): the server run.sh started (NETLINK_SSH_TEST_DIR), or one of their own.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeLoopbackPort } from '../support/loopbackPort';

export const SSHD = '/usr/sbin/sshd';
/** An unprivileged login without any sudo rule (made by ensureTestUser). */
export const PLAIN_USER = 'nlwb-ssh-test';

export interface SshdInfo {
  dir: string;
  port: number;
  pid: number;
  /** Private key of the client (authorized for root and PLAIN_USER). */
  userKey: string;
  /** known_hosts with this server's key for [127.0.0.1]:port. */
  knownHosts: string;
  /** known_hosts with ANOTHER key for the same host (a changed host key). */
  wrongKnownHosts: string;
  /** An empty known_hosts (an unknown host). */
  emptyKnownHosts: string;
  log: string;
}

function keygen(file: string, comment: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], { stdio: 'ignore' });
  return readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
}

function bannerSeen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = '';
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.on('data', (c) => {
      data += c.toString();
      if (data.includes('SSH-2.0')) done(true);
    });
    sock.on('error', () => done(false));
  });
}

/** The unprivileged test login: password field `*` (no password, but not locked, which sshd would refuse). */
export function ensureTestUser(): void {
  if (process.getuid?.() !== 0) throw new Error('the ssh tier runs as root (it adds a test user and runs sshd)');
  try {
    execFileSync('id', ['-u', PLAIN_USER], { stdio: 'ignore' });
  } catch {
    execFileSync(
      'useradd',
      ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/bin/sh', PLAIN_USER],
      { stdio: 'ignore' },
    );
  }
  execFileSync('usermod', ['-p', '*', PLAIN_USER], { stdio: 'ignore' });
}

export async function startSshd(dir = mkdtempSync(path.join(os.tmpdir(), 'nlwb-sshd-'))): Promise<SshdInfo> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: install openssh-server (test/ssh/run.sh does)`);
  ensureTestUser();
  // sshd reads authorized_keys as the logged-in user: the folder must be traversable, the file readable.
  chmodSync(dir, 0o755);
  const keys = path.join(dir, 'keys');
  mkdirSync(keys, { recursive: true, mode: 0o700 });
  const hostKey = path.join(keys, 'host_ed25519');
  const userKey = path.join(keys, 'id_ed25519');
  const hostPub = keygen(hostKey, 'nlwb-test-host');
  const userPub = keygen(userKey, 'nlwb-test-user');
  const otherPub = keygen(path.join(keys, 'other_host_ed25519'), 'nlwb-other-host');
  const authorized = path.join(dir, 'authorized_keys');
  writeFileSync(authorized, `${userPub}\n`, { mode: 0o644 });
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation folder sshd insists on

  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freeLoopbackPort();
    const config = path.join(dir, 'sshd_config');
    const log = path.join(dir, 'sshd.log');
    writeFileSync(
      config,
      [
        'ListenAddress 127.0.0.1',
        `Port ${port}`,
        `HostKey ${hostKey}`,
        `PidFile ${path.join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${authorized}`,
        'UsePAM no',
        'StrictModes no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        'PermitRootLogin prohibit-password',
        `AllowUsers root ${PLAIN_USER}`,
        'Subsystem sftp /usr/lib/openssh/sftp-server',
        'LogLevel VERBOSE',
        // Debian's bash sources ~/.bashrc for ssh commands unless SHLVL says it is nested; root's .bashrc here runs
        // `pyenv init` (2 s a command). Real targets rarely do that; the client code is the same either way.
        'SetEnv SHLVL=1',
        '',
      ].join('\n'),
    );
    const child = spawn(SSHD, ['-D', '-f', config, '-E', log], {
      detached: true,
      stdio: ['ignore', 'ignore', openSync(log, 'a')],
    });
    child.unref();
    const deadline = Date.now() + 10_000;
    let up = false;
    while (Date.now() < deadline && child.exitCode === null) {
      if (await bannerSeen(port)) {
        up = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!up) {
      child.kill('SIGKILL');
      if (attempt === 2) throw new Error(`sshd did not start: ${readFileSync(log, 'utf8').slice(-2000)}`);
      continue;
    }
    const knownHosts = path.join(dir, 'known_hosts');
    const wrongKnownHosts = path.join(dir, 'known_hosts.wrong');
    const emptyKnownHosts = path.join(dir, 'known_hosts.empty');
    writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostPub}\n`);
    writeFileSync(wrongKnownHosts, `[127.0.0.1]:${port} ${otherPub}\n`);
    writeFileSync(emptyKnownHosts, '');
    const info: SshdInfo = {
      dir,
      port,
      pid: child.pid as number,
      userKey,
      knownHosts,
      wrongKnownHosts,
      emptyKnownHosts,
      log,
    };
    writeFileSync(path.join(dir, 'sshd.json'), JSON.stringify(info, null, 1));
    return info;
  }
  throw new Error('sshd did not start');
}

export function loadSshd(dir: string): SshdInfo {
  return JSON.parse(readFileSync(path.join(dir, 'sshd.json'), 'utf8')) as SshdInfo;
}

/** Stops the server and removes its folder (when we made it). */
export async function stopSshd(info: SshdInfo, removeDir = true): Promise<void> {
  try {
    process.kill(info.pid, 'SIGTERM');
    for (let i = 0; i < 50; i++) {
      process.kill(info.pid, 0);
      await new Promise((r) => setTimeout(r, 50));
    }
    process.kill(info.pid, 'SIGKILL');
  } catch {
    // gone
  }
  if (removeDir) rmSync(info.dir, { recursive: true, force: true });
}

/** The server run.sh started, or a new one (stopped by the returned function). */
export async function useSshd(): Promise<{ info: SshdInfo; release: () => Promise<void> }> {
  const shared = process.env.NETLINK_SSH_TEST_DIR;
  if (shared) return { info: loadSshd(shared), release: async () => undefined };
  const info = await startSshd();
  return { info, release: () => stopSshd(info) };
}

/**
 * Pids of this sshd's processes that serve the TCP connection of one client process (e.g. an ssh ControlMaster):
 * matched through the connection's ports in `ss`, so other connections to the same server are left alone.
 */
export function sshdPidsServing(info: SshdInfo, clientPid: number): number[] {
  const rows = execFileSync('ss', ['-tnpH', 'state', 'established'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => {
      const f = line.trim().split(/\s+/);
      const port = (a: string | undefined): number => Number(a?.slice(a.lastIndexOf(':') + 1));
      const pids = [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
      return { local: port(f[2]), peer: port(f[3]), pids };
    });
  const clientPorts = rows.filter((r) => r.pids.includes(clientPid) && r.peer === info.port).map((r) => r.local);
  return [...new Set(rows.filter((r) => r.local === info.port && clientPorts.includes(r.peer)).flatMap((r) => r.pids))];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [cmd, dir] = process.argv.slice(2);
  if (!dir || (cmd !== 'start' && cmd !== 'stop')) {
    console.error('usage: sshd.ts start|stop DIR');
    process.exit(2);
  }
  if (cmd === 'start') {
    mkdirSync(dir, { recursive: true });
    startSshd(dir).then(
      (i) => console.log(`sshd on 127.0.0.1:${i.port} (pid ${i.pid})`),
      (e: unknown) => {
        console.error(e instanceof Error ? e.message : String(e));
        process.exit(1);
      },
    );
  } else if (existsSync(path.join(dir, 'sshd.json'))) {
    void stopSshd(loadSshd(dir), false);
  }
}
