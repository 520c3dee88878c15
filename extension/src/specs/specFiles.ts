// Reading YNL spec files from disk for the node-side users of the codec (language server, extension host and CLI):
// each folder's *.yaml loaded through the bounded reader, problems kept with the file they came from, nothing thrown.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readBoundedText } from '../boundedRead';
import type { FamilyDef, FamilyRegistry } from '../netlink/index';
import { createRegistry } from '../netlink/index';
import { loadYnlSpec } from '../netlink/ynl/index';

export interface SpecLoadReport {
  readonly families: FamilyDef[];
  /** "path:line: message" lines for whatever could not be read. */
  readonly problems: string[];
}

/** A spec folder, and for one a workspace supplies, the folders its files must resolve inside (symlinks included). */
export interface SpecFolder {
  readonly path: string;
  readonly within?: readonly string[];
}

/** Largest spec file read: the kernel's biggest is ~100 KiB, so anything near this is no family spec. */
export const MAX_SPEC_BYTES = 4 * 1024 * 1024;
/** Time for one spec file, and for all of them: a load runs before the first hover answers. */
const SPEC_TIMEOUT_MS = 5000;
const LOAD_TIMEOUT_MS = 20_000;

/** Loads every `*.yaml` of each folder (not recursive) and the single files given (named by the user: followed anywhere). */
export function loadSpecFiles(
  folders: readonly (string | SpecFolder)[],
  files: readonly string[] = [],
): SpecLoadReport {
  const families: FamilyDef[] = [];
  const problems: string[] = [];
  const paths: SpecFolder[] = files.map((path) => ({ path }));
  for (const entry of folders) {
    const folder = typeof entry === 'string' ? { path: entry } : entry;
    try {
      for (const name of readdirSync(folder.path).sort()) {
        if (/\.ya?ml$/.test(name)) paths.push({ path: join(folder.path, name), within: folder.within });
      }
    } catch (e) {
      problems.push(`${folder.path}: cannot read the spec folder (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
  }
  const deadline = Date.now() + LOAD_TIMEOUT_MS;
  for (const { path, within } of paths) {
    const left = deadline - Date.now();
    if (left <= 0) {
      problems.push(`${path}: not read: loading the specs took longer than ${LOAD_TIMEOUT_MS / 1000} s`);
      continue;
    }
    const read = readBoundedText(path, {
      maxBytes: MAX_SPEC_BYTES,
      timeoutMs: Math.min(SPEC_TIMEOUT_MS, left),
      within,
    });
    if ('error' in read) {
      problems.push(`${path}: ${read.error}${read.error.startsWith('larger than') ? ', not a family spec' : ''}`);
      continue;
    }
    const result = loadYnlSpec(read.text, path);
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
  /** Folders from the settings: the client sends only user/machine ones while the workspace is not trusted. */
  readonly specFolders: readonly string[];
  readonly genlFamilyIds: Readonly<Record<string, number>>;
  /** Workspace folders: `Documentation/netlink/specs` of a kernel tree among them is loaded once they are trusted. */
  readonly workspaceFolders: readonly string[];
  readonly workspaceTrusted: boolean;
  /** The module folder ('' for none): its top-level specs are loaded, in a trusted workspace only. */
  readonly moduleFolder?: string;
}

/** Families from the spec folders, a kernel tree's specs in a trusted workspace, and the bundled module spec. */
export function registryFor(
  sources: RegistrySources,
  distDir: string,
): { registry: FamilyRegistry; problems: string[]; specCount: number } {
  const kernelSpecDirs = sources.workspaceFolders
    .map((f) => ({ path: join(f, 'Documentation', 'netlink', 'specs'), within: [f] }))
    .filter((d) => existsSync(d.path));
  // An untrusted workspace's files are not read at all: a spec there could be a FIFO, a link to a device or to a
  // file of the user's; they are loaded when the client says the workspace became trusted.
  const untrustedNote = sources.workspaceTrusted
    ? []
    : kernelSpecDirs.map((d) => `${d.path}: not loaded until the workspace is trusted`);
  const moduleDir = sources.workspaceTrusted && sources.moduleFolder ? sources.moduleFolder : undefined;
  const moduleSpecs =
    moduleDir && existsSync(moduleDir) ? loadSpecFiles([{ path: moduleDir, within: [moduleDir] }]) : undefined;
  // The module's own spec wins over the bundled copy of the reference module's (the user edits it).
  const own = new Set(moduleSpecs?.families.map((f) => f.name));
  const bundled = loadSpecFiles([], bundledSpecFiles(distDir));
  const report = loadSpecFiles([...sources.specFolders, ...(sources.workspaceTrusted ? kernelSpecDirs : [])]);
  const families = [
    ...report.families,
    ...(moduleSpecs?.families ?? []),
    ...bundled.families.filter((f) => !own.has(f.name)),
  ];
  report.problems.push(...(moduleSpecs?.problems ?? []), ...bundled.problems);
  const registry = createRegistry(families);
  for (const [name, id] of Object.entries(sources.genlFamilyIds)) registry.bindGenlId(id, name);
  return { registry, problems: [...untrustedNote, ...report.problems], specCount: families.length };
}
