// The names a YNL spec defines (attribute sets and their attributes, enums, structs, consts, sub-messages,
// operations, multicast groups) and every place it uses them, with text offsets from the yaml package's document
// API: go to definition, find references, hover and completion in the editor (specNav.ts) are lookups here.
// Built in one walk of the parsed document, so a broken or huge file costs one parse and no exception; a YAML
// error only leaves out what the parser could not read. Offsets are JS string indices (UTF-16 code units), which
// is what LSP positions count; the caller maps them with its TextDocument. Kept free of LSP types.
import { isMap, isPair, isScalar, isSeq, LineCounter, visit, type Document, type Node, type YAMLMap } from 'yaml';
import { parseYaml } from '../netlink/ynl/yamlDocument';

export type SpecSymbolKind =
  | 'attribute set'
  | 'attribute'
  | 'enum'
  | 'struct'
  | 'struct member'
  | 'const'
  | 'sub-message'
  | 'operation'
  | 'multicast group';

export interface SpecSymbol {
  readonly kind: SpecSymbolKind;
  readonly name: string;
  /** The attribute set an attribute belongs to, the struct a member belongs to; '' for the others. */
  readonly scope: string;
  /** The list entry that defines it (its `doc`, `type`, entries…); the first one when a name is defined twice. */
  readonly entry: YAMLMap;
  readonly start: number;
  readonly end: number;
}

/** A name in the text: where a symbol is defined, or a use of one (which may name nothing defined). */
export interface SpecOccurrence {
  readonly start: number;
  readonly end: number;
  readonly key: string;
  readonly definition: boolean;
}

/** Map keys whose string value names a definition of one kind, wherever they appear in a spec. */
const REFERENCE_KEYS: Readonly<Record<string, SpecSymbolKind>> = {
  'nested-attributes': 'attribute set',
  'attribute-set': 'attribute set',
  'subset-of': 'attribute set',
  enum: 'enum',
  struct: 'struct',
  'fixed-header': 'struct',
  'sub-message': 'sub-message',
  notify: 'operation',
  mcgrp: 'multicast group',
};

/** Keys of an attribute's `checks` whose value may be the name of a `const` definition instead of a number. */
const CHECK_KEYS = new Set(['min', 'max', 'min-len', 'max-len', 'exact-len']);

export function symbolKey(kind: SpecSymbolKind, name: string, scope = ''): string {
  return `${kind}\u0000${scope}\u0000${name}`;
}

export class SpecIndex {
  readonly symbols = new Map<string, SpecSymbol>();
  /** Sorted by start; they never overlap (each is one scalar). */
  readonly occurrences: SpecOccurrence[] = [];

  private constructor(
    readonly doc: Document.Parsed,
    readonly lines: LineCounter,
  ) {}

  static build(text: string): SpecIndex {
    const lines = new LineCounter();
    const index = new SpecIndex(parseYaml(text, lines).doc, lines);
    index.walk();
    index.occurrences.sort((a, b) => a.start - b.start);
    return index;
  }

  /** The occurrence whose name contains `offset` (its end included: the cursor just after a name is on it). */
  occurrenceAt(offset: number): SpecOccurrence | undefined {
    let lo = 0;
    let hi = this.occurrences.length - 1;
    let found: SpecOccurrence | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const o = this.occurrences[mid]!;
      if (o.start <= offset) {
        found = o;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found && offset <= found.end ? found : undefined;
  }

  symbolAt(offset: number): SpecSymbol | undefined {
    const o = this.occurrenceAt(offset);
    return o ? this.symbols.get(o.key) : undefined;
  }

  /** Every occurrence of the symbol named at `offset`, in text order; definitions only when asked. */
  referencesAt(offset: number, includeDefinition: boolean): SpecOccurrence[] {
    const o = this.occurrenceAt(offset);
    if (!o) return [];
    return this.occurrences.filter((x) => x.key === o.key && (includeDefinition || !x.definition));
  }

  /** Symbols of one kind (and scope, for attributes), in the order the spec defines them. */
  symbolsOf(kind: SpecSymbolKind, scope = ''): SpecSymbol[] {
    return [...this.symbols.values()].filter((s) => s.kind === kind && s.scope === scope).sort(byStart);
  }

  /** The entry of `list` (a sequence of maps somewhere in the spec) whose range holds `offset`. */
  entryAt(path: readonly string[], offset: number): YAMLMap | undefined {
    return entries(nodeAtPath(this.doc.contents, path)).find((m) => within(m, offset));
  }

  /** The attribute set named by `attribute-set` of the operation around `offset`. */
  operationSetAt(offset: number): string | undefined {
    const op = this.entryAt(['operations', 'list'], offset);
    return op ? stringAt(op, 'attribute-set') : undefined;
  }

  /** The attribute set around `offset`; for a subset, the set it is a subset of (where its names are defined). */
  attributeSetAt(offset: number): string | undefined {
    const set = this.entryAt(['attribute-sets'], offset);
    return set ? (stringAt(set, 'subset-of') ?? stringAt(set, 'name')) : undefined;
  }

  private define(kind: SpecSymbolKind, entry: YAMLMap, scope = ''): void {
    const name = nameNode(entry);
    if (!name) return;
    const key = symbolKey(kind, name.value, scope);
    if (!this.symbols.has(key)) this.symbols.set(key, { kind, name: name.value, scope, entry, ...name });
    this.occurrences.push({ start: name.start, end: name.end, key, definition: true });
  }

  private use(kind: SpecSymbolKind, node: unknown, scope = ''): void {
    const s = stringScalar(node);
    if (s)
      this.occurrences.push({ start: s.start, end: s.end, key: symbolKey(kind, s.value, scope), definition: false });
  }

  private walk(): void {
    const root = this.doc.contents;
    if (!isMap(root)) return;
    for (const def of entries(nodeAtPath(root, ['definitions']))) {
      const kind = definitionKind(def);
      this.define(kind, def);
      const name = stringAt(def, 'name');
      if (kind === 'struct' && name !== undefined)
        for (const member of entries(def.get('members', true))) this.define('struct member', member, name);
    }
    for (const set of entries(nodeAtPath(root, ['attribute-sets']))) this.attributeSet(set);
    for (const sub of entries(nodeAtPath(root, ['sub-messages']))) this.define('sub-message', sub);
    for (const group of entries(nodeAtPath(root, ['mcast-groups', 'list']))) this.define('multicast group', group);
    const ops = nodeAtPath(root, ['operations']);
    const header = isMap(ops) ? stringAt(ops, 'fixed-header') : undefined;
    for (const op of entries(nodeAtPath(root, ['operations', 'list']))) this.operation(op, header);
    this.keyedReferences(root);
  }

  private attributeSet(set: YAMLMap): void {
    this.define('attribute set', set);
    const own = stringAt(set, 'name');
    const base = stringAt(set, 'subset-of');
    const scope = base ?? own;
    if (scope === undefined) return;
    for (const attr of entries(set.get('attributes', true))) {
      // A subset's entries restate attributes of its base set: uses of those, not new names.
      if (base !== undefined) this.use('attribute', nameNode(attr)?.node, base);
      else this.define('attribute', attr, scope);
      this.use('attribute', attr.get('selector', true), scope);
    }
  }

  /** An operation, and the names its messages list: attributes of its set, or members of its fixed header. */
  private operation(op: YAMLMap, familyHeader: string | undefined): void {
    this.define('operation', op);
    const set = stringAt(op, 'attribute-set');
    if (set === undefined) return;
    const header = stringAt(op, 'fixed-header') ?? familyHeader;
    const lists: unknown[] = [];
    for (const mode of ['do', 'dump']) {
      const m = op.get(mode, true);
      if (!isMap(m)) continue;
      for (const dir of ['request', 'reply']) {
        const d = m.get(dir, true);
        if (isMap(d)) lists.push(d.get('attributes', true));
      }
    }
    const event = op.get('event', true);
    if (isMap(event)) lists.push(event.get('attributes', true));
    for (const list of lists) {
      if (!isSeq(list)) continue;
      for (const item of list.items) {
        // netlink-raw requests list the fixed header's fields (rt-link's ifi-index) among the attributes.
        const name = isScalar(item) ? String(item.value) : '';
        const member =
          header !== undefined &&
          !this.symbols.has(symbolKey('attribute', name, set)) &&
          this.symbols.has(symbolKey('struct member', name, header));
        if (member) this.use('struct member', item, header);
        else this.use('attribute', item, set);
      }
    }
  }

  /** Every `key: name` of REFERENCE_KEYS and every `checks` bound given as a const's name, anywhere. */
  private keyedReferences(root: YAMLMap): void {
    visit(root, {
      Pair: (_, pair) => {
        if (!isScalar(pair.key)) return;
        const key = String(pair.key.value);
        const kind = REFERENCE_KEYS[key];
        if (kind !== undefined) this.use(kind, pair.value);
        else if (key === 'checks' && isMap(pair.value)) {
          for (const check of pair.value.items) {
            if (
              isPair(check) &&
              isScalar(check.key) &&
              CHECK_KEYS.has(String(check.key.value)) &&
              !isLimit(check.value)
            )
              this.use('const', check.value);
          }
        }
      },
    });
  }
}

/** The schema's limits of a fixed-width type (`u32-max`, `s16-min`): no const's name. */
function isLimit(node: unknown): boolean {
  return isScalar(node) && typeof node.value === 'string' && /^[su](8|16|32|64)-(min|max)$/.test(node.value);
}

function byStart(a: SpecSymbol, b: SpecSymbol): number {
  return a.start - b.start;
}

function definitionKind(def: YAMLMap): SpecSymbolKind {
  const type = stringAt(def, 'type');
  if (type === 'struct') return 'struct';
  if (type === 'const') return 'const';
  return 'enum'; // enum and flags: `enum:` names either
}

function within(node: Node, offset: number): boolean {
  const r = node.range;
  return r !== undefined && r !== null && r[0] <= offset && offset <= r[2];
}

/** The node under a path of map keys from `root`, or undefined. */
export function nodeAtPath(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) {
    if (!isMap(node)) return undefined;
    node = node.get(key, true);
  }
  return node;
}

/** The maps of a sequence (others skipped). */
export function entries(node: unknown): YAMLMap[] {
  return isSeq(node) ? node.items.filter((i): i is YAMLMap => isMap(i)) : [];
}

export function stringAt(map: YAMLMap, key: string): string | undefined {
  const v = map.get(key, true);
  return isScalar(v) && typeof v.value === 'string' ? v.value : undefined;
}

function stringScalar(node: unknown): { node: Node; value: string; start: number; end: number } | undefined {
  if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return undefined;
  let [start, end] = node.range;
  // A quoted name's range holds its quotes; the name is what is inside them.
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') {
    start += 1;
    end = Math.max(start, end - 1);
  }
  return { node, value: node.value, start, end };
}

function nameNode(entry: YAMLMap): ReturnType<typeof stringScalar> {
  return stringScalar(entry.get('name', true));
}
