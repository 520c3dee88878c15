// Every `netlink.*` setting, typed and validated, without VS Code: which group each belongs to, which ones an
// untrusted workspace may not set, and how raw values become the settings the features use. The defaults are
// package.json's (contributes.configuration): VS Code hands them out for anything nobody set, so none is repeated
// here; a bad value falls back to what each part's own validator does with it, and is reported with its place.
import { moduleParameterArgs } from './module/module';
import { resolveModuleFolder } from './module/moduleFolder';
import type { ServerSettings } from './protocol/languageServer';
import { validateSettings } from './server/settings';
import {
  formatProblem,
  LAB_TARGET_NAME,
  validateActiveTarget,
  validateTargets,
  type TargetConfig,
} from './target/validate';

/**
 * What a feature subscribes to: `decoder` (the language server and the host's family registry: decoder.*, hover.*,
 * inlayHints.*, lint.*, with the workspace's folders and trust), `targets` (targets, activeTarget, ssh.*), `lab`, `module`.
 */
export type SettingGroup = 'decoder' | 'targets' | 'lab' | 'module';

export interface SettingSpec {
  readonly group: SettingGroup;
  /**
   * Listed in package.json's capabilities.untrustedWorkspaces.restrictedConfigurations: in an untrusted workspace
   * only the user's (and machine's) value counts, never the workspace's.
   */
  readonly restricted: boolean;
}

/** Every contributed setting, without the `netlink.` prefix (a unit test holds this to package.json one to one). */
export const SETTINGS = {
  'decoder.defaultProtocol': { group: 'decoder', restricted: false },
  'decoder.specFolders': { group: 'decoder', restricted: true },
  'decoder.genlFamilyIds': { group: 'decoder', restricted: false },
  'hover.languages': { group: 'decoder', restricted: false },
  'inlayHints.enabled': { group: 'decoder', restricted: false },
  'inlayHints.languages': { group: 'decoder', restricted: false },
  'lint.enabled': { group: 'decoder', restricted: false },
  'lint.files': { group: 'decoder', restricted: false },
  targets: { group: 'targets', restricted: true },
  activeTarget: { group: 'targets', restricted: true },
  'ssh.path': { group: 'targets', restricted: true },
  'ssh.configFile': { group: 'targets', restricted: true },
  'lab.autoStart': { group: 'lab', restricted: true },
  'module.folder': { group: 'module', restricted: true },
  'module.parameters': { group: 'module', restricted: false },
  'module.ynlGenerator': { group: 'module', restricted: true },
} as const satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof SETTINGS;

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

export interface TargetSettings {
  /** The valid entries of `netlink.targets` (a bad one is left out and reported). */
  readonly targets: readonly TargetConfig[];
  /** `netlink.activeTarget`, or the lab when it names no target. */
  readonly activeTarget: string;
  /** `netlink.ssh.path`; undefined: `ssh` from PATH. */
  readonly sshPath?: string;
  /** `netlink.ssh.configFile`; undefined: ~/.ssh/config. */
  readonly sshConfigFile?: string;
}

export interface LabSettings {
  readonly autoStart: boolean;
}

export interface ModuleSettings {
  /** `netlink.module.folder` resolved against the first workspace folder, or what to set. */
  readonly folder: { readonly dir: string } | { readonly error: string };
  /** `netlink.module.parameters` as insmod words, or what is wrong with them (loading refuses then). */
  readonly parameters: { readonly args: readonly string[] } | { readonly error: string };
  /** `netlink.module.ynlGenerator`: the kernel's ynl-gen-c.py, run on Build Module when a spec changed. */
  readonly ynlGenerator?: string;
}

/** The settings by group, as read at one moment. */
export interface Settings {
  readonly decoder: ServerSettings;
  readonly targets: TargetSettings;
  readonly lab: LabSettings;
  readonly module: ModuleSettings;
}

/** A bad value: the setting it is in, and the located text ("netlink.targets[1].destination: ..."). */
export interface SettingsProblem {
  /** Undefined only for a text that names no setting of the table. */
  readonly key: SettingKey | undefined;
  readonly text: string;
}

export interface SettingsSource {
  /** The setting's value as VS Code gives it (the contributed default when nobody set it). */
  read(key: SettingKey): unknown;
  /** The workspace's folders (file paths). */
  readonly workspaceFolders: readonly string[];
  readonly trusted: boolean;
}

const DECODER_KEYS = {
  defaultProtocol: 'decoder.defaultProtocol',
  specFolders: 'decoder.specFolders',
  genlFamilyIds: 'decoder.genlFamilyIds',
  hoverLanguages: 'hover.languages',
  inlayHintsEnabled: 'inlayHints.enabled',
  inlayHintLanguages: 'inlayHints.languages',
  lintEnabled: 'lint.enabled',
  lintFiles: 'lint.files',
} as const satisfies Partial<Record<keyof ServerSettings, SettingKey>>;

/** The key a located text names first (every validator starts its text with the setting's full name). */
function keyOf(text: string, among: readonly SettingKey[]): SettingKey | undefined {
  return among.find((k) => text.startsWith(`netlink.${k}`) && !/\w/.test(text.charAt(`netlink.${k}`.length)));
}

function parseDecoder(src: SettingsSource, problems: SettingsProblem[]): ServerSettings {
  const raw: Record<string, unknown> = { workspaceFolders: src.workspaceFolders, workspaceTrusted: src.trusted };
  // The module folder's specs are read only in a trusted workspace (the setting itself is a restricted one).
  const folder = src.trusted ? resolveModuleFolder(optionalModuleFolder(src), src.workspaceFolders) : undefined;
  raw.moduleFolder = folder && 'dir' in folder ? folder.dir : '';
  for (const [field, key] of Object.entries(DECODER_KEYS)) raw[field] = src.read(key);
  // The language server's own validator: the host and the server agree on what a bad value becomes.
  const { settings, warnings } = validateSettings(raw);
  const keys = Object.values(DECODER_KEYS);
  for (const text of warnings) problems.push({ key: keyOf(text, keys), text });
  return settings;
}

/** netlink.module.folder as a string, without reporting a bad value (parseModule reports it). */
function optionalModuleFolder(src: SettingsSource): string | undefined {
  const v = src.read('module.folder');
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A string setting where '' means "not set". */
function optionalString(src: SettingsSource, key: SettingKey, problems: SettingsProblem[]): string | undefined {
  const v = src.read(key);
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return v;
  problems.push({ key, text: `netlink.${key}: must be a string, not ${JSON.stringify(v)}` });
  return undefined;
}

function parseTargets(src: SettingsSource, problems: SettingsProblem[]): TargetSettings {
  const { targets, problems: targetProblems } = validateTargets(src.read('targets'));
  for (const p of targetProblems) problems.push({ key: 'targets', text: formatProblem(p) });
  const active = src.read('activeTarget');
  const activeProblem = validateActiveTarget(
    active,
    targets.map((t) => t.name),
  );
  if (activeProblem) problems.push({ key: 'activeTarget', text: formatProblem(activeProblem) });
  const sshPath = optionalString(src, 'ssh.path', problems);
  const sshConfigFile = optionalString(src, 'ssh.configFile', problems);
  return {
    targets,
    activeTarget: !activeProblem && typeof active === 'string' && active !== '' ? active : LAB_TARGET_NAME,
    ...(sshPath !== undefined ? { sshPath } : {}),
    ...(sshConfigFile !== undefined ? { sshConfigFile } : {}),
  };
}

function parseLab(src: SettingsSource, problems: SettingsProblem[]): LabSettings {
  const v = src.read('lab.autoStart');
  if (v === undefined || typeof v === 'boolean') return { autoStart: v === true };
  // It boots a VM: anything but true leaves it off.
  problems.push({
    key: 'lab.autoStart',
    text: `netlink.lab.autoStart: must be true or false, not ${JSON.stringify(v)}`,
  });
  return { autoStart: false };
}

function parseModule(src: SettingsSource, problems: SettingsProblem[]): ModuleSettings {
  const setting = optionalString(src, 'module.folder', problems);
  const folder = resolveModuleFolder(setting, src.workspaceFolders);
  let parameters: ModuleSettings['parameters'];
  try {
    parameters = { args: moduleParameterArgs(src.read('module.parameters')) };
  } catch (e) {
    const text = (e as Error).message;
    problems.push({ key: 'module.parameters', text });
    parameters = { error: text };
  }
  const ynlGenerator = optionalString(src, 'module.ynlGenerator', problems);
  return { folder, parameters, ...(ynlGenerator ? { ynlGenerator } : {}) };
}

/** Reads every setting once; each bad value is one problem naming where it is. */
export function parseSettings(src: SettingsSource): { settings: Settings; problems: SettingsProblem[] } {
  const problems: SettingsProblem[] = [];
  const settings: Settings = {
    decoder: parseDecoder(src, problems),
    targets: parseTargets(src, problems),
    lab: parseLab(src, problems),
    module: parseModule(src, problems),
  };
  return { settings, problems };
}

/** The groups whose values differ between two readings. */
export function changedGroups(before: Settings, after: Settings): Set<SettingGroup> {
  const groups = Object.keys(after) as SettingGroup[];
  return new Set(groups.filter((g) => JSON.stringify(before[g]) !== JSON.stringify(after[g])));
}
