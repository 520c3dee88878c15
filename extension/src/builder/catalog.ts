// The host's family registry as JSON for the builder webview (Maps do not survive postMessage).
import type { FamilyDef, FamilyRegistry } from '../netlink/index';
import type { CatalogJson, FamilyJson } from '../protocol/webview';

export function familyToJson(family: FamilyDef): FamilyJson {
  return {
    name: family.name,
    protocol: family.protocol,
    genl: family.genl,
    source: family.source,
    messages: [...family.messages.values()],
    attrSets: [...family.attrSets.values()].map((s) => ({ name: s.name, attrs: [...s.byType] })),
    structs: [...family.structs.values()],
    enums: [...family.enums.values()].map((e) => ({ name: e.name, flags: e.flags, entries: [...e.entries] })),
    subMessages: [...family.subMessages.values()].map((s) => ({ name: s.name, variants: [...s.variants.values()] })),
    ...(family.mcastGroups ? { mcastGroups: family.mcastGroups } : {}),
    ...(family.operations ? { operations: family.operations } : {}),
  };
}

export function catalogOf(registry: FamilyRegistry): CatalogJson {
  const families = registry.families();
  const genlIds: [number, string][] = [];
  for (const f of families) {
    if (!f.genl) continue;
    const id = registry.genlIdOf(f.name);
    if (id !== undefined) genlIds.push([id, f.name]);
  }
  return { families: families.map(familyToJson), genlIds };
}
