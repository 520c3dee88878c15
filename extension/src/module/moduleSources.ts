// The files of a module folder that a build needs (*.c, *.h, Kbuild, Makefile at its top level, and the uapi
// headers in include/uapi/linux/ that YNL-generated sources include as <uapi/linux/NAME.h>), their content
// hash (which names the upload folder, so an unchanged module is not rebuilt in a new place) and the module name.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { KmodError } from './remote';

export interface ModuleSources {
  readonly dir: string;
  /** Relative names, sorted. */
  readonly files: readonly string[];
  readonly texts: ReadonlyMap<string, string>;
  /** 12 hex digits of a SHA-256 over names and contents. */
  readonly hash: string;
  /** From Kbuild's (or Makefile's) `obj-m`: the .ko's name without extension. */
  readonly moduleName: string;
}

const BUILD_INPUT = /^(?:[^.].*\.[ch]|Kbuild|Makefile)$/;

export function isBuildInput(name: string): boolean {
  return BUILD_INPUT.test(name);
}

/** The one subfolder read besides the top level: where a YNL family's generated uapi header lives. */
export const UAPI_HEADER_FOLDER = 'include/uapi/linux';

async function uapiHeaders(dir: string): Promise<string[]> {
  try {
    return (await readdir(path.join(dir, UAPI_HEADER_FOLDER), { withFileTypes: true }))
      .filter((e) => e.isFile() && /^[^.].*\.h$/.test(e.name))
      .map((e) => `${UAPI_HEADER_FOLDER}/${e.name}`);
  } catch {
    return [];
  }
}

/** Module names from `obj-m := a.o b.o` / `obj-m += c.o` lines (continuations joined). */
export function parseObjM(kbuildText: string): string[] {
  const joined = kbuildText.replace(/\\\r?\n/g, ' ');
  const names: string[] = [];
  for (const line of joined.split('\n')) {
    const m = /^\s*obj-(?:m|\$\([A-Za-z0-9_]+\))\s*[:+]?=\s*(.*)$/.exec(line.replace(/#.*$/, ''));
    if (!m) continue;
    for (const word of (m[1] as string).split(/\s+/)) {
      const o = /^([A-Za-z0-9_-]+)\.o$/.exec(word);
      if (o) names.push(o[1] as string);
    }
  }
  return names;
}

export async function readModuleSources(dir: string): Promise<ModuleSources> {
  let entries: string[];
  try {
    entries = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile() && isBuildInput(e.name))
      .map((e) => e.name)
      .concat(await uapiHeaders(dir))
      .sort();
  } catch (e) {
    throw new KmodError(`module folder ${dir} cannot be read: ${(e as Error).message}`);
  }
  if (!entries.some((f) => f.endsWith('.c'))) throw new KmodError(`module folder ${dir} has no .c file`);
  const kbuildName = entries.includes('Kbuild') ? 'Kbuild' : entries.includes('Makefile') ? 'Makefile' : undefined;
  if (!kbuildName) throw new KmodError(`module folder ${dir} has neither Kbuild nor Makefile`);
  const texts = new Map<string, string>();
  const hash = createHash('sha256');
  for (const f of entries) {
    const text = await readFile(path.join(dir, f), 'utf8');
    texts.set(f, text);
    hash.update(`${f}\0${text.length}\0`).update(text);
  }
  let names = parseObjM(texts.get(kbuildName) as string);
  if (names.length === 0 && kbuildName === 'Kbuild' && texts.has('Makefile'))
    names = parseObjM(texts.get('Makefile') as string);
  if (names.length !== 1) {
    throw new KmodError(
      names.length === 0
        ? `${path.join(dir, kbuildName)}: no "obj-m := <name>.o" line names the module`
        : `${path.join(dir, kbuildName)}: obj-m names ${names.length} modules (${names.join(', ')}); the commands handle one`,
    );
  }
  return { dir, files: entries, texts, hash: hash.digest('hex').slice(0, 12), moduleName: names[0] as string };
}
