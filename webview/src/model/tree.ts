// The attribute tree as the form shows it: each node with its definition, how it is encoded, and which types its
// children may take. Walks the same scopes encode.ts uses, so names shown are the names that get encoded.
import type { AttrDef, AttrKind, FamilyRegistry } from '../../../extension/src/netlink/index';
import type { AttrScope, Resolution } from './schema';
import { childScope, kindOf, parseAttrType, resolve, topScope, valueSpecOf } from './schema';
import type { AttrNode, BuilderState } from './state';
import { isContainerKind, type ValueSpec } from './values';

export interface AttrView {
  readonly node: AttrNode;
  readonly depth: number;
  /** Parent node id, undefined at the top. */
  readonly parentId: number | undefined;
  readonly def: AttrDef | undefined;
  /** Type number, undefined when the type text does not resolve. */
  readonly type: number | undefined;
  readonly kind: AttrKind;
  readonly spec: ValueSpec;
  readonly container: boolean;
  /** The scope this node's type was read in (its siblings' names). */
  readonly scope: AttrScope;
  /** The scope its children are read in (containers only). */
  readonly childScope?: AttrScope;
}

/** Every node, depth first, in form order. */
export function attrViews(
  state: BuilderState,
  registry: FamilyRegistry,
  resolution: Resolution = resolve(state, registry),
): AttrView[] {
  const out: AttrView[] = [];
  const walk = (
    nodes: readonly AttrNode[],
    scope: AttrScope,
    depth: number,
    parentId: number | undefined,
    enclosing: readonly (readonly AttrNode[])[],
  ): void => {
    const around = [...enclosing, nodes];
    for (const node of nodes) {
      const t = parseAttrType(scope, node.type);
      const def = 'def' in t ? t.def : undefined;
      const kind = kindOf(node, def);
      const container = isContainerKind(kind);
      const child = container ? childScope(node, def, scope, around).scope : undefined;
      out.push({
        node,
        depth,
        parentId,
        def,
        type: 'type' in t ? t.type : undefined,
        kind,
        spec: valueSpecOf(node, def, scope.family),
        container,
        scope,
        ...(child ? { childScope: child } : {}),
      });
      if (child) walk(node.children, child, depth + 1, node.id, around);
    }
  };
  walk(state.attrs, topScope(resolution), 0, undefined, []);
  return out;
}

/** Attribute definitions a scope offers, by type number (an indexed array offers none: entries are numbered). */
export function scopeChoices(scope: AttrScope): { type: number; def: AttrDef }[] {
  if (!scope.set) return [];
  return [...scope.set.byType].sort(([a], [b]) => a - b).map(([type, def]) => ({ type, def }));
}
