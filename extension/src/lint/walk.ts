// Walking the copied syntax tree without recursion (a tree is at most MAX_DEPTH deep, but a walk per check should
// not spend the stack the dataflow needs).
import type { SyntaxNode } from './syntax';

/** Every node under `root` (root included) in document order; `enter` returning false skips a node's children. */
export function walk(root: SyntaxNode, visit: (n: SyntaxNode) => boolean | void): void {
  const stack: SyntaxNode[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (visit(n) === false) continue;
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
}
