// The Coccinelle form of lint rules 1-3 (lint/cocci/*.cocci) against the TypeScript lint: Debian's spatch
// (installed by run.sh) runs each semantic patch in report mode, with the options its `// Options:` line gives
// `make coccicheck`, over every file of the lint fixture corpus, the reference module and the Coccinelle-only
// fixtures, and reports exactly the findings the TypeScript lint reports for the same rule: same file, same line.
// The few deliberate differences are named in DIFFERENCES with their reason, and must keep happening.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { lintText } from '../../extension/src/lint/lint';
import { cParser } from '../../extension/src/lint/parse';
import { position } from '../../extension/src/lint/syntax';
import { wasmFiles } from '../../extension/src/lint/wasmFiles';
import { repoRoot } from './helper-process';

/** Each semantic patch and the TypeScript rule it states again. */
const SCRIPTS: ReadonlyMap<string, string> = new Map([
  ['netlink-free-after-send.cocci', 'skb-free-after-send'],
  ['netlink-alloc-unchecked.cocci', 'alloc-unchecked'],
  ['netlink-put-unchecked.cocci', 'put-unchecked'],
]);

/** Findings (`file:line: rule`) one side reports and the other deliberately does not, each with why. */
const DIFFERENCES: ReadonlyMap<string, string> = new Map([
  [
    'field-skb.c:17: alloc-unchecked',
    'Coccinelle only: an skb kept in a struct field; SmPL matches any expression, the TypeScript lint follows ' +
      'local variables and parameters',
  ],
]);

const scriptDir = path.join(repoRoot, 'lint', 'cocci');
const fixtureDir = path.join(repoRoot, 'test', 'fixtures', 'lint');
const corpus = [
  ...readdirSync(fixtureDir)
    .filter((f) => f.endsWith('.c'))
    .sort()
    .map((f) => path.join(fixtureDir, f)),
  path.join(repoRoot, 'kmod', 'nlreply.c'),
  path.join(repoRoot, 'test', 'fixtures', 'lint-cocci', 'field-skb.c'),
];
const work = mkdtempSync(path.join(tmpdir(), 'lint-cocci-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** The options a script asks `make coccicheck` for on its `// Options:` line. */
function scriptOptions(script: string): string[] {
  const m = /^\/\/ Options: (.*)$/m.exec(readFileSync(script, 'utf8'));
  return m ? m[1]!.trim().split(/\s+/) : [];
}

/** spatch in report mode over `target` (a file, or `--dir` and a folder); `file:line: rule` per finding. */
function spatch(script: string, rule: string, target: readonly string[]): string[] {
  const r = spawnSync(
    'spatch',
    ['-D', 'report', '--very-quiet', ...scriptOptions(script), '--sp-file', script, ...target],
    { encoding: 'utf8', timeout: 120_000, cwd: work },
  );
  assert.equal(r.error, undefined, `spatch: ${String(r.error)}`);
  assert.equal(r.status, 0, `spatch ${path.basename(script)} ${target.join(' ')}: ${r.stderr}`);
  const out: string[] = [];
  for (const line of r.stdout.split('\n')) {
    if (line === '') continue;
    const m = /^(.+?):(\d+):\d+-\d+: \S/.exec(line);
    assert.ok(m, `spatch printed a line that is no report: ${line}`);
    out.push(`${path.basename(m[1]!)}:${m[2]}: ${rule}`);
  }
  return out.sort();
}

/** The TypeScript lint's findings of `rule` in `file`, as `file:line: rule`. */
async function typescriptFindings(file: string, rule: string): Promise<string[]> {
  const parser = await cParser(wasmFiles(path.join(repoRoot, 'dist-none')));
  const r = lintText(parser, readFileSync(file, 'utf8'));
  return r.findings
    .filter((f) => f.rule === rule)
    .map((f) => `${path.basename(file)}:${position(r.lines, f.start).line}: ${f.rule}`)
    .sort();
}

function withoutDifferences(findings: readonly string[]): string[] {
  return findings.filter((f) => !DIFFERENCES.has(f));
}

for (const [name, rule] of SCRIPTS) {
  const script = path.join(scriptDir, name);
  test(`${name} reports what the TypeScript lint reports for ${rule}, file by file`, async () => {
    let total = 0;
    for (const file of corpus) {
      const cocci = spatch(script, rule, [file]);
      const ts = await typescriptFindings(file, rule);
      assert.deepEqual(withoutDifferences(cocci), withoutDifferences(ts), path.basename(file));
      total += cocci.length;
    }
    // The corpus has buggy variants of every rule: a script that reports nothing is broken, not clean.
    assert.ok(total >= 3, `${name}: ${total} findings on the corpus`);
  });
}

test('every listed difference between the two forms still happens', async () => {
  for (const key of DIFFERENCES.keys()) {
    const [file, , rule] = /^(.+?):(\d+): (.+)$/.exec(key)!.slice(1);
    const script = [...SCRIPTS].find(([, r]) => r === rule)![0];
    const full = corpus.find((f) => path.basename(f) === file)!;
    const cocci = spatch(path.join(scriptDir, script), rule!, [full]);
    const ts = await typescriptFindings(full, rule!);
    assert.notEqual(cocci.includes(key), ts.includes(key), `${key} is no longer a difference`);
  }
});

test('coccicheck-style run: spatch -D report --sp-file X.cocci --dir DIR finds what each file alone gives', () => {
  const tree = path.join(work, 'tree');
  const net = path.join(tree, 'net', 'demo');
  mkdirSync(net, { recursive: true });
  for (const f of ['free-after-send.c', 'alloc-unchecked.c', 'put-unchecked.c', 'kernel-patterns.c']) {
    copyFileSync(path.join(fixtureDir, f), path.join(net, f));
  }
  for (const [name, rule] of SCRIPTS) {
    const script = path.join(scriptDir, name);
    const perFile = readdirSync(net).flatMap((f) => spatch(script, rule, [path.join(net, f)]));
    const whole = spatch(script, rule, ['--dir', tree]);
    assert.ok(whole.length > 0, `${name} found nothing in the tree`);
    assert.deepEqual(whole, perFile.sort(), name);
  }
});

test('each script has the header scripts/coccinelle uses and the three modes coccicheck selects', () => {
  for (const name of SCRIPTS.keys()) {
    const text = readFileSync(path.join(scriptDir, name), 'utf8');
    assert.match(text, /^\/\/\/ \S/, `${name}: description`);
    assert.match(text, /^\/\/ Confidence: (High|Moderate|Low)$/m, `${name}: confidence`);
    assert.match(text, /^\/\/ Options: --no-includes --include-headers$/m, `${name}: options`);
    for (const mode of ['report', 'context', 'org']) {
      assert.match(text, new RegExp(`^virtual ${mode}$`, 'm'), `${name}: virtual ${mode}`);
    }
  }
  assert.deepEqual(
    readdirSync(scriptDir)
      .filter((f) => f.endsWith('.cocci'))
      .sort(),
    [...SCRIPTS.keys()].sort(),
    'every shipped script is held to the TypeScript lint',
  );
});

test('context and org modes mark the lines report mode names', () => {
  for (const [name, rule] of SCRIPTS) {
    const script = path.join(scriptDir, name);
    const file = path.join(fixtureDir, `${name.replace(/^netlink-|\.cocci$/g, '')}.c`);
    const reported = spatch(script, rule, [file]).map((f) => Number(/:(\d+):/.exec(f)![1]));
    assert.ok(reported.length > 0, `${name} finds nothing in ${file}`);
    const run = (mode: string): string =>
      spawnSync('spatch', ['-D', mode, '--very-quiet', ...scriptOptions(script), '--sp-file', script, file], {
        encoding: 'utf8',
        timeout: 120_000,
        cwd: work,
      }).stdout;
    // context: a diff whose '-' lines are the marked ones; their text is the fixture's line at that number.
    const lines = readFileSync(file, 'utf8').split('\n');
    const marked = run('context')
      .split('\n')
      .filter((l) => l.startsWith('-') && !l.startsWith('---'))
      .map((l) => l.slice(1));
    assert.deepEqual(marked.sort(), reported.map((n) => lines[n - 1]!).sort(), `${name} context`);
    // org: one TODO item per finding, pointing at the same line.
    const org = [...run('org').matchAll(/^\* TODO \[\[view:[^:]+::face=ovl-face1::linb=(\d+)::/gm)].map((m) =>
      Number(m[1]),
    );
    assert.deepEqual(org.sort(), [...reported].sort(), `${name} org`);
  }
});
