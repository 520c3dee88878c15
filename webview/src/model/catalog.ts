// Rebuilds the codec's family definitions and registry from the JSON the host sends (protocol.ts FamilyJson).
import { FamilyRegistry } from '../../../extension/src/netlink/index';
import type { AttrSetDef, EnumDef, FamilyDef, SubMessageDef } from '../../../extension/src/netlink/index';
import type { CatalogJson, FamilyJson } from '../../../extension/src/protocol/webview';

function familyFromJson(json: FamilyJson): FamilyDef {
  return {
    name: json.name,
    protocol: json.protocol,
    genl: json.genl,
    source: json.source,
    messages: new Map(json.messages.map((m) => [m.value, m])),
    attrSets: new Map(
      json.attrSets.map((s): [string, AttrSetDef] => [s.name, { name: s.name, byType: new Map(s.attrs) }]),
    ),
    structs: new Map(json.structs.map((s) => [s.name, s])),
    enums: new Map(
      json.enums.map((e): [string, EnumDef] => [e.name, { name: e.name, flags: e.flags, entries: new Map(e.entries) }]),
    ),
    subMessages: new Map(
      json.subMessages.map((s): [string, SubMessageDef] => [
        s.name,
        { name: s.name, variants: new Map(s.variants.map((v) => [v.value, v])) },
      ]),
    ),
    ...(json.mcastGroups ? { mcastGroups: json.mcastGroups } : {}),
    ...(json.operations ? { operations: json.operations } : {}),
  };
}

/** A registry holding exactly the catalog's families and genl id bindings. */
export function registryFromCatalog(catalog: CatalogJson): FamilyRegistry {
  const registry = new FamilyRegistry(catalog.families.map(familyFromJson));
  for (const [id, name] of catalog.genlIds) registry.bindGenlId(id, name);
  return registry;
}
