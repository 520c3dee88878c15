// Validation of the `netlink.targets` / `netlink.activeTarget` setting values. Every problem names the exact place
// ("netlink.targets[1].destination: ...") so a person can find it in settings.json. Values that pass here are safe
// to hand to ssh as arguments (never through a local shell) and, for remote paths, to make and kbuild.

export type BuildMode = 'remote' | 'local-headers';
/** How the helper gets onto the target: built there when it has a C compiler (`auto`), or always the static build. */
export type HelperBuild = 'auto' | 'static';

export interface TargetConfig {
  readonly name: string;
  /** `user@host[:port]`, `host`, `[v6addr]:port` or an alias from the user's ssh config, as written. */
  readonly destination: string;
  /** Local private key file (ssh -i); absolute or `~/...`. */
  readonly identityFile?: string;
  /** Run the helper (and module commands) through `sudo -n`. */
  readonly useSudo: boolean;
  /** Remote folder for the helper and module builds; absolute or `~/...`. */
  readonly workFolder: string;
  /** Remote kernel build folder (KDIR) for module builds. */
  readonly kernelBuildDir?: string;
  readonly buildMode: BuildMode;
  /**
   * Local copy of the target kernel's build tree for buildMode local-headers; absolute or `~/...`. Without it the
   * headers of a Debian kernel are fetched by the target's `uname -r`.
   */
  readonly headersDir?: string;
  /** Local known_hosts file for this target only (ssh -o UserKnownHostsFile=...), strictly checked. */
  readonly knownHostsFile?: string;
  readonly helperBuild: HelperBuild;
}

export interface SettingProblem {
  /** Where: `netlink.targets[1].destination`. */
  readonly path: string;
  readonly message: string;
}

export function formatProblem(p: SettingProblem): string {
  return `${p.path}: ${p.message}`;
}

export class SettingError extends Error {
  constructor(readonly problems: readonly SettingProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'SettingError';
  }
}

export const LAB_TARGET_NAME = 'lab';
export const DEFAULT_WORK_FOLDER = '~/.cache/netlink-workbench';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const USER = /^[A-Za-z0-9._][A-Za-z0-9._-]{0,31}$/;
const HOSTNAME = /^[A-Za-z0-9_]([A-Za-z0-9._-]{0,252})$/;
const IPV6 = /^[0-9A-Fa-f:.]+(%[A-Za-z0-9._-]+)?$/;
/** make splits words at blanks and the recipes hand paths to a shell unquoted, so remote build folders keep to this. */
const REMOTE_PATH_CHARS = /^[A-Za-z0-9._+@=,/~-]+$/;
const KNOWN_KEYS = [
  'name',
  'destination',
  'identityFile',
  'useSudo',
  'workFolder',
  'kernelBuildDir',
  'buildMode',
  'knownHostsFile',
  'helperBuild',
  'headersDir',
];

export interface Destination {
  /** The word ssh gets as its destination: `user@host`, `host` or the alias. */
  readonly sshDestination: string;
  readonly port?: number;
  readonly user?: string;
  readonly host: string;
}

/** Parses `user@host[:port]`, `[v6]:port`, a bare IPv6 address or a config alias; throws a message (no location). */
export function parseDestination(text: string): Destination {
  if (text.length === 0) throw new Error('is empty');
  if (/[\s\0]/.test(text)) throw new Error(`${JSON.stringify(text)} contains white space or a control character`);
  if (text.startsWith('-')) throw new Error(`${JSON.stringify(text)} starts with "-" (ssh would read it as an option)`);
  let rest = text;
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (!USER.test(user))
      throw new Error(`user ${JSON.stringify(user)} is not a valid user name (letters, digits, . _ -)`);
  }
  let host: string;
  let port: number | undefined;
  const bracket = /^\[([^\]]*)\](?::(.*))?$/.exec(rest);
  if (bracket) {
    host = bracket[1] ?? '';
    if (!IPV6.test(host)) throw new Error(`${JSON.stringify(host)} is not an IPv6 address`);
    if (bracket[2] !== undefined) port = parsePort(bracket[2]);
  } else if ((rest.match(/:/g) ?? []).length >= 2) {
    host = rest; // a bare IPv6 address; a port needs the [addr]:port form
    if (!IPV6.test(host))
      throw new Error(`${JSON.stringify(host)} is not an IPv6 address (write [addr]:port for a port)`);
  } else {
    const colon = rest.indexOf(':');
    host = colon < 0 ? rest : rest.slice(0, colon);
    if (colon >= 0) port = parsePort(rest.slice(colon + 1));
    if (!HOSTNAME.test(host)) {
      throw new Error(
        `host ${JSON.stringify(host)} is not a host name, address or ssh config alias (letters, digits, . _ -)`,
      );
    }
  }
  return {
    sshDestination: user === undefined ? host : `${user}@${host}`,
    host,
    ...(port ? { port } : {}),
    ...(user ? { user } : {}),
  };
}

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw new Error(`port ${JSON.stringify(text)} is not a number 1-65535`);
  }
  return Number(text);
}

/** A remote folder: absolute or `~/...`, and only characters make and kbuild can build in. Returns a message or undefined. */
export function remotePathProblem(text: string): string | undefined {
  if (text.length === 0) return 'is empty';
  if (!(text.startsWith('/') || text === '~' || text.startsWith('~/')))
    return `${JSON.stringify(text)} must be absolute or start with ~/`;
  if (text.slice(1).includes('~')) return `${JSON.stringify(text)} may use ~ only at the start`;
  if (!REMOTE_PATH_CHARS.test(text)) {
    return (
      `${JSON.stringify(text)} may contain only letters, digits and . _ + @ = , / - ` +
      '(make and kbuild cannot build in a folder with blanks, quotes or shell characters)'
    );
  }
  return undefined;
}

/**
 * A local file handed to ssh: absolute or `~/...`. OpenSSH expands `%x` tokens (escaped here as %%) and `${VAR}`
 * (no escape exists) in key and known_hosts paths, and a double quote would end the -o value's quoting.
 */
export function localPathProblem(text: string): string | undefined {
  if (text.length === 0) return 'is empty';
  if (/[\0\n\r]/.test(text)) return `${JSON.stringify(text)} contains a control character`;
  if (!(text.startsWith('/') || text.startsWith('~/')))
    return `${JSON.stringify(text)} must be absolute or start with ~/`;
  if (text.includes('${'))
    return `${JSON.stringify(text)} contains "\${" (ssh would expand it as an environment variable)`;
  if (/["\\]/.test(text))
    return `${JSON.stringify(text)} contains a double quote or backslash, which ssh options cannot carry`;
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates the whole `netlink.targets` array; bad entries are left out and every problem is reported. */
export function validateTargets(
  value: unknown,
  setting = 'netlink.targets',
): { targets: TargetConfig[]; problems: SettingProblem[] } {
  const problems: SettingProblem[] = [];
  const targets: TargetConfig[] = [];
  if (value === undefined || value === null) return { targets, problems };
  if (!Array.isArray(value)) {
    problems.push({ path: setting, message: `must be an array of targets, not ${typeof value}` });
    return { targets, problems };
  }
  const seen = new Set<string>();
  value.forEach((entry: unknown, i) => {
    const at = `${setting}[${i}]`;
    const before = problems.length;
    const problem = (field: string, message: string): void => {
      problems.push({ path: field ? `${at}.${field}` : at, message });
    };
    if (!isRecord(entry)) {
      problem('', 'must be an object with at least "name" and "destination"');
      return;
    }
    for (const key of Object.keys(entry)) {
      if (!KNOWN_KEYS.includes(key)) problem(key, `unknown property (known: ${KNOWN_KEYS.join(', ')})`);
    }
    const str = (field: string, required: boolean): string | undefined => {
      const v = entry[field];
      if (v === undefined) {
        if (required) problem(field, 'is required');
        return undefined;
      }
      if (typeof v !== 'string') {
        problem(field, `must be a string, not ${typeof v}`);
        return undefined;
      }
      return v;
    };
    const name = str('name', true);
    if (name !== undefined) {
      if (!NAME.test(name))
        problem(
          'name',
          `${JSON.stringify(name)} must be 1-63 letters, digits, . _ - (starting with a letter or digit)`,
        );
      else if (name === LAB_TARGET_NAME)
        problem('name', `"${LAB_TARGET_NAME}" is the built-in lab VM; choose another name`);
      else if (seen.has(name)) problem('name', `${JSON.stringify(name)} is used by an earlier target`);
      seen.add(name);
    }
    const destination = str('destination', true);
    if (destination !== undefined) {
      try {
        parseDestination(destination);
      } catch (e) {
        problem('destination', (e as Error).message);
      }
    }
    const identityFile = str('identityFile', false);
    const knownHostsFile = str('knownHostsFile', false);
    for (const [field, v] of [
      ['identityFile', identityFile],
      ['knownHostsFile', knownHostsFile],
    ] as const) {
      const p = v === undefined ? undefined : localPathProblem(v);
      if (p) problem(field, p);
    }
    const workFolder = str('workFolder', false) ?? DEFAULT_WORK_FOLDER;
    const kernelBuildDir = str('kernelBuildDir', false);
    for (const [field, v] of [
      ['workFolder', workFolder],
      ['kernelBuildDir', kernelBuildDir],
    ] as const) {
      const p = v === undefined ? undefined : remotePathProblem(v);
      if (p) problem(field, p);
    }
    const headersDir = str('headersDir', false);
    if (headersDir !== undefined) {
      const p =
        localPathProblem(headersDir) ??
        (REMOTE_PATH_CHARS.test(headersDir)
          ? undefined
          : `${JSON.stringify(headersDir)}: make cannot build in folders with blanks or shell characters; use letters, digits and . _ + @ = , / ~ -`);
      if (p) problem('headersDir', p);
    }
    const useSudo = entry.useSudo ?? false;
    if (typeof useSudo !== 'boolean') problem('useSudo', `must be true or false, not ${JSON.stringify(useSudo)}`);
    const buildMode = entry.buildMode ?? 'remote';
    if (buildMode !== 'remote' && buildMode !== 'local-headers') {
      problem('buildMode', `must be "remote" or "local-headers", not ${JSON.stringify(buildMode)}`);
    }
    const helperBuild = entry.helperBuild ?? 'auto';
    if (helperBuild !== 'auto' && helperBuild !== 'static') {
      problem('helperBuild', `must be "auto" or "static", not ${JSON.stringify(helperBuild)}`);
    }
    if (problems.length > before || name === undefined || destination === undefined) return;
    targets.push({
      name,
      destination,
      useSudo: useSudo as boolean,
      workFolder,
      buildMode: buildMode as BuildMode,
      helperBuild: helperBuild as HelperBuild,
      ...(identityFile !== undefined ? { identityFile } : {}),
      ...(knownHostsFile !== undefined ? { knownHostsFile } : {}),
      ...(kernelBuildDir !== undefined ? { kernelBuildDir } : {}),
      ...(headersDir !== undefined ? { headersDir } : {}),
    });
  });
  return { targets, problems };
}

/** `netlink.activeTarget`: a known target name ("lab" always is). */
export function validateActiveTarget(
  value: unknown,
  known: readonly string[],
  setting = 'netlink.activeTarget',
): SettingProblem | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return { path: setting, message: `must be a target name, not ${typeof value}` };
  if (value !== LAB_TARGET_NAME && !known.includes(value)) {
    return {
      path: setting,
      message: `${JSON.stringify(value)} is not "${LAB_TARGET_NAME}" or a name in netlink.targets (${known.join(', ') || 'none defined'})`,
    };
  }
  return undefined;
}
