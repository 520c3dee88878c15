// `exercise run --build`: the module's YNL-generated files (policies, op tables, uapi header) follow its spec as on
// the editor's Build Module (module/commands.ts), regenerated when the spec is newer than they are. Done once for
// the whole run, before any target is connected or lab VM booted: a --lab matrix builds for several kernels in
// parallel from the same files, and regenerating per kernel would race on them. The CLI has no settings: the
// generator is --ynl-generator, else a kernel tree in the current directory (the CLI's workspace), else Debian's
// linux-source from the cache, fetched once as the extension does.
import path from 'node:path';
import { findGeneratedFiles, regenerate, staleGeneratedFiles, type GeneratedFile } from '../module/ynlGen';
import { findYnlGenerator } from '../module/ynlGenFind';
import type { CaseReport } from './report';

export interface RegenerateEnv {
  readonly cacheDir: string;
  /** Where a kernel tree is looked for, as the editor looks in its workspace folders. */
  readonly cwd: string;
  readonly signal: AbortSignal;
  readonly progress: (line: string) => void;
  readonly log: (line: string) => void;
}

/** jsonschema follows its one-line message with the whole schema and spec: the report keeps the traceback's head. */
const MAX_DETAILS_CHARS = 4000;

function boundedDetails(detail: unknown): string {
  if (typeof detail !== 'string') return '';
  if (detail.length <= MAX_DETAILS_CHARS) return detail;
  return `${detail.slice(0, MAX_DETAILS_CHARS)}\n... (${detail.length - MAX_DETAILS_CHARS} more characters)`;
}

/** The option mirroring netlink.module.ynlGenerator, as the messages name it. */
export const YNL_GENERATOR_OPTION = '--ynl-generator';

/** The stale files by the spec they come from: "genldemo.yaml" -> "genldemo-nl.c, include/uapi/linux/genldemo.h". */
function bySpec(files: readonly GeneratedFile[]): Map<string, string[]> {
  const specs = new Map<string, string[]>();
  for (const f of files) specs.set(f.spec, [...(specs.get(f.spec) ?? []), f.file]);
  return specs;
}

/**
 * Regenerates the module's stale generated files. Undefined when none is stale (the generator is then not even
 * looked for); else one case: pass, or fail/error with the spec named and why (the generator's stderr as details),
 * in which case the module must not be built from the stale files.
 */
export async function regenerateForRun(
  moduleDir: string,
  ynlGenerator: string | undefined,
  env: RegenerateEnv,
): Promise<CaseReport | undefined> {
  const t0 = Date.now();
  let stale: GeneratedFile[];
  try {
    stale = await staleGeneratedFiles(moduleDir, await findGeneratedFiles(moduleDir));
  } catch (e) {
    return {
      name: `find the YNL-generated files in ${path.basename(moduleDir)}`,
      group: 'module',
      status: 'error',
      message: `cannot read the module folder ${moduleDir}: ${(e as Error).message}`,
      details: '',
      durationMs: Date.now() - t0,
      file: moduleDir,
    };
  }
  if (stale.length === 0) return undefined;
  const specs = bySpec(stale);
  const what = [...specs].map(([spec, files]) => `${files.join(', ')} from ${spec}`).join('; ');
  const specPaths = [...specs.keys()].map((s) => path.join(moduleDir, s)).join(', ');
  const name = `regenerate ${what}`;
  const report = (status: CaseReport['status'], message: string, details = ''): CaseReport => ({
    name,
    group: 'module',
    status,
    message,
    details,
    durationMs: Date.now() - t0,
    file: path.join(moduleDir, [...specs.keys()][0]!),
  });
  env.progress(`${specPaths} changed after the files generated from it: regenerating ${what}`);
  // Which failure it is: no generator to run is the machine's ('error'); the generator refusing the spec is the
  // module's own mistake ('fail'), as a module that does not compile is.
  let generating = false;
  try {
    const found = await findYnlGenerator({
      ...(ynlGenerator !== undefined ? { setting: path.resolve(env.cwd, ynlGenerator) } : {}),
      settingName: YNL_GENERATOR_OPTION,
      workspaceFolders: [env.cwd],
      cacheDir: env.cacheDir,
      fetching: env.progress,
      log: env.log,
    });
    env.progress(
      `YNL generator (${found.source === 'setting' ? YNL_GENERATOR_OPTION : found.source}): ${found.generator}`,
    );
    generating = true;
    await regenerate(moduleDir, stale, { generator: found.generator, signal: env.signal, log: env.log });
  } catch (e) {
    env.signal.throwIfAborted();
    const err = e as Error & { detail?: unknown };
    const message = `${specPaths} changed, and ${stale.map((f) => f.file).join(', ')} could not be regenerated from it: ${err.message}`;
    env.progress(message);
    return report(generating ? 'fail' : 'error', message, boundedDetails(err.detail));
  }
  env.progress(`regenerated ${what}`);
  return report('pass', `regenerated ${what}`);
}
