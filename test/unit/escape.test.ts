// The one convention for showing strings from outside the program (escape.ts): JavaScript string-literal escapes
// for control and invisible characters, everything else as it is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cutText, escapeControls, escapeText, quoteText } from '../../extension/src/netlink/index';

describe('escapeText', () => {
  it('leaves ordinary text, other scripts and emoji alone', () => {
    for (const s of ['eth0', 'RTM_NEWLINK', 'Unknown device type', 'wlan-café', 'адрес', '😀 ok', ''])
      assert.equal(escapeText(s), s);
  });

  it('writes line breaks, tabs and the backslash as \\n \\r \\t \\\\', () => {
    assert.equal(escapeText('a\nb\rc\td\\e'), 'a\\nb\\rc\\td\\\\e');
  });

  it('writes other C0 and C1 controls and DEL as \\xHH', () => {
    assert.equal(escapeText('\x1b]0;t\x07'), '\\x1b]0;t\\x07');
    assert.equal(escapeText('\0\x7f\x85\x9b'), '\\x00\\x7f\\x85\\x9b');
  });

  it('writes invisible formatting, separators and unpaired surrogates as \\u{H}', () => {
    assert.equal(escapeText('a\u202eb\u2066c\u200bd\ufeff'), 'a\\u{202e}b\\u{2066}c\\u{200b}d\\u{feff}');
    assert.equal(escapeText('x\u2028y\u2029'), 'x\\u{2028}y\\u{2029}');
    assert.equal(escapeText('\ud800z\udfff'), '\\u{d800}z\\u{dfff}');
    assert.equal(escapeText('\u{e0001}'), '\\u{e0001}');
  });
});

describe('quoteText', () => {
  it('quotes, and escapes the quote as well', () => {
    assert.equal(quoteText('eth0'), '"eth0"');
    assert.equal(quoteText('a"b\\c\n'), '"a\\"b\\\\c\\n"');
  });
});

describe('escapeControls', () => {
  it('escapes controls but leaves a backslash (a message already made of escaped parts)', () => {
    assert.equal(escapeControls('bad hex "\\\\x4g"\x1b[2J'), 'bad hex "\\\\x4g"\\x1b[2J');
  });
});

describe('cutText', () => {
  it('cuts with an ellipsis and never leaves half of a surrogate pair', () => {
    assert.equal(cutText('abcdef', 4), 'abc…');
    assert.equal(cutText('abc', 4), 'abc');
    assert.equal(cutText('ab😀cd', 4), 'ab…');
  });
});
