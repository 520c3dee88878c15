// Loading a build of the module in place of whatever version is loaded: the sequence the "Load Module" command and
// `exercise run --build` share. No vscode: the command asks the user through `confirmReload`, the CLI reloads.
import { insmod, moduleParameters, moduleState, rmmod, type ModuleState } from './module';
import type { RemoteRunner } from './remote';

export interface ReloadOptions {
  readonly koPath: string;
  /** What the build put there: insmod loads the file only while it still has this content. */
  readonly koSha256: string;
  readonly moduleName: string;
  readonly params: readonly string[];
  readonly signal?: AbortSignal;
  /** Asked when a version is loaded already; false leaves it loaded and loads nothing. Default: reload. */
  readonly confirmReload?: (state: ModuleState) => Promise<boolean>;
  /** Before rmmod: let go of our own sockets of the module's protocol (they keep it in use). */
  readonly release?: () => Promise<void>;
  readonly log?: (line: string) => void;
}

/** Resolves to the module's parameters as /sys shows them after insmod, or undefined when the user kept the old one. */
export async function reloadModule(target: RemoteRunner, o: ReloadOptions): Promise<Map<string, string> | undefined> {
  const log = o.log ?? ((): void => undefined);
  const state = await moduleState(target, o.moduleName, o.signal);
  if (state.loaded) {
    if (o.confirmReload && !(await o.confirmReload(state))) return undefined;
    await o.release?.();
    await rmmod(target, o.moduleName, o.signal);
    log(`rmmod ${o.moduleName}`);
  }
  await insmod(target, o.koPath, o.params, o.moduleName, o.signal, o.koSha256);
  log(`insmod ${o.koPath}${o.params.length ? ` ${o.params.join(' ')}` : ''}`);
  return moduleParameters(target, o.moduleName, o.signal).catch(() => new Map<string, string>());
}
