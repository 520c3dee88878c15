// "New module": a copy of the reference module (sources, Kbuild/Makefile, its spec, README and exercises) as the
// starting point of the user's own. Never overwrites: the target folder must not exist, and every file is
// created exclusively. Build products (*.o, *.ko, .*.cmd) are not copied.
import { constants } from 'node:fs';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { isBuildInput } from './moduleSources';
import { KmodError } from './remote';

function isTemplateFile(name: string): boolean {
  return isBuildInput(name) || /^[^.][^/]*\.(ya?ml|md)$/.test(name);
}

/** A folder name for the new module: one path segment, no dot first. */
export function checkNewModuleName(name: string): string | undefined {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/.test(name))
    return 'use 1-64 letters, digits, _ . - (not starting with . or -)';
  return undefined;
}

/** Copies the template into `destDir` (which must not exist); returns the relative names written. */
export async function copyModuleTemplate(templateDir: string, destDir: string): Promise<string[]> {
  try {
    await mkdir(destDir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new KmodError(
      code === 'EEXIST'
        ? `${destDir} already exists: nothing was overwritten`
        : `cannot create ${destDir}: ${(e as Error).message}`,
    );
  }
  const written: string[] = [];
  const copyDir = async (from: string, to: string, rel: string): Promise<void> => {
    for (const e of await readdir(from, { withFileTypes: true })) {
      if (e.isFile() && isTemplateFile(e.name)) {
        await copyFile(path.join(from, e.name), path.join(to, e.name), constants.COPYFILE_EXCL);
        written.push(rel ? `${rel}/${e.name}` : e.name);
      } else if (e.isDirectory() && !rel && e.name === 'exercises') {
        await mkdir(path.join(to, e.name));
        await copyDir(path.join(from, e.name), path.join(to, e.name), e.name);
      }
    }
  };
  await copyDir(templateDir, destDir, '');
  if (!written.some((f) => f.endsWith('.c'))) throw new KmodError(`${templateDir} holds no module sources to copy`);
  return written.sort();
}
