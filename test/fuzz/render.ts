// The renderer fuzz: decoded strings with line breaks, fences, backticks, Markdown, HTML, terminal escapes and bidi
// controls, in every place a capture can put one (ext-ack message, interface name, module text, a genl family
// name bound from nlctrl) and in dumps of many messages and attributes. Checks what each output may hold, not only
// that nothing throws:
// - hover Markdown, rendered by a CommonMark renderer: exactly one code block per expanded message and only the
//   renderer's own elements (no link, image, heading or HTML from the content); in the source, no unescaped `](`
//   outside code blocks and a fence line only where the renderer opened or closed one;
// - hover Markdown, plain text (CLI, decode report) and inlay hint labels: no control character but the line
//   break, no format or bidi character, no unpaired surrogate; labels short;
// - the CLI itself: no such character (no ESC) in its text output, every string exact in its --json output.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
import { shortLabel } from '../../extension/src/server/hover';
import { extAckError, genlFamilyNamed, linkNamed, moduleText, RAW_CONTROL } from '../support/hostile';
import type { HostileInput } from './samples';

const DETAILED = 4;
const commonMark = new MarkdownIt({ html: true, linkify: true });
const OWN_TAGS = new Set(['p', 'strong', 'em', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'pre', 'code']);
const nlreply = loadYnlSpec(readFileSync(join(__dirname, '../../kmod/nlreply.yaml'), 'utf8'), 'nlreply.yaml').family!;

/** The bytes and how to decode them. */
export function hostileBytes(input: HostileInput): { bytes: Uint8Array; protocol: number; registry: FamilyRegistry } {
  const { shape, text } = input;
  const repeat = (one: Uint8Array): Uint8Array => concatBytes(Array.from({ length: input.messages }, () => one));
  switch (shape) {
    case 'ext-ack':
      return { bytes: repeat(extAckError(text)), protocol: 0, registry: createRegistry() };
    case 'ifname':
      return { bytes: repeat(linkNamed(text)), protocol: 0, registry: createRegistry() };
    case 'module-text':
      return { bytes: repeat(moduleText(text)), protocol: 31, registry: createRegistry([nlreply]) };
    case 'genl-family': {
      // A member without its genlmsghdr too: the inlay hint then names it by the family.
      const bound = genlFamilyNamed(text);
      const bare = encodeMessage({ type: 0x20, flags: 0, seq: 9, pid: 0 }, new Uint8Array(0));
      return { bytes: concatBytes([bound, repeat(bare)]), protocol: 16, registry: createRegistry() };
    }
    case 'dump': {
      const ifinfo = new Uint8Array(16);
      const attrs = encodeAttrs(Array.from({ length: input.attrs }, () => ({ type: 3, payload: encodeString(text) })));
      return {
        bytes: repeat(encodeMessage({ type: 16, flags: 2, seq: 1, pid: 1 }, concatBytes([ifinfo, attrs]))),
        protocol: 0,
        registry: createRegistry(),
      };
    }
  }
}

/** Is s[i] escaped by an odd number of backslashes before it? */
function escapedAt(s: string, i: number): boolean {
  let n = 0;
  for (let k = i - 1; k >= 0 && s.charCodeAt(k) === 92; k--) n++;
  return n % 2 === 1;
}

/** The Markdown's lines outside code blocks, checking that fences appear only as the renderer writes them. */
function proseLines(markdown: string, expanded: number): string[] {
  const prose: string[] = [];
  let fence = '';
  let opened = 0;
  for (const line of markdown.split('\n')) {
    if (fence === '') {
      const open = /^(`{3,})text$/.exec(line);
      if (open) {
        fence = open[1]!;
        opened++;
        continue;
      }
      assert.doesNotMatch(line, /^ {0,3}(`{3,}|~{3,})/, `a fence the renderer did not open: ${JSON.stringify(line)}`);
      prose.push(line);
    } else if (line === fence) {
      fence = '';
    } else {
      // Inside: nothing may close the block early (a run of at least as many backticks alone on a line).
      assert.doesNotMatch(
        line,
        new RegExp(`^ {0,3}\`{${fence.length},}\\s*$`),
        `closes the fence early: ${JSON.stringify(line)}`,
      );
    }
  }
  assert.equal(fence, '', 'a code block left open');
  assert.equal(opened, expanded, 'code blocks');
  return prose;
}

export function checkHostile(input: HostileInput): void {
  const { bytes, protocol, registry } = hostileBytes(input);
  const messages: DecodedMessage[] = decodeMessages(bytes, { protocol, registry });
  const expanded = Math.min(messages.length, DETAILED);

  const markdown = renderMarkdown(messages, 'fuzz');
  assert.doesNotMatch(markdown, RAW_CONTROL, 'raw control character in the Markdown');
  for (const line of proseLines(markdown, expanded)) {
    for (let i = line.indexOf(']('); i >= 0; i = line.indexOf('](', i + 1)) {
      assert.ok(escapedAt(line, i), `link syntax outside code: ${JSON.stringify(line)}`);
    }
  }
  const html = commonMark.render(markdown);
  assert.equal(html.split('<pre>').length - 1, expanded, 'code blocks in the rendered hover');
  for (const [, tag] of html.matchAll(/<([a-zA-Z][\w-]*)/g))
    assert.ok(OWN_TAGS.has(tag!.toLowerCase()), `<${tag}> in the rendered hover`);
  assert.ok(html.split('<em>').length - 1 <= 1, 'emphasis from the content');

  const text = renderText(messages);
  assert.doesNotMatch(text, RAW_CONTROL, 'raw control character in the text');
  for (const m of messages) {
    const label = shortLabel(m);
    assert.doesNotMatch(label, RAW_CONTROL, 'raw control character in an inlay hint');
    assert.ok(label.length <= 80, `inlay hint of ${label.length} characters`);
  }
}

/**
 * The decode CLI on many hostile inputs at once (one process): its text output holds no control character but
 * line breaks (no ESC reaches a terminal), and --json gives back every decoded string exactly as the codec read it.
 */
export function checkCli(inputs: readonly HostileInput[]): void {
  const chosen = inputs.filter((i) => i.shape === 'ext-ack' || i.shape === 'ifname').map(hostileBytes);
  const stdin = chosen.map((c) => `${toHex(c.bytes)}\n\n`).join('');
  const cli = join(__dirname, '../../extension/src/cli.ts');
  const run = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', cli, 'decode', ...args], {
      input: stdin,
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      timeout: 600_000,
    });
  const text = run([]);
  assert.equal(text.status, 0, text.stderr);
  assert.doesNotMatch(text.stdout, RAW_CONTROL, 'raw control character in the CLI text output');
  const json = run(['--json']);
  assert.equal(json.status, 0, json.stderr);
  const strings = (m: DecodedMessage): string[] => [
    ...(m.error?.message !== undefined ? [m.error.message] : []),
    ...m.attrs.flatMap((a) => (typeof a.value === 'string' && a.kind === 'string' ? [a.value] : [])),
  ];
  const expected = chosen.flatMap((c) => decodeMessages(c.bytes, { protocol: 0 }).flatMap(strings));
  const got = (JSON.parse(json.stdout) as DecodedMessage[]).flatMap(strings);
  assert.deepEqual(got, expected, '--json changed a decoded string');
}
