// Typed, located access to a parsed YAML spec. Every getter checks the value's type and, when it is wrong,
// records a problem with the YAML line and the spec path instead of throwing, so a bad spec still loads
// whatever is well-formed.
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  YAMLMap,
  type Document,
  type Node,
  type Pair,
} from 'yaml';
import { parseYaml } from './yamlDocument';

export interface YnlProblem {
  readonly message: string;
  /** 1-based line in the YAML text. */
  readonly line?: number;
  /** Where in the spec, e.g. `attribute-sets[link-attrs].attributes[ifname].type`. */
  readonly path?: string;
}

/** A YAML mapping together with the spec path that names it in problems. */
export interface SpecMap {
  readonly map: YAMLMap;
  readonly path: string;
}

/** Any YAML node (aliases already followed) with its spec path. */
export interface SpecNode {
  readonly node: Node | null;
  readonly path: string;
}

export class SpecReader {
  readonly problems: YnlProblem[] = [];
  /** Resolving an alias walks the whole document: each one is resolved once. */
  private readonly aliases = new Map<unknown, Node | null>();
  private readonly reported = new Set<string>();

  private constructor(
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  /** Parses `text`; YAML syntax errors become problems. `root` is absent when the text is not a mapping. */
  static parse(text: string): { reader: SpecReader; root?: SpecMap } {
    const lines = new LineCounter();
    const { doc, errors } = parseYaml(text, lines);
    const reader = new SpecReader(doc, lines);
    for (const error of errors)
      reader.problems.push({ message: `YAML: ${error.message}`, line: lines.linePos(error.offset).line });
    const contents = doc.contents;
    if (isMap(contents)) return { reader, root: { map: contents, path: '' } };
    // A document with syntax errors may still have a readable top-level mapping; without one there is nothing.
    reader.report(errors.length ? 'spec could not be read' : 'spec must be a YAML mapping', contents, '');
    return { reader };
  }

  /** Records a problem once: a value read at several steps of loading is reported the first time only. */
  report(message: string, node: Node | null | undefined, path: string): void {
    const line = this.lineOf(node);
    const key = `${line ?? ''}\u0000${path}\u0000${message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.problems.push({ message, ...(line !== undefined ? { line } : {}), ...(path ? { path } : {}) });
  }

  lineOf(node: Node | null | undefined): number | undefined {
    const start = node?.range?.[0];
    return start === undefined ? undefined : this.lines.linePos(start).line;
  }

  /** Follows an alias (`*name`) to the anchored node. */
  resolve(node: unknown): Node | null {
    if (isAlias(node)) {
      let target = this.aliases.get(node);
      if (target === undefined) {
        // Set before resolving: an alias that (wrongly) leads back to itself ends as null, not in a loop.
        this.aliases.set(node, null);
        target = this.resolve(node.resolve(this.doc) ?? null);
        this.aliases.set(node, target);
      }
      return target;
    }
    if (isMap(node) || isSeq(node) || isScalar(node)) return node;
    return null;
  }

  has(m: SpecMap, key: string): boolean {
    return findPair(m.map, key) !== undefined;
  }

  /** The value node under `key` (null for `key:` with nothing after it), or undefined when the key is absent. */
  get(m: SpecMap, key: string): SpecNode | undefined {
    const pair = findPair(m.map, key);
    if (!pair) return undefined;
    return { node: this.resolve(pair.value), path: join(m.path, key) };
  }

  asMap(n: SpecNode, what = 'a mapping'): SpecMap | undefined {
    if (isMap(n.node)) return { map: n.node, path: n.path };
    this.report(`expected ${what}`, n.node, n.path);
    return undefined;
  }

  mapAt(m: SpecMap, key: string): SpecMap | undefined {
    const n = this.get(m, key);
    if (!n || isNull(n.node)) return undefined;
    return this.asMap(n);
  }

  /** Items of the list under `key`; each item's path uses its `name` when it has one. */
  list(m: SpecMap, key: string, required = false): SpecNode[] {
    const n = this.get(m, key);
    if (!n || isNull(n.node)) {
      if (required) this.report(`missing "${key}"`, n?.node ?? m.map, join(m.path, key));
      return [];
    }
    if (!isSeq(n.node)) {
      this.report(`"${key}" must be a list`, n.node, n.path);
      return [];
    }
    return n.node.items.map((item, index) => {
      const node = this.resolve(item);
      return { node, path: `${n.path}[${itemLabel(node, index)}]` };
    });
  }

  /** Like `list`, but keeps only mappings (reporting the others). */
  maps(m: SpecMap, key: string, required = false): SpecMap[] {
    const out: SpecMap[] = [];
    for (const item of this.list(m, key, required)) {
      const map = this.asMap(item);
      if (map) out.push(map);
    }
    return out;
  }

  string(m: SpecMap, key: string, required = false): string | undefined {
    const n = this.get(m, key);
    if (!n || isNull(n.node)) {
      if (required) this.report(`missing "${key}"`, n?.node ?? m.map, join(m.path, key));
      return undefined;
    }
    if (isScalar(n.node) && typeof n.node.value === 'string') return n.node.value;
    this.report(`"${key}" must be a string`, n.node, n.path);
    return undefined;
  }

  /** A scalar read as text (numbers too), for values that are compared as strings. */
  text(m: SpecMap, key: string, required = false): string | undefined {
    const n = this.get(m, key);
    if (n && isScalar(n.node) && (typeof n.node.value === 'number' || typeof n.node.value === 'boolean')) {
      return String(n.node.value);
    }
    return this.string(m, key, required);
  }

  /** A non-negative integer. */
  integer(m: SpecMap, key: string): number | undefined {
    const n = this.get(m, key);
    if (!n || isNull(n.node)) return undefined;
    if (isScalar(n.node) && isUint(n.node.value)) return n.node.value;
    this.report(`"${key}" must be a non-negative integer`, n.node, n.path);
    return undefined;
  }

  /** A non-negative integer or a name (a `const` definition, resolved by the caller). */
  integerOrName(m: SpecMap, key: string): number | string | undefined {
    const n = this.get(m, key);
    if (!n || isNull(n.node)) return undefined;
    if (isScalar(n.node) && (isUint(n.node.value) || typeof n.node.value === 'string')) return n.node.value;
    this.report(`"${key}" must be a non-negative integer or a name`, n.node, n.path);
    return undefined;
  }

  boolean(m: SpecMap, key: string): boolean | undefined {
    const n = this.get(m, key);
    if (!n || isNull(n.node)) return undefined;
    if (isScalar(n.node) && typeof n.node.value === 'boolean') return n.node.value;
    this.report(`"${key}" must be true or false`, n.node, n.path);
    return undefined;
  }

  /** A string that must be one of `allowed`; anything else is reported and returned as undefined. */
  oneOf<T extends string>(m: SpecMap, key: string, allowed: readonly T[], required = false): T | undefined {
    const value = this.string(m, key, required);
    if (value === undefined) return undefined;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.report(
      `unknown ${key} "${value}" (expected ${allowed.join(', ')})`,
      this.get(m, key)?.node,
      join(m.path, key),
    );
    return undefined;
  }

  /** A copy of `base` with the pairs of `overlay` replacing those with the same keys (YNL `subset-of`). */
  overlay(base: SpecMap, overlay: SpecMap): SpecMap {
    const merged = new YAMLMap();
    const own = new Set(overlay.map.items.map((p) => keyOf(p)));
    for (const pair of base.map.items) if (!own.has(keyOf(pair))) merged.items.push(pair);
    for (const pair of overlay.map.items) merged.items.push(pair);
    // Line numbers of the overlay's own range: problems about the merged entry point at the subset's item.
    merged.range = overlay.map.range;
    return { map: merged, path: overlay.path };
  }
}

function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => isPair(p) && keyOf(p) === key);
}

function keyOf(pair: Pair): unknown {
  return isScalar(pair.key) ? pair.key.value : pair.key;
}

function isNull(node: Node | null): boolean {
  return node === null || (isScalar(node) && (node.value === null || node.value === undefined));
}

function isUint(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function itemLabel(node: Node | null, index: number): string {
  if (isMap(node)) {
    const name = node.get('name');
    if (typeof name === 'string' && name) return name;
  }
  if (isScalar(node) && typeof node.value === 'string') return node.value;
  return String(index);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

// Re-exported for callers that inspect scalar nodes (enum entries may be plain strings).
export { isScalar };
