// Turns what OpenSSH prints on stderr into a TargetError a person can act on. ssh exits 255 for its own
// failures; the messages below are OpenSSH's own wording (checked against 9.x).
import { TargetError } from './errors';
import { quoteWord } from './quote';

export interface DiagnoseContext {
  /** Target name, for the message. */
  target: string;
  /** What the user wrote as the destination. */
  destination: string;
  /** The known_hosts file given for this target, if any (else the user's own files apply). */
  knownHostsFile?: string;
}

function lastLines(text: string, n = 8): string {
  return text.trim().split('\n').slice(-n).join('\n');
}

/** A TargetError when stderr shows an ssh-level failure, else undefined (the remote command failed by itself). */
export function diagnoseSsh(stderr: string, ctx: DiagnoseContext): TargetError | undefined {
  const who = `target "${ctx.target}" (${ctx.destination})`;
  const where = ctx.knownHostsFile ? `the known_hosts file ${ctx.knownHostsFile}` : 'your known_hosts files';
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/.test(stderr)) {
    return new TargetError(
      'host-key-changed',
      `${who}: the host key has CHANGED since it was recorded in ${where}. This can be an attack, or the machine ` +
        "was reinstalled. Nothing was run. Check the new fingerprint with the machine's owner, remove the old entry " +
        `(ssh-keygen -R HOST${ctx.knownHostsFile ? ` -f ${quoteWord(ctx.knownHostsFile)}` : ''}) and connect once in a terminal.`,
      stderr,
    );
  }
  if (/Host key verification failed|No \S+ host key is known for|host key is not known/.test(stderr)) {
    return new TargetError(
      'host-key-unknown',
      `${who}: the host key is not in ${where}, so the host was not verified and nothing was run. Connect once in ` +
        `a terminal (ssh ${ctx.destination}) and check the fingerprint: the extension never accepts a host key by itself.`,
      stderr,
    );
  }
  if (/Permission denied \(|Too many authentication failures|no such identity|Load key .*: /.test(stderr)) {
    return new TargetError(
      'auth',
      `${who}: the login was refused (${/Permission denied \(([^)]*)\)/.exec(stderr)?.[1] ?? lastLines(stderr, 1)}). ` +
        'ssh runs with BatchMode=yes and cannot ask for a password or passphrase: use a key without a prompt, ' +
        'an ssh-agent, or set identityFile / your ssh config.',
      stderr,
    );
  }
  const unreachable =
    /Could not resolve hostname[^\n]*|Connection refused|Connection timed out[^\n]*|Operation timed out|No route to host|Network is unreachable|connect to host [^\n]*/.exec(
      stderr,
    );
  if (unreachable) {
    return new TargetError('unreachable', `${who} is unreachable: ${unreachable[0].trim()}`, stderr);
  }
  const lost =
    /Connection closed by[^\n]*|Connection reset[^\n]*|kex_exchange_identification:[^\n]*|Broken pipe|client_loop: send disconnect[^\n]*|Timeout, server [^\n]* not responding|mux_client_request_session: [^\n]*|Control socket connect[^\n]*|ssh_exchange_identification[^\n]*/.exec(
      stderr,
    );
  if (lost) {
    return new TargetError('connection-lost', `${who}: the connection broke: ${lost[0].trim()}`, stderr);
  }
  const config =
    /hostname contains invalid characters|Bad port[^\n]*|Bad owner or permissions on[^\n]*|Bad configuration option[^\n]*|command-line line \d+:[^\n]*|Can't open user config file[^\n]*|percent_expand: unknown key[^\n]*|[^\n]*: terminating, \d+ bad configuration options/.exec(
      stderr,
    );
  if (config) {
    return new TargetError('config', `${who}: ssh refused its settings: ${config[0].trim()}`, stderr);
  }
  if (/^ssh: |Pseudo-terminal|ProxyJump|stdio forwarding failed/m.test(stderr)) {
    return new TargetError('unreachable', `${who}: ssh failed: ${lastLines(stderr, 3)}`, stderr);
  }
  return undefined;
}

export interface SudoContext {
  target: string;
  /** The login user, when known, for the sudoers line. */
  user?: string;
  /** The program that was to run as root. */
  program: string;
}

/** sudo -n's own refusals (exit 1); undefined when sudo ran the command. */
export function diagnoseSudo(stderr: string, ctx: SudoContext): TargetError | undefined {
  const user = ctx.user ?? 'USER';
  // sudoers wants full paths.
  const rule = ctx.program.startsWith('/') ? ctx.program : `/full/path/of/${ctx.program}`;
  if (/sudo: (a )?password is required|sudo: a terminal is required/.test(stderr)) {
    return new TargetError(
      'sudo-password',
      `target "${ctx.target}": sudo wants a password to run ${ctx.program}, and the extension never types one ` +
        '(it runs sudo -n). Allow the needed commands without a password, e.g. in /etc/sudoers.d/netlink-workbench: ' +
        `"${user} ALL=(root) NOPASSWD: ${rule}, /usr/sbin/insmod, /usr/sbin/rmmod, /usr/bin/dmesg" ` +
        '(edit with visudo -f), or connect as root and turn useSudo off.',
      stderr,
    );
  }
  if (/is not in the sudoers file|is not allowed to (run|execute)|may not run sudo/.test(stderr)) {
    return new TargetError(
      'sudo-password',
      `target "${ctx.target}": sudo does not allow ${user} to run ${ctx.program}: ${lastLines(stderr, 1)}. ` +
        'Add a NOPASSWD rule for it (visudo -f /etc/sudoers.d/netlink-workbench) or connect as root.',
      stderr,
    );
  }
  if (/(sudo: (command )?not found|sudo: No such file)/.test(stderr)) {
    return new TargetError(
      'sudo-missing',
      `target "${ctx.target}": useSudo is on but the target has no sudo. Install it, or connect as root and turn useSudo off.`,
      stderr,
    );
  }
  return undefined;
}
