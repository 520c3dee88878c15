// YNL `sub-messages` (netlink-raw): formats chosen by the value of a selector attribute, each with an optional
// fixed header struct and attribute set (e.g. rt-link's linkinfo data per link kind).
import type { SubMessageDef, SubMessageVariant } from '../types';
import type { SpecMap, SpecReader } from './reader';
import type { RefChecks } from './references';

export function loadSubMessages(reader: SpecReader, root: SpecMap, refs: RefChecks): Map<string, SubMessageDef> {
  const out = new Map<string, SubMessageDef>();
  for (const spec of reader.maps(root, 'sub-messages')) {
    const name = reader.string(spec, 'name', true);
    if (name === undefined) continue;
    if (out.has(name)) {
      reader.report(`duplicate sub-message "${name}"`, reader.get(spec, 'name')?.node, spec.path);
      continue;
    }
    const variants = new Map<string, SubMessageVariant>();
    for (const format of reader.maps(spec, 'formats', true)) {
      // Selector values are strings on the wire (a link kind, a qdisc name); a bare number is read as text.
      const value = reader.text(format, 'value', true);
      if (value === undefined) continue;
      if (variants.has(value)) {
        reader.report(
          `duplicate format value "${value}" in sub-message "${name}"`,
          reader.get(format, 'value')?.node,
          format.path,
        );
        continue;
      }
      const struct = reader.string(format, 'fixed-header');
      const attrSet = reader.string(format, 'attribute-set');
      if (struct !== undefined) refs.struct(struct, format, 'fixed-header');
      if (attrSet !== undefined) refs.attrSet(attrSet, format, 'attribute-set');
      variants.set(value, {
        value,
        ...(struct !== undefined ? { struct } : {}),
        ...(attrSet !== undefined ? { attrSet } : {}),
      });
    }
    out.set(name, { name, variants });
  }
  return out;
}
