// The syntax tree the checks walk: a plain copy of tree-sitter's tree, made once per file through a cursor. Reading
// tree-sitter's own nodes costs a call into WASM per property; the checks read each node many times (the dataflow
// revisits statements until a fixpoint), so they read plain objects instead.
import type { Tree } from 'web-tree-sitter';

export interface SyntaxNode {
  readonly type: string;
  /** The grammar's field name of this node in its parent (`function`, `arguments`, `condition`...), or null. */
  readonly field: string | null;
  /** UTF-16 offsets into the source text. */
  readonly start: number;
  readonly end: number;
  /** Named children, plus the anonymous ones that carry a field (operators). */
  readonly children: SyntaxNode[];
  /** A token tree-sitter inserted to recover from an error (e.g. the `;` after an iterator macro's call). */
  readonly missing: boolean;
  parent: SyntaxNode | null;
}

/** Raised for input the linter refuses (too large, too deep, too slow): located at `offset` of the text. */
export class LintInputError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * Nesting deeper than this is refused: the checks walk expressions recursively, and no kernel code comes close
 * (the deepest function in net/ and drivers/net/ of 6.12 nests well under 100).
 */
export const MAX_DEPTH = 800;

/** Parents whose operator token (an anonymous child) the checks read. */
const OPERATOR_PARENTS = new Set([
  'binary_expression',
  'unary_expression',
  'assignment_expression',
  'field_expression',
  'pointer_expression',
  'update_expression',
]);

/**
 * Copies the tree; iterative, so a deeply nested input cannot overflow the stack here. Every cursor property is a
 * call into WASM, so an anonymous token (half the nodes) costs only the questions its parent needs answered: the
 * operator of an expression, the `;` tree-sitter had to invent after an iterator macro's call.
 */
export function copyTree(tree: Tree): SyntaxNode {
  const cursor = tree.walk();
  const types = tree.language.types;
  const fields = tree.language.fields;
  try {
    const root: SyntaxNode = {
      type: cursor.nodeType,
      field: null,
      start: cursor.startIndex,
      end: cursor.endIndex,
      children: [],
      missing: false,
      parent: null,
    };
    const stack: SyntaxNode[] = [root];
    if (!cursor.gotoFirstChild()) return root;
    for (;;) {
      const parent = stack[stack.length - 1]!;
      let node: SyntaxNode | null = null;
      if (cursor.nodeIsNamed) {
        node = {
          type: types[cursor.nodeTypeId] ?? 'ERROR',
          field: fields[cursor.currentFieldId] ?? null,
          start: cursor.startIndex,
          end: cursor.endIndex,
          children: [],
          missing: false,
          parent,
        };
      } else if (OPERATOR_PARENTS.has(parent.type)) {
        const field = fields[cursor.currentFieldId] ?? null;
        if (field !== null) {
          const start = cursor.startIndex;
          node = {
            type: types[cursor.nodeTypeId] ?? '',
            field,
            start,
            end: cursor.endIndex,
            children: [],
            missing: false,
            parent,
          };
        }
      } else if (parent.type === 'expression_statement' && cursor.nodeIsMissing) {
        const start = cursor.startIndex;
        node = { type: ';', field: null, start, end: start, children: [], missing: true, parent };
      }
      if (node) parent.children.push(node);
      if (node && node.children !== undefined && cursor.gotoFirstChild()) {
        if (stack.length >= MAX_DEPTH) throw new LintInputError(`nesting deeper than ${MAX_DEPTH} levels`, node.start);
        stack.push(node);
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return root;
        stack.pop();
        if (stack.length === 0) return root;
      }
    }
  } finally {
    cursor.delete();
  }
}

export function child(node: SyntaxNode, field: string): SyntaxNode | undefined {
  return node.children.find((c) => c.field === field);
}

/** The node without the parentheses and casts around it. */
export function unwrap(node: SyntaxNode): SyntaxNode {
  let n = node;
  for (;;) {
    if (n.type === 'parenthesized_expression' && n.children.length === 1) n = n.children[0]!;
    else if (n.type === 'cast_expression') {
      const v = child(n, 'value');
      if (!v) return n;
      n = v;
    } else return n;
  }
}

/** Line starts of a text, for offset -> line/column. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line and column (UTF-16 units) of an offset. */
export function position(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}
