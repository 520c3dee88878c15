// How the host reaches the guest: the system OpenSSH client with the lab's key and its own pinned known_hosts.
// ~/.ssh/config is ignored (-F none) so a user's "Host *" settings cannot redirect or weaken the lab connection.
import { shellCommand as quoteArgv, sshPathValue } from '../target/quote';

export interface SshEndpoint {
  port: number;
  privateKey: string;
  knownHosts: string;
}

export const GUEST_USER_HOST = 'root@127.0.0.1';
/** The name the lab's known_hosts pins the guest key under (ssh -o HostKeyAlias=...): the port changes per boot. */
export const HOST_KEY_ALIAS = 'netlink-lab';

/**
 * What logging in to the guest takes, for ssh, scp and a person's terminal alike: the lab's key, its pinned
 * known_hosts under a fixed alias (the port differs per boot), nothing from ~/.ssh/config. The port as -o Port=,
 * since ssh says -p and scp -P. Paths as quoted -o values (quote.ts): the cache folder may hold a blank or a %.
 */
function loginOptions(e: SshEndpoint): string[] {
  return [
    '-F',
    'none',
    '-o',
    `IdentityFile=${sshPathValue(e.privateKey)}`,
    '-o',
    `Port=${e.port}`,
    '-o',
    `UserKnownHostsFile=${sshPathValue(e.knownHosts)}`,
    '-o',
    `HostKeyAlias=${HOST_KEY_ALIAS}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'IdentitiesOnly=yes',
  ];
}

/** The login options plus what a program (not a person) wants: no prompts, a connect deadline, quiet. */
export function commonSshOptions(e: SshEndpoint, connectTimeoutS = 10): string[] {
  return [
    ...loginOptions(e),
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'BatchMode=yes',
    '-o',
    `ConnectTimeout=${connectTimeoutS}`,
    '-o',
    'LogLevel=ERROR',
  ];
}

/** argv prefix: append ONE already-quoted remote command string (see shellQuote.ts). "--" stops option parsing. */
export function sshArgv(e: SshEndpoint): string[] {
  return ['ssh', ...commonSshOptions(e), '--', GUEST_USER_HOST];
}

export function scpArgv(e: SshEndpoint, localPath: string, remotePath: string): string[] {
  return ['scp', '-q', ...commonSshOptions(e), '--', localPath, `${GUEST_USER_HOST}:${remotePath}`];
}

/**
 * The command line a person pastes into a terminal to log in: two layers of quoting, ssh's for the option values
 * (inside), the shell's for each word (outside).
 */
export function sshCommandLine(e: SshEndpoint): string {
  return quoteArgv(['ssh', ...loginOptions(e), GUEST_USER_HOST]);
}
