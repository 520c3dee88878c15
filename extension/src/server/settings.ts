// Settings as the server uses them: validated against their types (bad values fall back to the default with a
// located warning).
import { parseProtocolSetting } from '../netlink/protocols';
import type { ServerSettings } from '../protocol/languageServer';
import { DEFAULT_SETTINGS } from '../protocol/languageServer';

function stringArray(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
}

/** Reads a raw settings object; every wrong-typed value is reported as "netlink.x.y: reason" and defaulted. */
export function validateSettings(raw: unknown): { settings: ServerSettings; warnings: string[] } {
  const warnings: string[] = [];
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const pick = <T>(key: keyof ServerSettings, setting: string, check: (v: unknown) => T | undefined): T => {
    const v = r[key];
    if (v === undefined) return DEFAULT_SETTINGS[key] as T;
    const ok = check(v);
    if (ok === undefined) {
      warnings.push(`${setting}: ${JSON.stringify(v)} is not valid here; using the default`);
      return DEFAULT_SETTINGS[key] as T;
    }
    return ok;
  };
  const defaultProtocol = pick('defaultProtocol', 'netlink.decoder.defaultProtocol', (v) => {
    if (typeof v !== 'string' && typeof v !== 'number') return undefined;
    return 'error' in parseProtocolSetting(String(v)) ? undefined : String(v);
  });
  const genlFamilyIds = pick('genlFamilyIds', 'netlink.decoder.genlFamilyIds', (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    const entries = Object.entries(v as Record<string, unknown>);
    return entries.every(([, id]) => Number.isInteger(id) && (id as number) >= 16 && (id as number) <= 0xffff)
      ? (v as Record<string, number>)
      : undefined;
  });
  return {
    settings: {
      defaultProtocol,
      specFolders: pick('specFolders', 'netlink.decoder.specFolders', stringArray),
      genlFamilyIds,
      hoverLanguages: pick('hoverLanguages', 'netlink.hover.languages', stringArray),
      inlayHintsEnabled: pick('inlayHintsEnabled', 'netlink.inlayHints.enabled', (v) =>
        typeof v === 'boolean' ? v : undefined,
      ),
      inlayHintLanguages: pick('inlayHintLanguages', 'netlink.inlayHints.languages', stringArray),
      lintEnabled: pick('lintEnabled', 'netlink.lint.enabled', (v) => (typeof v === 'boolean' ? v : undefined)),
      lintFiles: pick('lintFiles', 'netlink.lint.files', (v) => (v === 'workspace' || v === 'all' ? v : undefined)),
      workspaceFolders: pick('workspaceFolders', 'workspace folders', stringArray),
      workspaceTrusted: pick('workspaceTrusted', 'workspace trust', (v) => (typeof v === 'boolean' ? v : undefined)),
      moduleFolder: pick('moduleFolder', 'netlink.module.folder', (v) => (typeof v === 'string' ? v : undefined)),
    },
    warnings,
  };
}

export function languageMatches(languages: readonly string[], languageId: string): boolean {
  return languages.includes('*') || languages.includes(languageId);
}
