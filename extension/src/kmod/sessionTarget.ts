// A target session as the module commands see it (ModuleTarget): kept apart from extension.ts so that code without
// vscode (the cycle benchmark) drives the module steps exactly as the commands do.
import type { TargetSession } from '../target/targets';
import type { ModuleTarget } from './remote';

/**
 * The module commands' view of a target session: its SSH connection, folders and build mode. They take absolute
 * paths only: a work folder under `~` (the default) is resolved with the remote login's home.
 */
export async function moduleTargetOf(session: TargetSession): Promise<ModuleTarget> {
  const t = session.target;
  const home = t.workFolder === '~' || t.workFolder.startsWith('~/');
  return {
    name: t.name,
    workFolder: home ? `${(await session.connection.home()).replace(/\/+$/, '')}${t.workFolder.slice(1)}` : t.workFolder,
    buildMode: t.buildMode,
    ...(t.kernelBuildDir !== undefined ? { kernelBuildDir: t.kernelBuildDir } : {}),
    ...(t.localKernelBuildDir !== undefined ? { headersDir: t.localKernelBuildDir } : {}),
    exec: (argv, opts) => session.connection.exec(argv, opts),
    copyTo: (local, remote) => session.connection.upload(local, remote),
  };
}
