// Decoded strings and spec names are shown, never obeyed: in the hover's Markdown (rendered here by a CommonMark
// renderer, as the editor would), in the plain text of the CLI and the decode report, and in inlay hint labels.
// The hostile strings come inside real message bytes (test/support/hostile.ts), decoded by the codec.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import MarkdownIt from 'markdown-it';
import {
  concatBytes,
  createRegistry,
  decodeMessages,
  encodeAttrs,
  encodeMessage,
  encodeString,
  renderMarkdown,
  renderText,
  toHex,
} from '../../extension/src/netlink/index';
import type { DecodedMessage, FamilyRegistry } from '../../extension/src/netlink/index';
import { loadYnlSpec } from '../../extension/src/netlink/ynl/index';
import { hoverAt, shortLabel } from '../../extension/src/server/hover';
import {
  extAckError,
  FENCE_AND_IMAGE,
  genlFamilyNamed,
  linkNamed,
  MARKDOWN_TEXT,
  moduleText,
  RAW_CONTROL,
  RETITLE,
} from '../support/hostile';

// html: true is more than a hover allows: raw HTML that got through would show here as a tag.
const commonMark = new MarkdownIt({ html: true, linkify: true });

/** The hover's Markdown as HTML, with what a reader would see as text. */
function rendered(markdown: string): { html: string; text: string; codeBlocks: string[] } {
  const html = commonMark.render(markdown);
  const codeBlocks = [...html.matchAll(/<pre><code[^>]*>([\s\S]*?)<\/code><\/pre>/g)].map((m) => unhtml(m[1]!));
  return { html, text: unhtml(html.replace(/<[^>]+>/g, '')), codeBlocks };
}

function unhtml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** No image, link, heading or raw HTML: nothing a capture wrote became Markdown. */
function assertInert(html: string): void {
  assert.doesNotMatch(html, /<img|<a[\s>]|<h\d|<script|<b>/, html);
}

function hover(bytes: Uint8Array, protocol = 0, registry: FamilyRegistry = createRegistry()): string {
  const hex = toHex(bytes);
  const answer = hoverAt(hex, 4, protocol, registry);
  assert.ok(answer, 'no hover');
  return answer.markdown;
}

const nlreply = loadYnlSpec(readFileSync(join(__dirname, '../../kmod/nlreply.yaml'), 'utf8'), 'nlreply.yaml').family!;

/** A workspace's spec file with hostile names: the family, an attribute (a fence and an image), an operation (a
 *  terminal title sequence and HTML); bound to genl id 0x21. */
const EVIL_ATTR = 'a\n```\n![i](http://127.0.0.1/i.png)';
const EVIL_OP = '\x1b]0;t\x07 <img src=x>';
function evilRegistry(): FamilyRegistry {
  const spec = loadYnlSpec(
    `name: "evil](http://127.0.0.1/f)"
protocol: genetlink
doc: hostile names
attribute-sets:
  -
    name: main
    attributes:
      - { name: ${JSON.stringify(EVIL_ATTR)}, type: string, value: 1 }
operations:
  list:
    - { name: ${JSON.stringify(EVIL_OP).replace('\\u001b', '\\e')}, value: 1, attribute-set: main, do: { request: { attributes: [ ${JSON.stringify(EVIL_ATTR)} ] } } }
`,
    'evil.yaml',
  );
  assert.deepEqual(spec.problems, []);
  const registry = createRegistry([spec.family!]);
  registry.bindGenlId(0x21, spec.family!.name);
  return registry;
}

/** A request of the evil family: its operation, with the hostile attribute holding "v". */
const evilRequest = encodeMessage(
  { type: 0x21, flags: 1, seq: 1, pid: 0 },
  concatBytes([Uint8Array.from([1, 1, 0, 0]), encodeAttrs([{ type: 1, payload: encodeString('v') }])]),
);

describe('hover Markdown', () => {
  it('keeps an ext-ack message with a fence and an image inside the code block, shown with \\n', () => {
    const markdown = hover(extAckError(FENCE_AND_IMAGE));
    const { html, codeBlocks } = rendered(markdown);
    assertInert(html);
    assert.equal(codeBlocks.length, 1, html);
    assert.ok(codeBlocks[0]!.includes('error -22 EINVAL: \\n```\\n![x](http://127.0.0.1/x.png)\\n'), codeBlocks[0]);
    assert.doesNotMatch(markdown, RAW_CONTROL);
  });

  it('uses a fence longer than any run of backticks in the decoded strings', () => {
    const name = 'a``````b';
    const markdown = hover(linkNamed(name));
    const { html, codeBlocks } = rendered(markdown);
    assert.equal(codeBlocks.length, 1, html);
    assert.ok(codeBlocks[0]!.includes(`IFLA_IFNAME = "${name}"`), codeBlocks[0]);
    assert.ok(markdown.includes('\n```````text\n'), markdown);
  });

  it('escapes a family name bound from a captured nlctrl reply where it lands outside code (table, heading)', () => {
    const name = 'fam](http://127.0.0.1/f) <b>x</b> *y* `z` | w\nnext';
    const markdown = hover(genlFamilyNamed(name), 16);
    const { html, text } = rendered(markdown);
    assertInert(html);
    assert.doesNotMatch(html, /<b>|<code>/, html);
    // The table keeps its six columns; the name reads as itself, its line break as \n.
    const row = html.split('<tr>').find((r) => r.includes('fam]'));
    assert.ok(row, html);
    assert.equal(row.split('<td').length - 1, 6, row);
    assert.ok(text.includes('fam](http://127.0.0.1/f) <b>x</b> *y* `z` | w\\nnext'), text);
  });

  it('escapes family, operation and attribute names from a YNL spec file (workspace content)', () => {
    const markdown = hover(evilRequest, 16, evilRegistry());
    const { html, text, codeBlocks } = rendered(markdown);
    assertInert(html);
    assert.doesNotMatch(markdown, RAW_CONTROL);
    assert.equal(codeBlocks.length, 1, html);
    assert.ok(codeBlocks[0]!.includes('a\\n```\\n![i](http://127.0.0.1/i.png) = "v"'), codeBlocks[0]);
    assert.ok(text.includes('evil](http://127.0.0.1/f) \\x1b]0;t\\x07 <img src=x>'), text);
  });

  it('shows a module text payload with Markdown and HTML as text', () => {
    const registry = createRegistry([nlreply]);
    const markdown = hover(moduleText(MARKDOWN_TEXT), 31, registry);
    const { html, codeBlocks } = rendered(markdown);
    assertInert(html);
    assert.equal(codeBlocks.length, 1);
    assert.ok(
      codeBlocks[0]!.includes(
        'text "\\n# Title\\n<img src=\\"http://127.0.0.1/y.png\\"> [link](http://127.0.0.1/) **bold** www.example.com"',
      ),
      codeBlocks[0],
    );
  });

  it('renders a dump whose type names are hostile without links in the summary line', () => {
    const messages = decodeMessages(
      concatBytes(Array.from({ length: 20 }, () => genlFamilyNamed('[a](http://127.0.0.1/)'))),
      { protocol: 16 },
    );
    const { html } = rendered(renderMarkdown(messages, 'test'));
    assertInert(html);
  });
});

describe('plain text (CLI, decode report)', () => {
  it('shows a terminal escape sequence in an interface name as \\x1b ... \\x07', () => {
    const text = renderText(decodeMessages(linkNamed(RETITLE), { protocol: 0 }));
    assert.doesNotMatch(text, RAW_CONTROL);
    assert.ok(text.includes('IFLA_IFNAME = "\\x1b]0;pwned\\x07"'), text);
  });

  it('shows every line break, bidi override and C1 control of an ext-ack message on its one line', () => {
    const message = 'a\nb\r\tc\u202ed\u0085e\u2028f\\g"h';
    const text = renderText(decodeMessages(extAckError(message), { protocol: 0 }));
    assert.doesNotMatch(text, RAW_CONTROL);
    assert.ok(text.includes('error -22 EINVAL: a\\nb\\r\\tc\\u{202e}d\\x85e\\u{2028}f\\\\g"h'), text);
  });
});

describe('inlay hint labels', () => {
  it('show a hostile operation name from a spec on one line', () => {
    const [m] = decodeMessages(evilRequest, { protocol: 16, registry: evilRegistry() });
    const label = shortLabel(m!);
    assert.doesNotMatch(label, RAW_CONTROL);
    assert.equal(label, '\\x1b]0;t\\x07 <img src=x> 28B');
  });

  it('show a long family name bound from a captured nlctrl reply on one line, cut short', () => {
    // A message of the bound family without its genlmsghdr: the label names it by the family.
    const bound = genlFamilyNamed(`${RETITLE}\n${'x'.repeat(500)}`);
    const bytes = concatBytes([
      bound.subarray(0, bound.length - 20),
      encodeMessage({ type: 0x20, flags: 0, seq: 2, pid: 0 }, new Uint8Array(0)),
    ]);
    const messages: DecodedMessage[] = decodeMessages(bytes, { protocol: 16 });
    const label = shortLabel(messages[1]!);
    assert.doesNotMatch(label, RAW_CONTROL);
    assert.ok(label.startsWith('\\x1b]0;pwned\\x07\\nxxx'), label);
    assert.ok(label.length < 64, label);
  });
});
