// The spec editor's names (server/specIndex.ts, specHover.ts, specCompletion.ts): definitions, references, hovers
// and completion on the kernel's own specs (linux-source-6.12) and on a fixture with the harder YAML forms;
// half-typed and broken files answer without an exception.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parse } from 'yaml';
import { loadYnlSpec } from '../../extension/src/netlink/ynl/index';
import { enclosingKeys, schemaEnum, specCompletions } from '../../extension/src/server/specCompletion';
import { specHoverAt } from '../../extension/src/server/specHover';
import { SpecIndex } from '../../extension/src/server/specIndex';
import { FIXTURES } from '../fixtures/ynl/load-fixture';

const CACHE = process.env.NETLINK_CACHE ?? resolve(FIXTURES, '../../../.cache');
const NETLINK_DOCS = join(CACHE, 'ynl-specs-6.12/linux-source-6.12/Documentation/netlink');
const SPECS = join(NETLINK_DOCS, 'specs');
const skip = existsSync(SPECS) ? false : `kernel YNL specs not in ${SPECS}; run: bash test/fixtures/ynl/fetch-specs.sh`;

const kernelSpec = (name: string): string => readFileSync(join(SPECS, name), 'utf8');
const schemaOf = (protocol: string): Record<string, unknown> =>
  parse(readFileSync(join(NETLINK_DOCS, `${protocol}.yaml`), 'utf8'), { uniqueKeys: false }) as Record<string, unknown>;

/** The offset of `needle` (the n-th one after `from`) plus `into`. */
function at(text: string, needle: string, into = 0, from = 0): number {
  const i = text.indexOf(needle, from);
  assert.ok(i >= 0, `"${needle}" in the text`);
  return i + into;
}

/** The line (0-based) of an offset and the text of that line. */
function lineAt(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const end = text.indexOf('\n', offset);
  return text.slice(start, end < 0 ? undefined : end);
}

/** Offsets of lines matching `re` at the position of its group 1 (independent of the index). */
function matches(text: string, re: RegExp): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(new RegExp(re.source, 'gm'))) out.push(m.index + m[0].lastIndexOf(m[1]!));
  return out;
}

function defined(index: SpecIndex, text: string, offset: number): string | undefined {
  const s = index.symbolAt(offset);
  return s ? `${s.kind} ${text.slice(s.start, s.end)} @ ${lineAt(text, s.start).trim()}` : undefined;
}

describe('spec names in the kernel specs', { skip }, () => {
  it('netdev: sets, enums and an operation attribute list resolve to their definitions, scoped by set', () => {
    const text = kernelSpec('netdev.yaml');
    const ix = SpecIndex.build(text);
    const nested = at(text, 'nested-attributes: page-pool-info', 20);
    assert.equal(defined(ix, text, nested), 'attribute set page-pool-info @ name: page-pool-info');
    const enumUse = at(text, 'enum: xdp-act', 7);
    assert.equal(defined(ix, text, enumUse), 'enum xdp-act @ name: xdp-act');
    // dev-get lists `ifindex`: dev's attribute, not page-pool's of the same name.
    const devGet = at(text, 'name: dev-get');
    const listed = at(text, '- ifindex', 2, devGet);
    const target = ix.symbolAt(listed);
    assert.equal(target?.kind, 'attribute');
    assert.equal(target?.scope, 'dev');
    assert.ok(target!.start < at(text, 'name: page-pool\n'), 'the definition is in the dev set, before page-pool');
    // The definition's own name is on its definition, and the cursor just after a name still counts.
    assert.equal(ix.symbolAt(target!.start)?.name, 'ifindex');
    assert.equal(ix.symbolAt(listed + 'ifindex'.length)?.name, 'ifindex');
    assert.equal(ix.symbolAt(at(text, 'doc: netdev ifindex', 3)), undefined, 'a doc is no name');
  });

  it('ethtool: the references of a set are every `attribute-set:` / `nested-attributes:` naming it', () => {
    const text = kernelSpec('ethtool.yaml');
    const ix = SpecIndex.build(text);
    const uses = matches(text, /^ *(?:attribute-set|nested-attributes): (header) *$/);
    assert.ok(uses.length >= 20, `${uses.length} uses`);
    const found = ix.referencesAt(uses[0]!, false).map((o) => o.start);
    assert.deepEqual(found, uses);
    const withDefinition = ix.referencesAt(uses[0]!, true);
    assert.equal(withDefinition.length, uses.length + 1);
    assert.equal(lineAt(text, withDefinition.find((o) => o.definition)!.start).trim(), 'name: header');
    for (const o of withDefinition) assert.equal(text.slice(o.start, o.end), 'header');
  });

  it('rt-link: sub-messages, selectors, fixed headers, subsets and header fields in attribute lists', () => {
    const text = kernelSpec('rt_link.yaml');
    const ix = SpecIndex.build(text);
    const subUse = at(text, 'sub-message: linkinfo-data-msg', 13);
    assert.equal(defined(ix, text, subUse), 'sub-message linkinfo-data-msg @ name: linkinfo-data-msg');
    const selector = at(text, 'selector: kind', 10);
    const kind = ix.symbolAt(selector);
    assert.equal(kind?.kind, 'attribute');
    assert.equal(kind?.scope, 'linkinfo-attrs');
    assert.equal(defined(ix, text, at(text, 'fixed-header: ifinfomsg', 14)), 'struct ifinfomsg @ name: ifinfomsg');
    assert.equal(
      defined(ix, text, at(text, 'subset-of: link-attrs', 11)),
      'attribute set link-attrs @ name: link-attrs',
    );
    // newlink's request lists ifinfomsg's ifi-index among link-attrs' attributes.
    const member = ix.symbolAt(at(text, '- ifi-index', 3, at(text, 'name: newlink')));
    assert.equal(member?.kind, 'struct member');
    assert.equal(member?.scope, 'ifinfomsg');
    // A name of a subset's entry is its base set's attribute.
    const subset = at(text, 'subset-of: link-attrs');
    const restated = ix.symbolAt(at(text, 'name: ', 6, subset));
    assert.equal(restated?.kind, 'attribute');
    assert.equal(restated?.scope, 'link-attrs');
  });

  it('every use in the 19 specs resolves, but for the names the kernel specs themselves leave undefined', () => {
    const files = readdirSync(SPECS).filter((f) => f.endsWith('.yaml'));
    assert.equal(files.length, 19);
    const dangling: string[] = [];
    let uses = 0;
    for (const f of files) {
      const text = kernelSpec(f);
      const ix = SpecIndex.build(text);
      for (const o of ix.occurrences) {
        const [kind, scope, name] = o.key.split('\u0000');
        assert.equal(text.slice(o.start, o.end), name, `${f}: the range holds the name`);
        if (o.definition) continue;
        uses++;
        if (!ix.symbols.has(o.key)) dangling.push(`${f}: ${kind} ${scope}.${name}`);
      }
    }
    assert.ok(uses > 2000, `${uses} uses`);
    // Operation lists naming attributes their set lacks (a kernel spec's own slips in 6.12).
    assert.deepEqual([...new Set(dangling)].sort(), [
      'nftables.yaml: attribute gen-attrs.name',
      'nftables.yaml: attribute rule-attrs.name',
      'nftables.yaml: attribute setelem-list-attrs.name',
      'rt_link.yaml: attribute link-attrs.if-netnsid',
      'tc.yaml: attribute tca-stats-attrs.kind',
    ]);
  });

  it('hovers: an enum with its masks, a set with its attribute numbers, an attribute with type, checks and doc', () => {
    const text = kernelSpec('netdev.yaml');
    const ix = SpecIndex.build(text);
    const family = loadYnlSpec(text, 'netdev.yaml').family;
    const onEnum = specHoverAt(ix, family, at(text, 'enum: xdp-act', 7))!;
    assert.match(onEnum.markdown, /^\*\*enum\*\* xdp\\-act — flags/);
    assert.match(onEnum.markdown, /\| 0x1 \| basic \| XDP features set supported by all drivers/);
    assert.match(onEnum.markdown, /\| 0x4 \| ndo\\-xmit \|/);
    assert.equal(text.slice(onEnum.start, onEnum.end), 'xdp-act');
    const onSet = specHoverAt(ix, family, at(text, 'attribute-set: dev\n', 15))!.markdown;
    assert.match(onSet, /^\*\*attribute set\*\* dev/);
    assert.match(onSet, /\| 1 \| ifindex \| u32 \|/);
    assert.match(onSet, /\| 3 \| xdp\\-features \| u64 \| xdp\\-act \|/);
    const onAttr = specHoverAt(ix, family, at(text, '- ifindex', 3, at(text, 'name: dev-get')))!.markdown;
    assert.match(onAttr, /^\*\*attribute\*\* ifindex of set dev — u32/);
    assert.match(onAttr, /attribute type number: 1/);
    assert.match(onAttr, /checks: min 1/);
    assert.match(onAttr, /netdev ifindex/);
  });

  it('rt-link hovers: a sub-message lists its formats, a struct its members', () => {
    const text = kernelSpec('rt_link.yaml');
    const ix = SpecIndex.build(text);
    const family = loadYnlSpec(text, 'rt_link.yaml').family;
    const sub = specHoverAt(ix, family, at(text, 'sub-message: linkinfo-data-msg', 13))!.markdown;
    assert.match(sub, /\| bond \| linkinfo\\-bond\\-attrs \|/);
    const struct = specHoverAt(ix, family, at(text, 'fixed-header: ifinfomsg', 14))!.markdown;
    assert.match(struct, /^\*\*struct\*\* ifinfomsg/);
    assert.match(struct, /\| ifi\\-index \| s32 \|/);
  });

  it("completion: set, enum and sub-message names, an operation's attributes, and the schema's types by place", () => {
    const text = kernelSpec('netdev.yaml');
    const ix = SpecIndex.build(text);
    const schema = schemaOf('genetlink');
    const setsPart = text.slice(at(text, '\nattribute-sets:'), at(text, '\noperations:'));
    const setNames = [...setsPart.matchAll(/^ {2}-\n {4}name: ([\w-]+)$/gm)].map((m) => m[1]);
    const afterNested = at(text, 'nested-attributes: page-pool-info', 19);
    const sets = specCompletions(ix, text, afterNested, schema)!;
    assert.deepEqual(
      sets.items.map((i) => i.label),
      ix.symbolsOf('attribute set').map((s) => s.name),
    );
    assert.ok(setNames.length > 0 && setNames.every((n) => sets.items.some((i) => i.label === n)));
    assert.equal(sets.start, afterNested);
    assert.equal(sets.end, afterNested + 'page-pool-info'.length, 'the whole word under the cursor is replaced');
    const enums = specCompletions(ix, text, at(text, 'enum: xdp-act', 6), schema)!;
    assert.deepEqual(
      enums.items.map((i) => i.label),
      ['xdp-act', 'xdp-rx-metadata', 'xsk-flags', 'queue-type', 'qstats-scope'],
    );
    // In dev-get's request list: the dev set's attributes.
    const inList = specCompletions(ix, text, at(text, '- ifindex', 2, at(text, 'name: dev-get')), schema)!;
    assert.deepEqual(
      inList.items.map((i) => i.label),
      ix.symbolsOf('attribute', 'dev').map((s) => s.name),
    );
    // `type:` of an attribute: the schema's attribute types; of a definition: const, enum, flags.
    const attrType = specCompletions(ix, text, at(text, '        type: u32', 14), schema)!.items.map((i) => i.label);
    assert.ok(attrType.includes('u32') && attrType.includes('nest') && attrType.includes('indexed-array'));
    assert.ok(!attrType.includes('flags'));
    const defType = specCompletions(ix, text, at(text, '    type: flags', 10), schema)!.items.map((i) => i.label);
    assert.deepEqual(defType, ['const', 'enum', 'flags']);
    // Not in value positions: nothing.
    assert.equal(specCompletions(ix, text, at(text, 'doc: netdev ifindex', 8), schema), undefined);
  });

  it("netlink-raw: its schema's struct types for `type:` of a member, sub-message names after `sub-message:`", () => {
    const text = kernelSpec('rt_link.yaml');
    const ix = SpecIndex.build(text);
    const schema = schemaOf('netlink-raw');
    const memberType = at(text, 'type: u8', 6, at(text, 'name: ifinfomsg'));
    assert.deepEqual(enclosingKeys(text, text.lastIndexOf('\n', memberType) + 1, 8), ['definitions', 'members']);
    const types = specCompletions(ix, text, memberType, schema)!.items.map((i) => i.label);
    assert.deepEqual(types, schemaEnum(schema, ['definitions', 'members', 'type']));
    assert.ok(types.includes('u8') && types.includes('binary'));
    const subs = specCompletions(ix, text, at(text, 'sub-message: linkinfo-data-msg', 13), schema)!;
    assert.deepEqual(
      subs.items.map((i) => i.label),
      ['linkinfo-data-msg', 'linkinfo-member-data-msg'],
    );
  });
});

describe('spec names in a fixture', () => {
  const text = readFileSync(join(FIXTURES, 'nav-features.yaml'), 'utf8');
  const ix = SpecIndex.build(text);

  it('flow maps, quoted names, a const in checks, an enum and an attribute of the same name', () => {
    assert.equal(defined(ix, text, at(text, 'nested-attributes: inner', 19)), 'attribute set inner @ - name: inner');
    assert.equal(
      defined(ix, text, at(text, 'checks: { max-len: max-len', 20)),
      'const max-len @ - { name: max-len, type: const, value: 32 }',
    );
    assert.equal(defined(ix, text, at(text, 'enum: colour', 6)), 'enum colour @ - name: colour');
    assert.equal(ix.symbolAt(at(text, 'enum: colour', 6))?.kind, 'enum');
    const attr = ix.symbolAt(at(text, '[ label, colour ]', 9));
    assert.equal(`${attr?.kind} ${attr?.scope}`, 'attribute outer');
    const quoted = ix.symbolsOf('attribute', 'inner')[0]!;
    assert.equal(text.slice(quoted.start, quoted.end), 'quoted-name', 'inside its quotes');
    assert.equal(defined(ix, text, at(text, 'notify: get', 8)), 'operation get @ - name: get');
    assert.equal(defined(ix, text, at(text, 'mcgrp: events', 7)), 'multicast group events @ - name: events');
    // The subset restates outer's label: a reference to it, found with the others.
    const label = ix.referencesAt(at(text, '[ label', 2), true);
    assert.equal(label.length, 3);
  });

  it('offsets are UTF-16 code units, as LSP positions count them', () => {
    const use = at(text, 'nested-attributes: inner', 19);
    const o = ix.occurrenceAt(use)!;
    assert.equal(text.slice(o.start, o.end), 'inner');
    const doc = TextDocument.create('file:///x.yaml', 'yaml', 1, text);
    const pos = doc.positionAt(o.start);
    const line = doc.getText({ start: { line: pos.line, character: 0 }, end: { line: pos.line + 1, character: 0 } });
    // "😀" is two code units: the column is the JS index within the line.
    assert.equal(pos.character, line.indexOf('nested-attributes: inner') + 19);
    assert.ok(line.includes('😀') && pos.character > [...line.slice(0, pos.character)].length);
  });

  it('hover text from the file is escaped: no HTML, link or emphasis from a doc reaches the Markdown', () => {
    const md = specHoverAt(ix, loadYnlSpec(text, 'x').family, at(text, 'enum: colour', 6))!.markdown;
    assert.ok(!/(?<!\\)[<>[\]()*|]/.test(md.split('\n\n')[1]!), md);
    assert.match(md, /\\<img src\\=x onerror\\=alert\\\(1\\\)\\>/);
    assert.match(md, /\| 0 \| red \|  \|/);
    assert.match(md, /\| 1 \| green \| grün 😀 \|/);
  });

  it("completion in a flow list and in a block list of an operation offers its set's attributes", () => {
    const flow = specCompletions(ix, text, at(text, '[ label, colour ]', 9))!;
    assert.deepEqual(
      flow.items.map((i) => i.label),
      ['inner-nest', 'label', 'colour', 'flags'],
    );
    const block = specCompletions(ix, text, at(text, '- flags', 2))!;
    assert.deepEqual(block.items, flow.items);
  });
});

describe('half-typed and broken specs', () => {
  const fixture = readFileSync(join(FIXTURES, 'nav-features.yaml'), 'utf8');

  it('a value being typed at the end of the file: the names, the partial word replaced', () => {
    for (const [tail, labels] of [
      ['      - name: x\n        type: nest\n        nested-attributes: ou', ['outer', 'inner', 'outer-subset']],
      ['      - name: x\n        type: u8\n        enum: ', ['colour', 'mode-flags']],
      ['      - name: x\n        type: u8\n        enum:', undefined],
    ] as const) {
      const text = fixture.replace('  - name: inner\n', `${tail}\n  - name: inner\n`);
      const cursor = at(text, tail) + tail.length;
      const c = specCompletions(SpecIndex.build(text), text, cursor);
      assert.deepEqual(
        c?.items.map((i) => i.label),
        labels,
        tail,
      );
      if (c) assert.equal(text.slice(c.start, cursor), /\S*$/.exec(tail)![0].replace(/.*: ?/, ''));
    }
  });

  it("an operation list item being typed still finds its operation's set", () => {
    const text = fixture.replace('            - flags\n', '            - flags\n            - \n');
    const cursor = at(text, '            - \n') + 14;
    const c = specCompletions(SpecIndex.build(text), text, cursor);
    assert.deepEqual(
      c?.items.map((i) => i.label),
      ['inner-nest', 'label', 'colour', 'flags'],
    );
  });

  it('every prefix of a spec, and syntax errors: index, hover and completion at many places, no exception', () => {
    const text = kernelSpecOr(fixture);
    const step = Math.max(1, Math.floor(text.length / 60));
    for (let cut = 0; cut <= text.length; cut += step) {
      const part = text.slice(0, cut);
      const ix = SpecIndex.build(part);
      for (const offset of [0, cut >> 1, cut]) {
        specHoverAt(ix, undefined, offset);
        specCompletions(ix, part, offset);
        ix.referencesAt(offset, true);
      }
    }
    for (const broken of [
      'name: x\nattribute-sets:\n  - name: a\n    attributes: [ { name: b, nested-attributes: a\n',
      'name: x\nattribute-sets:\n\t- name: a\n  attributes: : :\n',
      'name: x\nattribute-sets: *nowhere\noperations: { list: [ { name: o, attribute-set: [1] } ] }\n',
      'name: x\ndefinitions: 5\nattribute-sets: "a"\noperations: [1, 2]\n',
      `name: x\nattribute-sets: ${'['.repeat(20_000)}\n`,
    ]) {
      const ix = SpecIndex.build(broken);
      const family = loadYnlSpec(broken, 'b').family;
      for (let offset = 0; offset <= broken.length; offset += Math.max(7, broken.length >> 6)) {
        specHoverAt(ix, family, offset);
        specCompletions(ix, broken, offset);
      }
    }
  });

  it('a large spec (thousands of sets and uses) is indexed and answered', () => {
    const sets = Array.from(
      { length: 4000 },
      (_, i) =>
        `  - name: s${i}\n    attributes:\n      - name: a\n        type: nest\n        nested-attributes: s${(i + 1) % 4000}\n`,
    ).join('');
    const text = `name: big\nprotocol: genetlink\nattribute-sets:\n${sets}`;
    const ix = SpecIndex.build(text);
    assert.equal(ix.symbolsOf('attribute set').length, 4000);
    const use = at(text, 'nested-attributes: s17\n', 19);
    assert.equal(ix.symbolAt(use)?.name, 's17');
    assert.equal(ix.referencesAt(use, true).length, 2);
    assert.equal(specCompletions(ix, text, use)?.items.length, 4000);
  });
});

function kernelSpecOr(fallback: string): string {
  return skip ? fallback : kernelSpec('netdev.yaml');
}
