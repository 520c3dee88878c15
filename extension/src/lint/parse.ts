// C source -> syntax tree, with tree-sitter's C grammar (WASM). Bounded: a size cap, a parse deadline (tree-sitter
// checks the progress callback while it works), a nesting cap (syntax.ts). The runtime and the grammar are loaded
// once per process from the .wasm files the caller locates (wasmFiles.ts: next to the bundle, or node_modules).
import { Language, Parser } from 'web-tree-sitter';
import { copyTree, LintInputError, type SyntaxNode } from './syntax';

export interface WasmFiles {
  /** web-tree-sitter's runtime, tree-sitter.wasm. */
  readonly runtime: string;
  /** The C grammar, tree-sitter-c.wasm. */
  readonly grammar: string;
}

/** Larger files are refused: the largest .c file of the kernel's net/ and drivers/net/ is about 1 MB. */
export const MAX_SOURCE_CHARS = 4 * 1024 * 1024;
/** A parse that takes longer is abandoned (a 3,000-line file parses in a few ms). */
export const PARSE_TIMEOUT_MS = 5000;

let ready: Promise<Parser> | undefined;

/** The one parser of this process, with the C grammar set. */
export function cParser(files: WasmFiles): Promise<Parser> {
  ready ??= (async () => {
    await Parser.init({ locateFile: () => files.runtime });
    const c = await Language.load(files.grammar);
    const parser = new Parser();
    parser.setLanguage(c);
    return parser;
  })();
  return ready;
}

/** Parses C text; throws LintInputError for input it refuses. */
export function parseC(parser: Parser, text: string): SyntaxNode {
  if (text.length > MAX_SOURCE_CHARS)
    throw new LintInputError(`larger than ${MAX_SOURCE_CHARS / (1024 * 1024)} MiB of text`, MAX_SOURCE_CHARS);
  const nul = text.indexOf('\0');
  if (nul >= 0) throw new LintInputError('binary data (a NUL character), not C source', nul);
  const deadline = Date.now() + PARSE_TIMEOUT_MS;
  let reached = 0;
  const tree = parser.parse(text, null, {
    progressCallback: (state) => {
      reached = state.currentOffset;
      return Date.now() > deadline;
    },
  });
  if (!tree) {
    // A cancelled parse would resume on the next call: start the next file afresh.
    parser.reset();
    throw new LintInputError(`parse gave up after ${PARSE_TIMEOUT_MS / 1000} s`, Math.floor(reached / 2));
  }
  try {
    return copyTree(tree);
  } finally {
    tree.delete();
  }
}
