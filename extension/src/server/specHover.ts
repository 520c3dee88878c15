// Hover text for a name in a YNL spec (specIndex.ts): what it is, its `doc`, its type and the keys that shape it,
// and for a set, enum, struct or sub-message what it holds. Numbers (attribute types, enum values) are the spec
// loader's, so the hover shows what the decoder uses. Every string from the file goes through markdownText: a
// spec cannot write Markdown (links, HTML, tables) into the hover.
import { isMap, isScalar, isSeq, type YAMLMap } from 'yaml';
import { cutText } from '../netlink/escape';
import { markdownText } from '../netlink/render/markdown';
import type { FamilyDef } from '../netlink/types';
import { entries, stringAt, type SpecIndex, type SpecSymbol } from './specIndex';

/** Rows of a table (entries, attributes, members) shown before "… and N more". */
const MAX_ROWS = 64;
/** Characters of a `doc` shown. */
const MAX_DOC = 2000;

export interface SpecHover {
  readonly markdown: string;
  readonly start: number;
  readonly end: number;
}

/** The hover for the name at `offset`, or undefined when no defined name is there. */
export function specHoverAt(index: SpecIndex, family: FamilyDef | undefined, offset: number): SpecHover | undefined {
  const at = index.occurrenceAt(offset);
  const symbol = at && index.symbols.get(at.key);
  if (!at || !symbol) return undefined;
  return { markdown: describe(symbol, family), start: at.start, end: at.end };
}

export function describe(symbol: SpecSymbol, family: FamilyDef | undefined): string {
  const e = symbol.entry;
  const owner =
    symbol.kind === 'attribute'
      ? ` of set ${md(symbol.scope)}`
      : symbol.kind === 'struct member'
        ? ` of ${md(symbol.scope)}`
        : '';
  const type = stringAt(e, 'type');
  const parts = [`**${symbol.kind}** ${md(symbol.name)}${owner}${type !== undefined ? ` — ${md(type)}` : ''}`];
  const facts = factsOf(symbol, family);
  if (facts.length > 0) parts.push(facts.map(([k, v]) => `- ${md(k)}: ${md(v)}`).join('\n'));
  const doc = docOf(e);
  if (doc) parts.push(doc);
  const table = tableOf(symbol, family);
  if (table) parts.push(table);
  return parts.join('\n\n');
}

/** Scalar keys worth a line of their own, per kind (name, type and doc are shown elsewhere). */
const FACT_KEYS: Readonly<Partial<Record<SpecSymbol['kind'], readonly string[]>>> = {
  attribute: [
    'nested-attributes',
    'enum',
    'enum-as-flags',
    'struct',
    'sub-message',
    'selector',
    'sub-type',
    'multi-attr',
    'byte-order',
    'display-hint',
  ],
  'struct member': ['len', 'enum', 'byte-order', 'display-hint'],
  'attribute set': ['subset-of', 'name-prefix'],
  enum: ['value-start', 'header'],
  struct: ['header'],
  const: ['value', 'header'],
  operation: ['attribute-set', 'fixed-header', 'value', 'notify', 'mcgrp'],
  'multicast group': ['value'],
};

function factsOf(symbol: SpecSymbol, family: FamilyDef | undefined): [string, string][] {
  const out: [string, string][] = [];
  if (symbol.kind === 'attribute') {
    const value = attributeValue(family, symbol.scope, symbol.name);
    if (value !== undefined) out.push(['attribute type number', String(value)]);
  }
  for (const key of FACT_KEYS[symbol.kind] ?? []) {
    const v = scalarText(symbol.entry.get(key, true));
    if (v !== undefined) out.push([key, v]);
  }
  const checks = symbol.entry.get('checks', true);
  if (isMap(checks)) {
    const shown = checks.items.map((p) => `${scalarText(p.key) ?? '?'} ${scalarText(p.value) ?? '…'}`).join(', ');
    if (shown) out.push(['checks', shown]);
  }
  const modes = ['do', 'dump', 'event'].filter((m) => symbol.kind === 'operation' && symbol.entry.has(m));
  if (modes.length > 0) out.push(['has', modes.join(', ')]);
  return out;
}

function tableOf(symbol: SpecSymbol, family: FamilyDef | undefined): string | undefined {
  const e = symbol.entry;
  switch (symbol.kind) {
    case 'enum': {
      const flags = stringAt(e, 'type') === 'flags';
      const values = new Map([...(family?.enums.get(symbol.name)?.entries ?? [])].map(([v, n]) => [n, v] as const));
      const rows = enumEntries(e).map(({ name, doc }) => {
        const v = values.get(name);
        return [v === undefined ? '?' : flags ? `0x${v.toString(16)}` : String(v), name, doc];
      });
      return table([flags ? 'mask' : 'value', 'entry', 'doc'], rows);
    }
    case 'attribute set': {
      const set = stringAt(e, 'subset-of') ?? symbol.name;
      const rows = entries(e.get('attributes', true)).map((a) => {
        const name = stringAt(a, 'name') ?? '?';
        const v = attributeValue(family, set, name);
        const detail = ['nested-attributes', 'enum', 'struct', 'sub-message']
          .map((k) => stringAt(a, k))
          .find((x) => x !== undefined);
        return [v === undefined ? '?' : String(v), name, stringAt(a, 'type') ?? '', detail ?? ''];
      });
      return table(['type number', 'attribute', 'type', 'of'], rows);
    }
    case 'struct': {
      const rows = entries(e.get('members', true)).map((m) => [
        stringAt(m, 'name') ?? '?',
        stringAt(m, 'type') ?? '',
        scalarText(m.get('len', true)) ?? '',
      ]);
      return table(['member', 'type', 'len'], rows);
    }
    case 'sub-message': {
      const rows = entries(e.get('formats', true)).map((f) => [
        scalarText(f.get('value', true)) ?? '?',
        stringAt(f, 'attribute-set') ?? '',
        stringAt(f, 'fixed-header') ?? '',
      ]);
      return table(['selector value', 'attribute set', 'fixed header'], rows);
    }
    case 'attribute':
    case 'struct member':
    case 'const':
    case 'operation':
    case 'multicast group':
      return undefined;
  }
}

function enumEntries(e: YAMLMap): { name: string; doc: string }[] {
  const list = e.get('entries', true);
  if (!isSeq(list)) return [];
  return list.items.map((item) => {
    if (isMap(item)) return { name: stringAt(item, 'name') ?? '?', doc: oneLine(stringAt(item, 'doc') ?? '') };
    return { name: scalarText(item) ?? '?', doc: '' };
  });
}

function attributeValue(family: FamilyDef | undefined, set: string, name: string): number | undefined {
  const byType = family?.attrSets.get(set)?.byType;
  if (!byType) return undefined;
  for (const [type, attr] of byType) if (attr.name === name) return type;
  return undefined;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string | undefined {
  if (rows.length === 0) return undefined;
  const line = (cells: readonly string[]): string => `| ${cells.map((c) => md(cutText(c, 120))).join(' | ')} |`;
  const out = [line(header), `|${header.map(() => ' --- |').join('')}`];
  for (const row of rows.slice(0, MAX_ROWS)) out.push(line(row));
  if (rows.length > MAX_ROWS) out.push('', `… and ${rows.length - MAX_ROWS} more`);
  return out.join('\n');
}

/** The entry's `doc` as Markdown paragraphs: the spec's blank lines separate them, its line breaks are spaces. */
function docOf(e: YAMLMap): string | undefined {
  const doc = stringAt(e, 'doc');
  if (!doc?.trim()) return undefined;
  return cutText(doc.trim(), MAX_DOC)
    .split(/\n\s*\n/)
    .map((p) => md(oneLine(p)))
    .join('\n\n');
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function scalarText(node: unknown): string | undefined {
  return isScalar(node) && node.value !== null && node.value !== undefined && typeof node.value !== 'object'
    ? String(node.value as string | number | boolean)
    : undefined;
}

function md(s: string): string {
  return markdownText(s);
}
