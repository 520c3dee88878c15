// A target session as the module commands see it (ModuleTarget): kept apart from extension.ts so that code without
// vscode (the cycle benchmark) drives the module steps exactly as the commands do.
import { fetchDebianHeaders } from '../debian/kernel';
import type { TargetSession } from '../target/targets';
import type { ModuleTarget } from './remote';

export interface HeaderFetch {
  /** Where fetched kernels and headers are kept (the lab's cache). */
  readonly cacheDir: string;
  readonly log: (line: string) => void;
}

/**
 * The module commands' view of a target session: its SSH connection, folders and build mode. They take absolute
 * paths only: a work folder under `~` (the default) is resolved with the remote login's home. With `fetch`, a
 * target without local headers gets them fetched for the kernel it runs (`uname -r`) when a build needs them.
 */
export async function moduleTargetOf(session: TargetSession, fetch?: HeaderFetch): Promise<ModuleTarget> {
  const t = session.target;
  const home = t.workFolder === '~' || t.workFolder.startsWith('~/');
  return {
    name: t.name,
    workFolder: home
      ? `${(await session.connection.home()).replace(/\/+$/, '')}${t.workFolder.slice(1)}`
      : t.workFolder,
    buildMode: t.buildMode,
    ...(t.kernelBuildDir !== undefined ? { kernelBuildDir: t.kernelBuildDir } : {}),
    ...(t.localKernelBuildDir !== undefined ? { headersDir: t.localKernelBuildDir } : {}),
    exec: (argv, opts) => session.connection.exec(argv, opts),
    copyTo: (local, remote) => session.connection.upload(local, remote),
    ...(fetch && t.localKernelBuildDir === undefined
      ? { fetchHeaders: (signal?: AbortSignal) => fetchHeadersOf(session, fetch, signal) }
      : {}),
  };
}

async function fetchHeadersOf(session: TargetSession, fetch: HeaderFetch, signal?: AbortSignal): Promise<string> {
  const r = await session.connection.exec(['uname', '-r'], { timeoutMs: 30_000, ...(signal ? { signal } : {}) });
  const release = r.stdout.trim();
  if (r.code !== 0 || !release)
    throw new Error(`uname -r on ${session.target.name} failed (exit ${r.code ?? 'by signal'}): ${r.stderr.trim()}`);
  fetch.log(`${session.target.name} runs kernel ${release}: fetching its headers`);
  return fetchDebianHeaders(fetch.cacheDir, release, fetch.log);
}
