// parseHexText stops at the first error and keeps nothing per byte or per run: each 2.7 MB input runs in a child
// process with a 24 MB heap, which the parser fits only if it does not read past an early error (or, on valid
// input, if many tiny runs cost no objects of their own). The result holds the error or one byte array, nothing else.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const CHILD = join(__dirname, '../support/strict-parse-child.ts');
const HEAP_MB = 24;

interface ChildResult {
  input: number;
  keys: string[];
  error?: string;
  offset?: number;
  bytes?: number;
  isUint8Array?: boolean;
  ms: number;
}

function parseInChild(name: string): ChildResult {
  const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--import', 'tsx', CHILD, name], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(
    r.status,
    0,
    `${name}: ${
      r.stderr
        .split('\n')
        .filter((l) => /FATAL|heap|Error/.test(l))
        .join('\n') || r.stderr
    }`,
  );
  return JSON.parse(r.stdout) as ChildResult;
}

describe(`parseHexText on 2.7 MB in a ${HEAP_MB} MB heap`, () => {
  const early: [string, string][] = [
    ['typo-then-words', 'unexpected character "g" in "4g"'],
    ['stray-then-lines', 'unexpected character "z"'],
    ['bad-char-then-colons', 'unexpected character "%"'],
  ];
  for (const [name, error] of early) {
    it(`reports the error at character 6 without reading on: ${name}`, () => {
      const r = parseInChild(name);
      assert.ok(r.input > 2_600_000);
      assert.deepEqual(r.keys, ['error', 'offset']);
      assert.equal(r.error, error);
      assert.equal(r.offset, 6);
      // A bound the old parser missed by orders of magnitude (seconds); the new one takes milliseconds.
      assert.ok(r.ms < 1000, `${r.ms} ms`);
    });
  }

  it('parses 540,000 one-word lines into one byte array', () => {
    const r = parseInChild('valid-word-lines');
    assert.deepEqual(r.keys, ['bytes']);
    assert.equal(r.bytes, 1_080_000);
    assert.equal(r.isUint8Array, true);
  });
});
