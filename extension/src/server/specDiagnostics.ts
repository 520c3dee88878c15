// Diagnostics for YNL spec files in the editor: the loader's own problems (what the decoder would refuse or
// misread) and the kernel's JSON schema for the spec's `protocol:` (Documentation/netlink/genetlink*.yaml,
// netlink-raw.yaml), validated with ajv. Each problem is placed on the YAML node it is about, through the yaml
// package's document API (it keeps every node's source range). Kept free of LSP types, like hover.ts.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { loadYnlSpec } from '../netlink/ynl/index';

export interface SpecDiagnostic {
  /** 0-based, like LSP positions. */
  readonly line: number;
  readonly character: number;
  readonly endLine: number;
  readonly endCharacter: number;
  readonly message: string;
  readonly severity: 'error' | 'warning';
  /** `ynl` for the loader, `ynl-schema` for the kernel's schema. */
  readonly source: 'ynl' | 'ynl-schema';
}

export const SPEC_PROTOCOLS = ['genetlink', 'genetlink-c', 'genetlink-legacy', 'netlink-raw'] as const;
export type SpecProtocol = (typeof SPEC_PROTOCOLS)[number];

/**
 * A YNL spec, not any YAML: top-level `name:` with `protocol:` (a value the kernel's schemas know) or with
 * `operations:` / `attribute-sets:` (`protocol` defaults to genetlink, as in dpll.yaml). Read from the text's
 * start only: a YAML file that is no spec costs no parse.
 */
export function ynlProtocolOf(text: string): SpecProtocol | undefined {
  const head = text.slice(0, 65536);
  if (!/^name:/m.test(head)) return undefined;
  const protocol = /^protocol:\s*([\w-]+)\s*(?:#.*)?$/m.exec(head)?.[1];
  if (protocol !== undefined) return SPEC_PROTOCOLS.find((p) => p === protocol);
  return /^(?:operations|attribute-sets):/m.test(head) ? 'genetlink' : undefined;
}

/** One compiled validator per schema text (the kernel's schemas are a few KB and rarely change). */
const compiled = new Map<string, ValidateFunction>();

function validatorFor(schema: Record<string, unknown>, key: string): ValidateFunction {
  let v = compiled.get(key);
  if (!v) {
    // The kernel's schemas name draft-07 without its trailing '#', and genetlink.yaml reuses the $id of
    // genetlink-legacy.yaml: each gets an instance of its own, without those two keys.
    const { $schema: _schema, $id: _id, ...body } = schema;
    v = new Ajv({ allErrors: true, strict: false, validateSchema: false }).compile(body);
    compiled.set(key, v);
  }
  return v;
}

function rangeOf(node: Node | null | undefined, lines: LineCounter, textLength: number) {
  const [start, valueEnd] = node?.range ?? [0, Math.min(textLength, 1)];
  const s = lines.linePos(start);
  const e = lines.linePos(Math.max(valueEnd, start));
  return { line: s.line - 1, character: s.col - 1, endLine: e.line - 1, endCharacter: e.col - 1 };
}

/** The node an ajv instance path names (`/attribute-sets/0/attributes/2/type`), or its nearest parent that exists. */
function nodeAt(doc: Document, instancePath: string, key?: string): Node | null {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = doc.contents;
  let found = node as Node | null;
  for (const part of [...parts, ...(key !== undefined ? [key] : [])]) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === part);
      if (!pair) break;
      // A missing or unknown key is best shown on the key itself.
      node = part === key && isScalar(pair.key) ? pair.key : pair.value;
    } else if (isSeq(node)) node = node.items[Number(part)];
    else break;
    if (node && typeof node === 'object' && 'range' in node) found = node as Node;
  }
  // Not the whole document for a problem of the top level (a missing key): its first key's line.
  const root = doc.contents;
  if (found === root && isMap(root) && isScalar(root.items[0]?.key)) return root.items[0].key;
  return found;
}

function schemaMessage(e: ErrorObject): string {
  const where = e.instancePath === '' ? 'the spec' : e.instancePath.slice(1).replace(/\//g, '.');
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `${where}: "${String(params['additionalProperty'])}" is not a key the schema allows here`;
    case 'required':
      return `${where}: missing "${String(params['missingProperty'])}"`;
    case 'enum':
      return `${where}: ${e.message ?? 'not an allowed value'}: ${(params['allowedValues'] as unknown[]).join(', ')}`;
    default:
      return `${where}: ${e.message ?? e.keyword}`;
  }
}

/**
 * Problems of a spec text. `schema` is the kernel's schema for the spec's protocol when one was found (from the
 * opened tree or the spec folders); without it only the loader's problems are reported.
 */
export function specDiagnostics(
  text: string,
  source: string,
  schema?: { readonly key: string; readonly body: Record<string, unknown> },
): SpecDiagnostic[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: false, uniqueKeys: false });
  const out: SpecDiagnostic[] = [];
  for (const p of loadYnlSpec(text, source).problems) {
    const line = (p.line ?? 1) - 1;
    out.push({
      line,
      character: 0,
      endLine: line,
      endCharacter: Number.MAX_SAFE_INTEGER >>> 11, // the whole line: clients clamp to its end
      message: p.path ? `${p.path}: ${p.message}` : p.message,
      severity: 'error',
      source: 'ynl',
    });
  }
  if (schema && doc.errors.length === 0) {
    const validate = validatorFor(schema.body, schema.key);
    if (!validate(doc.toJS({ maxAliasCount: 100 }))) {
      // allErrors lists one failure per branch of a oneOf/anyOf; the branch failures say more than the summary.
      const seen = new Set<string>();
      for (const e of validate.errors ?? []) {
        if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if') continue;
        const message = schemaMessage(e);
        if (seen.has(message)) continue;
        seen.add(message);
        const params = e.params as Record<string, unknown>;
        const key = e.keyword === 'additionalProperties' ? String(params['additionalProperty']) : undefined;
        out.push({
          ...rangeOf(nodeAt(doc, e.instancePath, key), lines, text.length),
          message,
          severity: 'error',
          source: 'ynl-schema',
        });
      }
    }
  }
  return out;
}
