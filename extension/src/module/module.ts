// insmod with parameters, rmmod, "is it loaded?" and the module's parameters in sysfs. Every value reaches the
// target as one argv word after validation; privileged commands are marked so a sudo runner can wrap them.
import { checkRemotePath, firstLine, KmodError, type RemoteRunner } from './remote';

const TIMEOUT_MS = 60_000;

/** The name the kernel lists the module under (/proc/modules, /sys/module): dashes become underscores. */
export function loadedName(moduleName: string): string {
  if (!/^[A-Za-z0-9_-]{1,55}$/.test(moduleName))
    throw new KmodError(`"${moduleName}" is not a module name (letters, digits, _ and -)`);
  return moduleName.replace(/-/g, '_');
}

function scalarWord(v: unknown, where: string): string {
  if (typeof v === 'boolean') return v ? 'Y' : 'N';
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v))
      throw new KmodError(`${where}: ${v} is not an integer (module parameters are integers, booleans or text)`);
    return String(v);
  }
  if (typeof v === 'string') {
    if (v.length === 0 || v.length > 1024) throw new KmodError(`${where}: text must be 1-1024 characters`);
    // The kernel splits the parameter line at blanks and groups with double quotes: those are the only specials.
    if (!/^[\x20-\x7e]+$/.test(v) || v.includes('"')) {
      throw new KmodError(`${where}: ${JSON.stringify(v)} may hold only printable ASCII without double quotes`);
    }
    return v.includes(' ') ? `"${v}"` : v;
  }
  throw new KmodError(`${where}: ${JSON.stringify(v)} is not a number, boolean or text`);
}

/**
 * `name=value` words for insmod from a settings object ({"protocol": 31, "names": ["a", "b"], "debug": true}).
 * `where` prefixes errors (the setting's name).
 */
export function moduleParameterArgs(params: unknown, where = 'netlink.module.parameters'): string[] {
  if (params === undefined || params === null) return [];
  if (typeof params !== 'object' || Array.isArray(params))
    throw new KmodError(`${where} must be an object of parameter names and values`);
  const words: string[] = [];
  for (const [name, value] of Object.entries(params as Record<string, unknown>)) {
    const at = `${where}.${name}`;
    if (!/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(name))
      throw new KmodError(`${at}: "${name}" is not a parameter name (letters, digits, _ and -)`);
    let text: string;
    if (Array.isArray(value)) {
      if (value.length === 0) throw new KmodError(`${at}: an array parameter needs at least one value`);
      text = value
        .map((v, i) => {
          const w = scalarWord(v, `${at}[${i}]`);
          if (w.includes(',') || w.includes(' '))
            throw new KmodError(`${at}[${i}]: array values cannot contain commas or blanks`);
          return w;
        })
        .join(',');
    } else {
      text = scalarWord(value, at);
    }
    words.push(`${name}=${text}`);
  }
  return words;
}

export interface ModuleState {
  readonly loaded: boolean;
  /** From /proc/modules: users of the module (open sockets do not count; modules depending on it do). */
  readonly refcount?: number;
  readonly usedBy?: readonly string[];
  /** Live, Loading, Unloading. */
  readonly state?: string;
}

/** One module's line of /proc/modules ("name size refcount deps state address"). */
export function parseProcModules(text: string, moduleName: string): ModuleState {
  const want = loadedName(moduleName);
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] !== want) continue;
    const deps = (f[3] ?? '-').split(',').filter((d) => d && d !== '-');
    return { loaded: true, refcount: Number(f[2]), usedBy: deps, state: f[4] ?? '' };
  }
  return { loaded: false };
}

export async function moduleState(
  runner: RemoteRunner,
  moduleName: string,
  signal?: AbortSignal,
): Promise<ModuleState> {
  const r = await runner.exec(['cat', '/proc/modules'], { timeoutMs: TIMEOUT_MS, signal });
  if (r.code !== 0) {
    throw new KmodError(
      `cannot read /proc/modules on the target${r.stderr ? `: ${firstLine(r.stderr)}` : ''} (a kernel without module support cannot load modules)`,
      r.stderr,
    );
  }
  return parseProcModules(r.stdout, moduleName);
}

/** Kernel log lines that mention the module, the newest `max`: why an insmod failed is usually there. */
async function kernelLinesAbout(runner: RemoteRunner, moduleName: string, max = 8): Promise<string[]> {
  const r = await runner.exec(['dmesg'], { timeoutMs: TIMEOUT_MS, privileged: true }).catch(() => undefined);
  if (!r || r.code !== 0) return [];
  const name = loadedName(moduleName);
  return r.stdout
    .split('\n')
    .filter((l) => l.includes(name) || l.includes(moduleName))
    .slice(-max);
}

function insmodHint(stderr: string): string {
  if (/File exists/i.test(stderr)) return 'the module is already loaded';
  if (/Invalid module format|Exec format/i.test(stderr))
    return "built for another kernel (version magic or symbol versions differ): build it against this target's kernel";
  if (/Unknown symbol/i.test(stderr)) return 'it uses symbols this kernel does not export';
  if (/Invalid (parameters|argument)/i.test(stderr))
    return 'the kernel refused a parameter (check netlink.module.parameters)';
  if (/Operation not permitted|Permission denied/i.test(stderr))
    return 'insmod needs root (use sudo on this target) or module loading is locked down';
  if (/Function not implemented|not found/i.test(stderr))
    return 'this kernel cannot load modules, or insmod is missing';
  return '';
}

/**
 * insmod with parameters. With `sha256` (what the build put there: BuildResult.koSha256) the target loads the file
 * only while it still has that content, checked there right before insmod reads it.
 */
export async function insmod(
  runner: RemoteRunner,
  koPath: string,
  params: readonly string[],
  moduleName: string,
  signal?: AbortSignal,
  sha256?: string,
): Promise<void> {
  const ko = checkRemotePath(koPath, 'the module file');
  const r = await runner.exec(['insmod', ko, ...params], {
    timeoutMs: TIMEOUT_MS,
    signal,
    privileged: true,
    ...(sha256 ? { check: { file: ko, sha256 } } : {}),
  });
  if (r.code === 0) return;
  const said = (r.stderr || r.stdout).trim();
  const hint = insmodHint(said);
  const kernel = await kernelLinesAbout(runner, moduleName);
  throw new KmodError(
    `insmod ${ko}${params.length ? ` ${params.join(' ')}` : ''} failed: ${firstLine(said) || `exit ${r.code}`}${hint ? ` (${hint})` : ''}`,
    [said, ...(kernel.length ? ['kernel log:', ...kernel] : [])].join('\n'),
  );
}

export async function rmmod(runner: RemoteRunner, moduleName: string, signal?: AbortSignal): Promise<void> {
  const name = loadedName(moduleName);
  const r = await runner.exec(['rmmod', name], { timeoutMs: TIMEOUT_MS, signal, privileged: true });
  if (r.code === 0) return;
  const said = (r.stderr || r.stdout).trim();
  const hint = /in use|busy|temporarily unavailable/i.test(said)
    ? " (something holds it: a netlink socket of the module's protocol keeps a reference while it is open)"
    : /not (currently )?loaded|No such file/i.test(said)
      ? ' (it is not loaded)'
      : '';
  throw new KmodError(`rmmod ${name} failed: ${firstLine(said) || `exit ${r.code}`}${hint}`, said);
}

/** Readable parameters from /sys/module/<name>/parameters (the reference module's counters live there). */
export async function moduleParameters(
  runner: RemoteRunner,
  moduleName: string,
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const dir = `/sys/module/${loadedName(moduleName)}/parameters`;
  // Fixed script; the folder is a positional parameter. Unreadable (write-only) parameters are skipped.
  const script =
    'cd "$1" 2>/dev/null || exit 3; for f in *; do [ -f "$f" ] && [ -r "$f" ] && printf "%s\\t%s\\n" "$f" "$(cat "$f" 2>/dev/null)"; done; exit 0';
  const r = await runner.exec(['sh', '-c', script, 'sh', dir], { timeoutMs: TIMEOUT_MS, signal });
  if (r.code === 3)
    throw new KmodError(`${dir} does not exist: is ${moduleName} loaded (and does it have parameters)?`);
  if (r.code !== 0) throw new KmodError(`reading ${dir} failed: ${firstLine(r.stderr)}`, r.stderr);
  const out = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) out.set(line.slice(0, tab), line.slice(tab + 1));
  }
  return out;
}
