// The CLI's byte-level fast path for spaced hex (scan/spacedBytes.ts) must agree with the strict text parse it
// skips: whenever it answers, parseHexText gives the same bytes; it declines (undefined) everything else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseHexText, parseSpacedHexBytes } from '../../extension/src/netlink/scan/index';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const h2 = (b: number, upper: boolean): string => {
  const s = b.toString(16).padStart(2, '0');
  return upper ? s.toUpperCase() : s;
};

test('spaced hex with any blanks and line ends: the same bytes as the strict parse', () => {
  const separator = fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', ' \n', '\x0b', '\x0c', '\n\n');
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 1, maxLength: 300 }),
      fc.array(separator, { minLength: 300, maxLength: 300 }),
      fc.boolean(),
      fc.constantFrom('', ' ', '\n', '\t\n'),
      (bytes, seps, upper, edge) => {
        const text = edge + Array.from(bytes, (b, i) => h2(b, upper) + (seps[i] as string)).join('') + edge;
        const fast = parseSpacedHexBytes(utf8(text));
        const strict = parseHexText(text);
        assert.ok(fast, JSON.stringify(text));
        assert.ok('bytes' in strict, JSON.stringify(strict));
        assert.deepEqual([...fast], [...strict.bytes]);
        assert.deepEqual([...fast], [...bytes]);
      },
    ),
  );
});

test('declines every other form, so the text path decides', () => {
  for (const text of [
    '',
    ' \n\t',
    '0x34 0x00',
    '3400 0000',
    '34 0',
    '34 000',
    '34,00',
    '34 zz',
    '00000000  34 00 00 00',
    '\ufeff34 00',
    '34 00 é',
    '34 00 | 4...',
    '34\u00a000',
  ])
    assert.equal(parseSpacedHexBytes(utf8(text)), undefined, JSON.stringify(text));
});

test('a last token without a line end counts; one digit left over does not', () => {
  assert.deepEqual([...(parseSpacedHexBytes(utf8('0a 0B')) ?? [])], [0x0a, 0x0b]);
  assert.equal(parseSpacedHexBytes(utf8('0a 0')), undefined);
});
