// The lint fixture corpus (test/fixtures/lint/*.c): every `/* expect: rule[, rule] */` comment is a finding the
// linter must report on that line, and the linter must report nothing else. The reference module (kmod/nlreply.c)
// is held to "no findings at all"; the seed's textbook code must be flagged by rules 1 and 5.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintText } from '../../extension/src/lint/lint';
import { RULES } from '../../extension/src/lint/rules';
import { cParser } from '../../extension/src/lint/parse';
import { position } from '../../extension/src/lint/syntax';
import { wasmFiles } from '../../extension/src/lint/wasmFiles';

const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'lint');
const files = readdirSync(fixtures)
  .filter((f) => f.endsWith('.c'))
  .sort();

function expected(text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /\/\* expect: ([\w, -]+) \*\//.exec(line);
    if (m) for (const rule of m[1]!.split(',')) out.push(`${i + 1}: ${rule.trim()}`);
  });
  return out.sort();
}

async function found(text: string): Promise<string[]> {
  const parser = await cParser(wasmFiles(join(root, 'dist-none')));
  const r = lintText(parser, text);
  assert.deepEqual(
    r.errors.map((e) => e.message),
    [],
    'no input errors',
  );
  return r.findings.map((f) => `${position(r.lines, f.start).line}: ${f.rule}`).sort();
}

for (const file of files) {
  test(`lint fixture ${file}: exactly the expected findings`, async () => {
    const text = readFileSync(join(fixtures, file), 'utf8');
    assert.deepEqual(await found(text), expected(text));
  });
}

test('the fixture corpus has at least 30 functions and buggy variants of every rule', () => {
  let functions = 0;
  const rules = new Set<string>();
  for (const file of files) {
    const text = readFileSync(join(fixtures, file), 'utf8');
    functions += (text.match(/^static [^;=]*\(/gm) ?? []).length;
    for (const e of expected(text)) rules.add(e.split(': ')[1]!);
  }
  assert.ok(functions >= 30, `${functions} functions`);
  assert.deepEqual([...rules].sort(), [
    'alloc-unchecked',
    'error-without-extack',
    'missing-end',
    'payload-as-string',
    'put-unchecked',
    'skb-free-after-send',
    'skb-leak',
  ]);
});

test('the reference module kmod/nlreply.c is clean under every rule', async () => {
  assert.deepEqual(await found(readFileSync(join(root, 'kmod', 'nlreply.c'), 'utf8')), []);
});

test("the seed's textbook code is flagged by rules 1 and 5", async () => {
  const rules = (await found(readFileSync(join(fixtures, 'seed-textbook.c'), 'utf8'))).map((f) => f.split(': ')[1]);
  assert.deepEqual([...new Set(rules)].sort(), ['payload-as-string', 'skb-free-after-send']);
});

test("docs/lint-rules.md explains every rule with the table's own words", () => {
  const doc = readFileSync(join(root, 'docs', 'lint-rules.md'), 'utf8');
  for (const r of RULES) {
    assert.ok(doc.includes(`\n## ${r.id}\n`), `heading for ${r.id}`);
    assert.ok(doc.includes(r.explanation), `explanation of ${r.id}`);
  }
});
