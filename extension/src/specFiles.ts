// Reading YNL spec files from disk for the node-side users of the codec (language server and CLI): each
// folder's *.yaml loaded, problems kept with the file they came from, nothing thrown.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FamilyDef, FamilyRegistry } from './netlink/index';
import { createRegistry } from './netlink/index';
import { loadYnlSpec } from './netlink/ynl/index';

export interface SpecLoadReport {
  readonly families: FamilyDef[];
  /** "path:line: message" lines for whatever could not be read. */
  readonly problems: string[];
}

/** Loads every `*.yaml` of each folder (not recursive) and the single files given. */
export function loadSpecFiles(folders: readonly string[], files: readonly string[] = []): SpecLoadReport {
  const families: FamilyDef[] = [];
  const problems: string[] = [];
  const paths: string[] = [...files];
  for (const folder of folders) {
    try {
      for (const name of readdirSync(folder).sort()) if (/\.ya?ml$/.test(name)) paths.push(join(folder, name));
    } catch (e) {
      problems.push(`${folder}: cannot read the spec folder (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
  }
  for (const path of paths) {
    let text: string;
    try {
      if (statSync(path).size > 4 * 1024 * 1024) {
        problems.push(`${path}: larger than 4 MiB, not a family spec`);
        continue;
      }
      text = readFileSync(path, 'utf8');
    } catch (e) {
      problems.push(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      continue;
    }
    const result = loadYnlSpec(text, path);
    for (const p of result.problems) problems.push(`${path}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}`);
    if (result.family) families.push(result.family);
  }
  return { families, problems };
}

/** The reference module's spec shipped beside the bundles (dist/../kmod/nlreply.yaml), when present. */
export function bundledSpecFiles(distDir: string): string[] {
  const path = resolve(distDir, '..', 'kmod', 'nlreply.yaml');
  try {
    statSync(path);
    return [path];
  } catch {
    return [];
  }
}

export interface RegistrySources {
  readonly specFolders: readonly string[];
  readonly genlFamilyIds: Readonly<Record<string, number>>;
  /** Workspace folders: `Documentation/netlink/specs` of a kernel tree among them is loaded. */
  readonly workspaceFolders: readonly string[];
}

/** Families from the spec folders, a kernel tree's specs in the workspace, and the bundled module spec. */
export function registryFor(sources: RegistrySources, distDir: string): { registry: FamilyRegistry; problems: string[]; specCount: number } {
  const kernelSpecDirs = sources.workspaceFolders
    .map((f) => join(f, 'Documentation', 'netlink', 'specs'))
    .filter((d) => existsSync(d));
  const report = loadSpecFiles([...sources.specFolders, ...kernelSpecDirs], bundledSpecFiles(distDir));
  const registry = createRegistry(report.families);
  for (const [name, id] of Object.entries(sources.genlFamilyIds)) registry.bindGenlId(id, name);
  return { registry, problems: report.problems, specCount: report.families.length };
}
