// The settings' defaults, read from the one place they are written: package.json's contributes.configuration.
// Bundled into the programs that need a fallback before VS Code has sent any value (the language server, the
// module folder's resolution); everything else gets the defaults from VS Code itself.
import manifest from '../../package.json';

const properties: Readonly<Record<string, { readonly default?: unknown }>> =
  manifest.contributes.configuration.properties;

/** The contributed default of `netlink.<key>`; a key without one is a programming error, caught by the unit tier. */
export function contributedDefault<T>(key: string): T {
  const property = properties[`netlink.${key}`];
  if (!property || !('default' in property)) throw new Error(`package.json contributes no default for netlink.${key}`);
  return property.default as T;
}
