// The quick fixes' edits applied to the lint fixtures: the fixed finding is gone, no other finding appears, and the
// code still parses (no more syntax errors than before). The seed's textbook code is clean after its two fixes.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { quickFix, type QuickFix } from '../../extension/src/lint/fixes';
import { lintText, type LintOutput } from '../../extension/src/lint/lint';
import { cParser } from '../../extension/src/lint/parse';
import type { SyntaxNode } from '../../extension/src/lint/syntax';
import { walk } from '../../extension/src/lint/walk';
import { wasmFiles } from '../../extension/src/lint/wasmFiles';

const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'lint');

async function lint(text: string): Promise<LintOutput> {
  const r = lintText(await cParser(wasmFiles(join(root, 'dist-none'))), text);
  assert.deepEqual(
    r.errors.map((e) => e.message),
    [],
  );
  return r;
}

function apply(text: string, fix: QuickFix): string {
  let out = text;
  for (const e of [...fix.edits].sort((a, b) => b.start - a.start))
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

function syntaxErrors(tree: SyntaxNode | undefined): number {
  let n = 0;
  if (tree) walk(tree, (x) => void (x.type === 'ERROR' || x.missing ? n++ : 0));
  return n;
}

const rules = (r: LintOutput): string[] => r.findings.map((f) => f.rule).sort();

test('seed textbook: both findings have a fix, and the fixed code is clean', async () => {
  const text = readFileSync(join(fixtures, 'seed-textbook.c'), 'utf8');
  let r = await lint(text);
  assert.deepEqual(rules(r), ['payload-as-string', 'skb-free-after-send']);
  let fixed = text;
  // One at a time, re-linted in between: the edits' offsets belong to the text they were made on.
  for (const rule of ['skb-free-after-send', 'payload-as-string']) {
    const f = r.findings.find((x) => x.rule === rule)!;
    const fix = quickFix(r.root!, fixed, f);
    assert.ok(fix, `a fix for ${rule}`);
    fixed = apply(fixed, fix);
    r = await lint(fixed);
  }
  assert.deepEqual(rules(r), []);
  assert.equal(syntaxErrors(r.root), 0);
  assert.match(
    fixed,
    /printk\(KERN_INFO "Netlink received msg payload:%\.\*s\\n", nlmsg_len\(nlh\), \(char \*\)nlmsg_data\(nlh\)\);/,
  );
  assert.doesNotMatch(fixed, /kfree_skb\(skb_out\); \/\* expect/);
  assert.match(fixed, /printk\(KERN_INFO "Error while sending back to user\\n"\);\n\t\}\n\}/);
});

test('alloc-unchecked: the check returns -ENOMEM from an int function, plain return from void', async () => {
  const text = readFileSync(join(fixtures, 'alloc-unchecked.c'), 'utf8');
  const r = await lint(text);
  const first = r.findings.find((f) => f.rule === 'alloc-unchecked')!;
  const fix = quickFix(r.root!, text, first)!;
  assert.ok(fix);
  const fixed = apply(text, fix);
  assert.match(fixed, /struct sk_buff \*skb = nlmsg_new\(32, GFP_ATOMIC\);\n\tif \(!skb\)\n\t\treturn -ENOMEM;\n/);
  const loop = r.findings.find(
    (f) =>
      f.rule === 'alloc-unchecked' &&
      text.slice(f.start, f.end) === 'skb' &&
      text.lastIndexOf('au_loop', f.start) > text.lastIndexOf('au_put_at_once', f.start),
  );
  const loopFix = loop && quickFix(r.root!, text, loop);
  assert.ok(loopFix);
  assert.match(apply(text, loopFix), /skb = alloc_skb\(128, GFP_ATOMIC\);\n\t\tif \(!skb\)\n\t\t\treturn;\n/);
});

test('an unsigned result gets no -ENOMEM fix', async () => {
  const text = readFileSync(join(fixtures, 'alloc-unchecked.c'), 'utf8');
  const r = await lint(text);
  const deref = r.findings.find(
    (f) => f.rule === 'alloc-unchecked' && text.slice(f.start - 40, f.start).includes('unsigned int len'),
  );
  assert.ok(deref);
  assert.equal(quickFix(r.root!, text, deref), undefined);
});

for (const file of readdirSync(fixtures)
  .filter((f) => f.endsWith('.c'))
  .sort()) {
  test(`fixture ${file}: each quick fix removes its finding, adds none, keeps the code parsing`, async () => {
    const text = readFileSync(join(fixtures, file), 'utf8');
    const before = await lint(text);
    for (const f of before.findings) {
      const fix = quickFix(before.root!, text, f);
      if (!fix) continue;
      const after = await lint(apply(text, fix));
      const was = rules(before);
      was.splice(was.indexOf(f.rule), 1);
      // The fixed finding is gone; a second finding of the same rule on the same variable may go with it.
      const now = rules(after);
      for (const rule of new Set(now)) {
        const count = (xs: string[]): number => xs.filter((x) => x === rule).length;
        assert.ok(
          count(now) <= count(was),
          `${file}: fixing ${f.rule} at ${f.start} left ${rule} ${count(now)} times, expected at most ${count(was)}`,
        );
      }
      assert.ok(
        syntaxErrors(after.root) <= syntaxErrors(before.root),
        `${file}: fix of ${f.rule} at ${f.start} parses`,
      );
    }
  });
}
