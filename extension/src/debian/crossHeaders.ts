// Kernel headers for a cross build, the way Debian splits them: linux-headers-<release> (the target's
// architecture: its .config, generated headers, Module.symvers) and linux-headers-<ver>-common (arch all) from the
// target architecture's apt, and linux-kbuild-<ver> of THIS machine's architecture from the host's apt: its
// scripts/ are programs (fixdep, modpost, genksyms) that run here, and the package is Multi-Arch: foreign, made to
// serve headers of any architecture. Unpacked into one root, the headers' relative symlinks
// (scripts, tools -> ../../lib/linux-kbuild-<ver>/...) land on the host's kbuild as they do in an installed system.
import { run, runChecked } from '../process/run';
import { candidateVersions, ensureAptLists, type Apt } from './apt';
import { DebianError, debianFailure } from './errors';

type Log = (line: string) => void;

/** What to download with which apt, in order. */
export interface HeaderDownload {
  readonly apt: Apt;
  /** "name" or "name=version". */
  readonly pkgs: string[];
}

/** A field of one `apt-cache show` stanza (the first), without continuation lines; undefined when absent. */
export function controlField(stanza: string, field: string): string | undefined {
  const re = new RegExp(`^${field}:[ \\t]*(.*)$`, 'm');
  return re.exec(stanza.split(/\n\s*\n/)[0] ?? '')?.[1]?.trim();
}

export interface Dependency {
  readonly name: string;
  /** dpkg's relation (<<, <=, =, >=, >>) and version, when the field gives one. */
  readonly relation?: string;
  readonly version?: string;
}

/** The packages of a Depends field ("a (= 1), b (>= 2) | c, d:any"), alternatives flattened. */
export function dependencies(depends: string): Dependency[] {
  return depends
    .split(/[,|]/)
    .map((d) => /^\s*([a-z0-9][a-z0-9+.-]*)(?::\S+)?\s*(?:\(\s*(<<|<=|=|>=|>>)\s*([^\s)]+)\s*\))?/.exec(d))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1] as string, ...(m[2] && m[3] ? { relation: m[2], version: m[3] } : {}) }));
}

/** Whether `version` meets the dependency's relation, as dpkg orders versions. */
async function satisfies(version: string, dep: Dependency): Promise<boolean> {
  if (!dep.relation || !dep.version) return true;
  const r = await run(['dpkg', '--compare-versions', version, dep.relation, dep.version], { timeoutMs: 30_000 });
  return r.code === 0;
}

async function usableCandidate(host: Apt, dep: Dependency): Promise<string | undefined> {
  const v = (await candidateVersions(host, [dep.name])).get(dep.name);
  return v !== undefined && (await satisfies(v, dep)) ? v : undefined;
}

/**
 * The version of kbuild to take from the host's apt: its candidate, when it meets the headers' dependency (Debian's
 * own rule: linux-kbuild-6.1 (>= <headers' version>)). The host's lists may be older than the private ones of the
 * target architecture: refresh them once when root may.
 */
async function hostKbuildVersion(host: Apt, dep: Dependency, release: string, log: Log): Promise<string> {
  await ensureAptLists(host, log);
  let version = await usableCandidate(host, dep);
  if (!version && process.getuid?.() === 0) {
    log(`apt-get update (this machine's lists have no ${dep.name} ${dep.relation ?? ''} ${dep.version ?? ''})`);
    await runChecked(['apt-get', 'update'], { timeoutMs: 300_000 }, debianFailure('kernel download'));
    version = await usableCandidate(host, dep);
  }
  if (!version) {
    throw new DebianError(
      'kernel',
      `this machine's apt offers no ${dep.name}${dep.version ? ` ${dep.relation} ${dep.version}` : ''} for ${host.debArch}, which the headers of ${release} need for their build tools: run apt-get update (as root), or set the target's headersDir to a build tree prepared for cross builds`,
    );
  }
  return version;
}

/** What linux-headers-<release> needs to build with, from apt's record of it: its -common and kbuild packages. */
export async function headerDependencies(
  apt: Apt,
  release: string,
): Promise<{ common?: Dependency; kbuild?: Dependency }> {
  const show = await runChecked(
    ['apt-cache', ...apt.options, 'show', '--no-all-versions', `linux-headers-${release}`],
    { timeoutMs: 60_000 },
    debianFailure('kernel'),
  );
  const deps = dependencies(controlField(show.stdout.toString('utf8'), 'Depends') ?? '');
  const common = deps.find((d) => /^linux-headers-.*-common(-rt)?$/.test(d.name));
  const kbuild = deps.find((d) => d.name.startsWith('linux-kbuild-'));
  return { ...(common ? { common } : {}), ...(kbuild ? { kbuild } : {}) };
}

/** The downloads for `release`'s headers of target.debArch, built on a host of host.debArch. */
export async function crossHeaderDownloads(
  target: Apt,
  host: Apt,
  release: string,
  log: Log,
): Promise<HeaderDownload[]> {
  const headers = `linux-headers-${release}`;
  const { common, kbuild } = await headerDependencies(target, release);
  if (!kbuild)
    throw new DebianError(
      'kernel',
      `${headers} (${target.debArch}) depends on no linux-kbuild package in apt's record: cannot set up a cross build`,
    );
  // Pinned: the .deb to unpack is then known by name, version and architecture (debs/ holds several).
  const kbuildVersion = await hostKbuildVersion(host, kbuild, release, log);
  log(
    `cross build: ${headers} of ${target.debArch} with ${kbuild.name} ${kbuildVersion} of ${host.debArch} (this machine)`,
  );
  return [
    { apt: target, pkgs: [...(common ? [common.name] : []), headers] },
    { apt: host, pkgs: [`${kbuild.name}=${kbuildVersion}`] },
  ];
}
