// Makes the repository's extension an installed extension of a code-server run by symlinking the folder into
// the extensions dir under the name VS Code expects (publisher.name-version). Changes to dist/ show on reload.
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

interface Manifest {
  publisher: string;
  name: string;
  version: string;
}

export function readManifest(extensionPath: string): Manifest {
  const file = join(extensionPath, 'package.json');
  const m = JSON.parse(readFileSync(file, 'utf8')) as Partial<Manifest>;
  if (!m.publisher || !m.name || !m.version) throw new Error(`${file}: publisher, name and version are required`);
  return { publisher: m.publisher, name: m.name, version: m.version };
}

/** Returns the extension id (publisher.name). */
export function linkExtension(extensionsDir: string, extensionPath: string): string {
  const m = readManifest(extensionPath);
  symlinkSync(extensionPath, join(extensionsDir, `${m.publisher}.${m.name}-${m.version}`), 'dir');
  return `${m.publisher}.${m.name}`;
}
