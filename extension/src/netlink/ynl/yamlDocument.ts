// YAML text to a parsed document and its errors, for the spec loader and the exercise parser. A key repeated in a
// mapping is an error, found here in one pass: the parser's own check (its uniqueKeys option) compares each key
// with every earlier key of the mapping, so a workspace file of one large mapping (100,000 keys fit in 1 MiB)
// took minutes to read.
import { isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';

export interface YamlError {
  /** The first line of the parser's message. */
  readonly message: string;
  /** Where in the text (LineCounter.linePos gives its line). */
  readonly offset: number;
}

export function parseYaml(text: string, lines: LineCounter): { doc: Document.Parsed; errors: YamlError[] } {
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const errors: YamlError[] = doc.errors.map((e) => ({ message: e.message.split('\n')[0] ?? '', offset: e.pos[0] }));
  visit(doc, {
    Map(_, map) {
      // Scalar keys by value, as the parser compares them; collections as keys are never the same key.
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = pair.key;
        if (!isScalar(key)) continue;
        if (seen.has(key.value)) errors.push({ message: 'Map keys must be unique', offset: key.range?.[0] ?? 0 });
        else seen.add(key.value);
      }
    },
  });
  // In text order, as the parser reports its own.
  errors.sort((a, b) => a.offset - b.offset);
  return { doc, errors };
}
