// Completion in a YNL spec: the names the file defines where a key's value names one (`nested-attributes:`,
// `enum:`, `struct:`, `sub-message:`, `attribute-set:`, `selector:`, an operation's `attributes:` list) and the
// kernel schema's allowed values for `type:` at that place of the spec. What is being typed is read from the
// line's text and the keys above it by indentation, not from the parsed document, which a half-typed line
// leaves incomplete; only the enclosing operation or set (whose attribute names are offered) comes from it.
import { type SpecIndex, type SpecSymbolKind } from './specIndex';

export interface SpecCompletionItem {
  readonly label: string;
  /** What the name is: a symbol kind, or `type` for the schema's values. */
  readonly kind: SpecSymbolKind | 'type';
  readonly detail?: string;
}

export interface SpecCompletions {
  readonly items: SpecCompletionItem[];
  /** Offsets of the partial word the items replace. */
  readonly start: number;
  readonly end: number;
}

const VALUE_KINDS: Readonly<Record<string, SpecSymbolKind>> = {
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

/** Lines scanned upwards for the keys that enclose the cursor: deeper nesting than this is no spec. */
const MAX_LINES_UP = 20_000;

const NAME = /^[\w.-]*$/;

export function specCompletions(
  index: SpecIndex,
  text: string,
  offset: number,
  schema?: Record<string, unknown>,
): SpecCompletions | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  let end = offset;
  while (end < text.length && /[\w.-]/.test(text[end]!)) end++;

  // `attributes: [a, b, pa|` in flow style.
  const flow = /^(\s*(?:-\s+)?)attributes\s*:\s*\[[^\]]*?([\w.-]*)$/.exec(before);
  // `key: pa|`
  const keyed = /^(\s*(?:-\s+)?)([\w-]+)\s*:\s+([\w.-]*)$/.exec(before);
  // `- pa|` in a block list.
  const item = /^(\s*)-\s+([\w.-]*)$/.exec(before);

  let path: string[];
  let key: string;
  let partial: string;
  if (flow) {
    path = enclosingKeys(text, lineStart, flow[1]!.length);
    key = 'attributes';
    partial = flow[2]!;
  } else if (keyed) {
    path = enclosingKeys(text, lineStart, keyed[1]!.length);
    key = keyed[2]!;
    partial = keyed[3]!;
  } else if (item) {
    const keys = enclosingKeys(text, lineStart, item[1]!.length);
    key = keys.pop() ?? '';
    path = keys;
    partial = item[2]!;
  } else return undefined;
  if (!NAME.test(partial)) return undefined;
  const items = itemsFor(index, path, key, offset, schema);
  return items ? { items, start: offset - partial.length, end } : undefined;
}

function itemsFor(
  index: SpecIndex,
  path: readonly string[],
  key: string,
  offset: number,
  schema: Record<string, unknown> | undefined,
): SpecCompletionItem[] | undefined {
  if (key === 'type') {
    const values = schema ? schemaEnum(schema, [...path, key]) : [];
    return values.map((label) => ({ label, kind: 'type' as const }));
  }
  const kind = VALUE_KINDS[key];
  if (kind !== undefined) return names(index, kind);
  if (key === 'selector' && path[0] === 'attribute-sets') {
    const set = index.attributeSetAt(offset);
    return set === undefined ? [] : names(index, 'attribute', set);
  }
  if (key === 'attributes' && path[0] === 'operations') {
    const set = index.operationSetAt(offset);
    return set === undefined ? [] : names(index, 'attribute', set);
  }
  return undefined;
}

function names(index: SpecIndex, kind: SpecSymbolKind, scope = ''): SpecCompletionItem[] {
  return index.symbolsOf(kind, scope).map((s) => {
    const type = s.entry.get('type');
    return { label: s.name, kind, detail: typeof type === 'string' ? `${kind}, ${type}` : kind };
  });
}

/**
 * The keys of the maps that enclose a line whose key starts at column `column`, outermost first, found by
 * indentation: each line above that starts further left than everything seen so far is a parent (its key, or
 * just the `-` of the list item the line belongs to).
 */
export function enclosingKeys(text: string, lineStart: number, column: number): string[] {
  const keys: string[] = [];
  let target = column;
  let end = lineStart - 1;
  for (let n = 0; n < MAX_LINES_UP && end >= 0 && target > 0; n++) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end);
    end = start - 1;
    const m = /^( *)(-\s+)?(?:([\w-]+)\s*:)?/.exec(line)!;
    const rest = line.slice(m[0].length);
    if (m[1]!.length === line.length || (m[2] === undefined && m[3] === undefined && /^\s*#/.test(rest))) continue;
    const dashColumn = m[2] !== undefined ? m[1]!.length : undefined;
    const keyColumn = m[1]!.length + (m[2]?.length ?? 0);
    if (m[3] !== undefined && keyColumn < target) {
      keys.push(m[3]);
      target = keyColumn;
    } else if (m[2] === undefined && m[3] === undefined && m[1]!.length < target) {
      target = m[1]!.length; // a line of something else further left: the cursor's block has ended above
    }
    if (dashColumn !== undefined && dashColumn < target) target = dashColumn;
  }
  return keys.reverse();
}

/** The `enum` of the schema's node for a path of keys: arrays step into their items, `$ref`s are followed. */
export function schemaEnum(schema: Record<string, unknown>, path: readonly string[]): string[] {
  let nodes: unknown[] = [schema];
  for (const key of path) {
    nodes = nodes
      .flatMap((n) => branches(schema, n))
      .flatMap((n) => {
        const items = branches(schema, (n as { items?: unknown }).items);
        return [n, ...items];
      });
    nodes = nodes
      .flatMap((n) => branches(schema, n))
      .map((n) => (n as { properties?: Record<string, unknown> }).properties?.[key])
      .filter((n) => n !== undefined);
  }
  const out = new Set<string>();
  for (const n of nodes.flatMap((x) => branches(schema, x))) {
    const values = (n as { enum?: unknown }).enum;
    if (Array.isArray(values)) for (const v of values) if (typeof v === 'string') out.add(v);
  }
  return [...out];
}

/** A schema node with its `$ref` followed and its `oneOf` / `anyOf` / `allOf` branches spread out. */
function branches(schema: Record<string, unknown>, node: unknown, depth = 0): object[] {
  if (!node || typeof node !== 'object' || Array.isArray(node) || depth > 8) return [];
  const n = node as Record<string, unknown>;
  const out: object[] = [n];
  const ref = n['$ref'];
  if (typeof ref === 'string' && ref.startsWith('#/')) {
    let target: unknown = schema;
    for (const part of ref.slice(2).split('/')) target = (target as Record<string, unknown> | undefined)?.[part];
    out.push(...branches(schema, target, depth + 1));
  }
  for (const k of ['oneOf', 'anyOf', 'allOf']) {
    const list = n[k];
    if (Array.isArray(list)) for (const b of list) out.push(...branches(schema, b, depth + 1));
  }
  return out;
}
