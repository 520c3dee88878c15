// parseHexText: strict parse of user-given hex (CLI arguments, builder input) with located errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseHexText } from '../../extension/src/netlink/scan/index';

function bytesOf(text: string): string {
  const r = parseHexText(text);
  assert.ok('bytes' in r, `expected bytes for ${JSON.stringify(text)}, got ${JSON.stringify(r)}`);
  return Array.from(r.bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function errorOf(text: string): { error: string; offset: number } {
  const r = parseHexText(text);
  assert.ok('error' in r, `expected an error for ${JSON.stringify(text)}`);
  return r;
}

describe('accepted input', () => {
  test('every form, short input included (no length rule for what the user typed)', () => {
    assert.equal(bytesOf('3c'), '3c');
    assert.equal(bytesOf('3c00'), '3c 00');
    assert.equal(bytesOf('  3C 00 00 00\n10 00 05 03\n'), '3c 00 00 00 10 00 05 03');
    assert.equal(bytesOf('0x3c00'), '3c 00');
    assert.equal(bytesOf('deadbeef'), 'de ad be ef');
    assert.equal(bytesOf('0x3c, 0x00, 0x10'), '3c 00 10');
    assert.equal(
      bytesOf('static const unsigned char msg[] = {\n  0x3c, 0x00, // len\n  0x10, 0x00\n};\n'),
      '3c 00 10 00',
    );
    assert.equal(bytesOf('{ 0x01, 0x02 }'), '01 02');
    assert.equal(bytesOf('"\\x3c\\x00\\x00\\x00abc"'), '3c 00 00 00 61 62 63');
    assert.equal(bytesOf('\\x3c\\x00'), '3c 00');
    assert.equal(bytesOf('3c:00:10:00'), '3c 00 10 00');
    assert.equal(
      bytesOf('00000000  3c 00 10 00                                       |<...|\n00000004\n'),
      '3c 00 10 00',
    );
    assert.equal(bytesOf('00000000: 3c00 1000  <...'), '3c 00 10 00');
  });

  test('several blocks are concatenated in order', () => {
    assert.equal(bytesOf('3c 00 00 00\n\n10 00 05 03'), '3c 00 00 00 10 00 05 03');
  });

  test('a cut strace string parses, marked truncated', () => {
    const r = parseHexText('"\\x14\\x00\\x00\\x00"...');
    assert.ok('bytes' in r);
    assert.equal(r.truncated, true);
  });
});

describe('errors are located', () => {
  test('blank input', () => {
    assert.deepEqual(parseHexText(''), { error: 'no hex bytes found', offset: 0 });
    assert.deepEqual(parseHexText(' \n\t'), { error: 'no hex bytes found', offset: 0 });
  });

  test('odd-length contiguous hex', () => {
    const e = errorOf('3c000000100');
    assert.equal(e.offset, 0);
    assert.match(e.error, /odd number of hex digits \(11\)/);
    const e2 = errorOf('3c 00 0');
    assert.equal(e2.offset, 6);
    assert.match(e2.error, /odd number of hex digits \(1\)/);
    assert.equal(errorOf('0x3c000').offset, 0);
  });

  test('stray characters', () => {
    const e = errorOf('3c 00 zz 00');
    assert.equal(e.offset, 6);
    assert.match(e.error, /unexpected character "z"/);
    assert.equal(errorOf('3c 00\n00 g0').offset, 9);
    // The offset is the wrong character itself, not the start of its word.
    assert.deepEqual(errorOf('3c 0x4g'), { error: 'unexpected character "g" in "0x4g"', offset: 6 });
    assert.deepEqual(errorOf('3c 0z'), { error: 'unexpected character "z" in "0z"', offset: 4 });
    assert.equal(errorOf('3c00 + 1000').offset, 5);
    assert.equal(errorOf('3c:00:zz').offset, 0);
    assert.equal(errorOf('hello 0x3c, 0x00').offset, 0);
    assert.equal(errorOf('{ 0x3c, 0x100 }').offset, 8);
  });

  test('a quoted string without a numeric escape', () => {
    assert.match(errorOf('"abc"').error, /numeric|octal/);
  });

  test('never throws on odd input', () => {
    for (const t of ['\\', '"', "'", '0x', '{', '}', '|', '*', '\\x', '"\\q"', '\u0000', '\ud800', '-'.repeat(40)]) {
      const r = parseHexText(t);
      assert.ok('error' in r || 'bytes' in r);
    }
  });
});
