// Which documents the language server lints (netlink.lint.enabled / netlink.lint.files), and where a diagnostic's
// rule id links to.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { DEFAULT_SETTINGS, type ServerSettings } from '../../extension/src/protocol/languageServer';
import { lintsDocument, ruleHref } from '../../extension/src/server/lintWatch';

const settings = (over: Partial<ServerSettings> = {}): ServerSettings => ({
  ...DEFAULT_SETTINGS,
  workspaceFolders: ['/work/space'],
  ...over,
});

test('by default: C documents inside a workspace folder only', () => {
  const s = settings();
  assert.equal(lintsDocument(s, 'file:///work/space/kmod/nlreply.c', 'c'), true);
  assert.equal(lintsDocument(s, 'file:///work/space/include/x.h', 'cpp'), true, 'a header, whatever its language id');
  assert.equal(lintsDocument(s, 'file:///work/space/notes.txt', 'plaintext'), false);
  assert.equal(lintsDocument(s, 'file:///work/spacecraft/a.c', 'c'), false, 'a sibling folder sharing the prefix');
  assert.equal(lintsDocument(s, 'file:///usr/src/linux/net/core/rtnetlink.c', 'c'), false);
  assert.equal(lintsDocument(s, 'untitled:Untitled-1', 'c'), false);
});

test("'all' lints every C document; disabled lints none", () => {
  assert.equal(lintsDocument(settings({ lintFiles: 'all' }), 'file:///usr/src/linux/net/core/rtnetlink.c', 'c'), true);
  assert.equal(lintsDocument(settings({ lintFiles: 'all' }), 'untitled:Untitled-1', 'c'), true);
  assert.equal(lintsDocument(settings({ lintEnabled: false }), 'file:///work/space/kmod/nlreply.c', 'c'), false);
});

test("a rule's link is its section of the shipped docs/lint-rules.md", () => {
  const root = join(__dirname, '..', '..');
  const href = ruleHref(root, 'skb-free-after-send');
  const url = new URL(href);
  assert.equal(url.hash, '#skb-free-after-send');
  assert.ok(existsSync(fileURLToPath(url)), href);
});
