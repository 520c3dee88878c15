// Custom LSP messages between the extension (client) and the language server, declared once for both sides.
import { RequestType } from 'vscode-languageserver-protocol';
import { contributedDefault } from '../settingDefaults';

/** Client → server: decode hex text (a selection or a whole document) into the plain-text report. */
export interface DecodeParams {
  readonly text: string;
  /** Protocol override ("route", "generic", "module", a number); the setting's default when absent. */
  readonly protocol?: string;
  /** Where the text came from, shown in the report's first line. */
  readonly source: string;
}

export interface DecodeResult {
  readonly report: string;
  readonly messages: number;
  readonly runs: number;
}

export const DecodeRequest = new RequestType<DecodeParams, DecodeResult, void>('netlink/decode');

/** Settings the server reads, with defaults; sent as initializationOptions and on every change. */
export interface ServerSettings {
  readonly defaultProtocol: string;
  readonly specFolders: readonly string[];
  readonly genlFamilyIds: Readonly<Record<string, number>>;
  readonly hoverLanguages: readonly string[];
  readonly inlayHintsEnabled: boolean;
  readonly inlayHintLanguages: readonly string[];
  /** Lint C documents (server/lintWatch.ts). */
  readonly lintEnabled: boolean;
  /** Which: those inside a workspace folder, or every one opened. */
  readonly lintFiles: 'workspace' | 'all';
  /** Workspace folders (file paths): `Documentation/netlink/specs` of a kernel tree among them is loaded. */
  readonly workspaceFolders: readonly string[];
  /**
   * vscode.workspace.isTrusted: the server runs in a process of its own and learns it only from here. While false,
   * no file of the workspace is read (its kernel specs wait, specFolders holds only user/machine settings).
   */
  readonly workspaceTrusted: boolean;
  /**
   * The module folder (netlink.module.folder, resolved; '' when none or the workspace is not trusted): its YNL
   * spec, e.g. the generic netlink template's, decodes and builds the module's messages like any spec folder's.
   */
  readonly moduleFolder: string;
}

export const DEFAULT_SETTINGS: ServerSettings = {
  defaultProtocol: contributedDefault<string>('decoder.defaultProtocol'),
  specFolders: contributedDefault<string[]>('decoder.specFolders'),
  genlFamilyIds: contributedDefault<Record<string, number>>('decoder.genlFamilyIds'),
  hoverLanguages: contributedDefault<string[]>('hover.languages'),
  inlayHintsEnabled: contributedDefault<boolean>('inlayHints.enabled'),
  inlayHintLanguages: contributedDefault<string[]>('inlayHints.languages'),
  lintEnabled: contributedDefault<boolean>('lint.enabled'),
  lintFiles: contributedDefault<'workspace' | 'all'>('lint.files'),
  workspaceFolders: [],
  // Not told otherwise, the server reads nothing of the workspace.
  workspaceTrusted: false,
  moduleFolder: '',
};

/** Client → server notification carrying the current settings (sent on a change and when trust is granted). */
export const SettingsNotification = 'netlink/settings';
