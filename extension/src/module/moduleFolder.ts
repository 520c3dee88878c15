// Where the module being developed lives: the setting `netlink.module.folder`, absolute or relative to the first
// workspace folder (default `kmod`). Pure, so the commands and the exercise discovery agree on it.
import path from 'node:path';
import { contributedDefault } from '../settingDefaults';

export const DEFAULT_MODULE_FOLDER = contributedDefault<string>('module.folder');

export function resolveModuleFolder(
  setting: string | undefined,
  workspaceFolders: readonly string[],
): { dir: string } | { error: string } {
  const value = (setting ?? '').trim() || DEFAULT_MODULE_FOLDER;
  if (value.includes('\0')) return { error: 'netlink.module.folder contains a NUL character' };
  if (path.isAbsolute(value)) return { dir: path.normalize(value) };
  const root = workspaceFolders[0];
  if (!root) return { error: `netlink.module.folder is "${value}", relative to the workspace, but no folder is open` };
  return { dir: path.resolve(root, value) };
}
