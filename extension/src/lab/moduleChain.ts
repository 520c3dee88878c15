// Picks the kernel modules the guest needs (the virtio-net chain, and modules the kernel loads on demand such
// as nlmon) with everything they depend on, ordered so that dependencies come first, and writes the trimmed
// modules.dep and modules.alias that busybox modprobe reads.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { LabError } from './errors';
import { moduleDepends, readModinfo } from './modinfo';
import { run } from '../process/run';

export interface ChainModule {
  name: string;
  /** Path relative to /lib/modules/<release>/, always ending in ".ko" (compressed ones are unpacked). */
  relPath: string;
  content: Buffer;
  depends: string[];
  /** Its alias= fields (e.g. "rtnl-link-nlmon" from MODULE_ALIAS_RTNL_LINK): names the kernel asks modprobe for. */
  aliases: string[];
}

/** kernel module names treat '-' and '_' alike. */
export const normalizeModuleName = (n: string): string => n.replace(/-/g, '_');

function moduleNameOf(relPath: string): string {
  return normalizeModuleName(path.basename(relPath).replace(/\.ko(\.(xz|zst|gz))?$/, ''));
}

async function readModule(file: string): Promise<Buffer> {
  const raw = await readFile(file);
  const decompressor = file.endsWith('.xz')
    ? ['xz', '-dc']
    : file.endsWith('.zst')
      ? ['zstd', '-dcq']
      : file.endsWith('.gz')
        ? ['gzip', '-dc']
        : undefined;
  if (!decompressor) return raw;
  const r = await run(decompressor, { input: raw, timeoutMs: 30_000 });
  if (r.code !== 0) throw new LabError('modules', `cannot decompress ${file}`, r.stderr);
  return r.stdout;
}

/**
 * Resolves `wanted` module names (builtin ones are skipped) in modulesDir (/lib/modules/<release>) using
 * modules.order and modules.builtin, returns them dependency-first.
 */
export async function resolveModuleChain(modulesDir: string, wanted: readonly string[]): Promise<ChainModule[]> {
  const listFile = async (name: string): Promise<string[]> => {
    const f = path.join(modulesDir, name);
    if (!existsSync(f)) return [];
    return (await readFile(f, 'utf8')).split('\n').filter((l) => l.trim().length > 0);
  };
  const builtin = new Set((await listFile('modules.builtin')).map(moduleNameOf));
  const byName = new Map<string, string>();
  for (const rel of await listFile('modules.order')) byName.set(moduleNameOf(rel), rel);
  if (byName.size === 0) throw new LabError('modules', `${modulesDir}/modules.order is missing or empty`);

  const ordered: ChainModule[] = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = async (raw: string, wantedBy: string): Promise<void> => {
    const name = normalizeModuleName(raw);
    if (done.has(name) || builtin.has(name)) return;
    if (visiting.has(name)) throw new LabError('modules', `dependency cycle at ${name}`);
    const listed = byName.get(name);
    if (!listed)
      throw new LabError('modules', `module ${name} (needed by ${wantedBy}) is neither built in nor in ${modulesDir}`);
    // modules.order names the uncompressed path; the file on disk may carry a compression suffix.
    const onDisk = ['', '.xz', '.zst', '.gz']
      .map((s) => path.join(modulesDir, listed.replace(/\.ko(\.(xz|zst|gz))?$/, '.ko') + s))
      .find((f) => existsSync(f));
    if (!onDisk) throw new LabError('modules', `module file for ${name} (${listed}) not found in ${modulesDir}`);
    visiting.add(name);
    const content = await readModule(onDisk);
    const info = readModinfo(content, onDisk);
    const depends = moduleDepends(info).map(normalizeModuleName);
    for (const d of depends) await visit(d, name);
    visiting.delete(name);
    done.add(name);
    const relPath = path.relative(modulesDir, onDisk).replace(/\.ko(\.(xz|zst|gz))?$/, '.ko');
    ordered.push({
      name,
      relPath,
      content,
      depends: depends.filter((d) => !builtin.has(d)),
      aliases: info.get('alias') ?? [],
    });
  };
  for (const w of wanted) await visit(w, 'the lab');
  return ordered;
}

/**
 * modules.dep lines "path: dep-paths..." with each module's transitive dependencies. modprobe loads that list
 * from its END, so dependents come first and the most basic module last (depmod's order).
 */
export function modulesDep(chain: readonly ChainModule[]): string {
  const index = new Map(chain.map((m, i) => [m.name, i]));
  const transitive = (m: ChainModule, acc: Set<number>): Set<number> => {
    for (const d of m.depends) {
      const i = index.get(d);
      const dm = i === undefined ? undefined : chain[i];
      if (i !== undefined && dm && !acc.has(i)) {
        acc.add(i);
        transitive(dm, acc);
      }
    }
    return acc;
  };
  // chain is dependency-first, so a higher index never is a dependency of a lower one.
  return chain
    .map((m) => {
      const deps = [...transitive(m, new Set())].sort((a, b) => b - a).map((i) => ` ${chain[i]?.relPath}`);
      return `${m.relPath}:${deps.join('')}\n`;
    })
    .join('');
}

/**
 * modules.alias lines "alias <alias> <module>". The kernel's request_module("rtnl-link-nlmon") (rtnetlink, for a
 * link kind it does not know) runs modprobe with the alias; busybox modprobe finds the module through this file.
 * Aliases with wildcards (device tables) are left out: the guest has no hotplug.
 */
export function modulesAlias(chain: readonly ChainModule[]): string {
  return chain
    .flatMap((m) => m.aliases.filter((a) => !/[*?[\s]/.test(a)).map((a) => `alias ${a} ${m.name}\n`))
    .join('');
}
