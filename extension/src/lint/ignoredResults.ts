// Rule put-unchecked, its syntactic half: a header, nest or attribute put whose result is thrown away (a statement
// of its own). The dataflow (ownership.ts) handles results that are stored and then used unchecked.
import type { FindingSet } from './findings';
import { isAttrPut, PUTS } from './kernelApi';
import { child, type SyntaxNode } from './syntax';
import { walk } from './walk';

export function checkIgnoredPuts(body: SyntaxNode, text: string, out: FindingSet): void {
  walk(body, (n) => {
    if (n.type !== 'expression_statement') return;
    const call = n.children[0];
    if (call?.type !== 'call_expression') return false;
    const fn = child(call, 'function');
    if (fn?.type !== 'identifier') return false;
    const name = text.slice(fn.start, fn.end);
    if (isAttrPut(name) || PUTS.has(name))
      out.add({
        rule: 'put-unchecked',
        start: call.start,
        end: call.end,
        message: `the result of ${name}() is ignored: when the skb has no room the message goes out without it`,
      });
    return false;
  });
}
