// A YAML document as a small tree of plain values that remember where they stood (1-based line and column),
// so every check of an exercise file can name the place it refers to. Aliases are followed; syntax errors are
// returned located, like every other problem.
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Document, type Node } from 'yaml';
import { parseYaml } from '../netlink/ynl/yamlDocument';

export interface Place {
  readonly line: number;
  readonly col: number;
}

export type TreeNode = TreeScalar | TreeMap | TreeSeq;

export interface TreeScalar extends Place {
  readonly kind: 'scalar';
  /** YAML 1.2 core schema values: strings, numbers, booleans, null. */
  readonly value: string | number | boolean | null;
  /** Written in quotes: "5" is text, 5 a number. */
  readonly quoted: boolean;
  /** The characters as written, for hex numbers (0x1f) and error messages. */
  readonly source: string;
}

export interface TreeMap extends Place {
  readonly kind: 'map';
  readonly entries: ReadonlyMap<string, { readonly key: Place; readonly value: TreeNode }>;
}

export interface TreeSeq extends Place {
  readonly kind: 'seq';
  readonly items: readonly TreeNode[];
}

export interface TreeProblem extends Place {
  readonly message: string;
}

export function parseTree(text: string): { root?: TreeNode; problems: TreeProblem[] } {
  const lines = new LineCounter();
  const { doc, errors } = parseYaml(text, lines);
  const problems: TreeProblem[] = [];
  const at = (offset: number | undefined): Place => {
    if (offset === undefined) return { line: 1, col: 1 };
    const p = lines.linePos(offset);
    return { line: p.line, col: p.col };
  };
  for (const e of errors) problems.push({ ...at(e.offset), message: `YAML: ${e.message}` });
  if (problems.length > 0) return { problems };
  const seen = new Set<unknown>();
  const convert = (node: unknown): TreeNode => {
    let n = node;
    if (isAlias(n)) n = n.resolve(doc as Document) ?? null;
    const place = at((n as Node | null)?.range?.[0]);
    if (isMap(n)) {
      if (seen.has(n)) return { kind: 'scalar', value: null, quoted: false, source: '', ...place };
      seen.add(n);
      const entries = new Map<string, { key: Place; value: TreeNode }>();
      for (const pair of n.items) {
        const key = pair.key;
        const keyPlace = at((key as Node | null)?.range?.[0]);
        if (!isScalar(key) || (typeof key.value !== 'string' && typeof key.value !== 'number')) {
          problems.push({ ...keyPlace, message: 'keys must be plain words' });
          continue;
        }
        entries.set(String(key.value), { key: keyPlace, value: convert(pair.value) });
      }
      seen.delete(n);
      return { kind: 'map', entries, ...place };
    }
    if (isSeq(n)) {
      if (seen.has(n)) return { kind: 'scalar', value: null, quoted: false, source: '', ...place };
      seen.add(n);
      const items = n.items.map(convert);
      seen.delete(n);
      return { kind: 'seq', items, ...place };
    }
    if (isScalar(n)) {
      const v = n.value;
      const value =
        typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null ? v : String(v);
      const quoted = n.type === 'QUOTE_DOUBLE' || n.type === 'QUOTE_SINGLE';
      const range = n.range;
      const source = range ? text.slice(range[0], range[1]) : String(v);
      return { kind: 'scalar', value, quoted, source, ...place };
    }
    return { kind: 'scalar', value: null, quoted: false, source: '', ...place };
  };
  return { root: convert(doc.contents), problems };
}

export function describe(node: TreeNode): string {
  if (node.kind === 'map') return 'a mapping';
  if (node.kind === 'seq') return 'a list';
  if (node.value === null) return 'nothing';
  return typeof node.value === 'string' ? `"${node.value}"` : String(node.value);
}
