// Hex scanner: every supported form, with exact byte values and exact source ranges. The dump and strace samples
// are real output of hexdump -C, xxd, od and strace 6.1 for the same 31 bytes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findHexRuns, type HexRun } from '../../extension/src/netlink/scan/index';

const P = '14 00 00 00 12 00 01 03 07 00 00 00 00 00 00 00 61 62 63 64 65 66 67 68 09 0a 22 5c 20 7f ff';

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** The source text of each byte. */
function sources(text: string, run: HexRun): string[] {
  return Array.from(run.bytes, (_, i) => text.slice(run.byteStart[i], run.byteEnd[i]));
}

function only(text: string, minBytes?: number): HexRun {
  const runs = findHexRuns(text, minBytes);
  assert.equal(runs.length, 1, `expected one run, got ${runs.map((r) => `${r.form}@${r.start}`).join(', ')}`);
  return runs[0] as HexRun;
}

describe('spaced hex', () => {
  test('one line after a log prefix: bytes, ranges, run range', () => {
    const text = 'nlmsg: 3c 00 00 00 10 00 05 03 tail';
    const run = only(text);
    assert.equal(run.form, 'spaced');
    assert.equal(hex(run.bytes), '3c 00 00 00 10 00 05 03');
    assert.deepEqual(Array.from(run.byteStart), [7, 10, 13, 16, 19, 22, 25, 28]);
    assert.deepEqual(Array.from(run.byteEnd), [9, 12, 15, 18, 21, 24, 27, 30]);
    assert.equal(text.slice(run.start, run.end), '3c 00 00 00 10 00 05 03');
  });

  test('any case, across lines, continuation indented or under the same log prefix', () => {
    const text = 'req: 3C 00 00 00 10 00 05 03\n     0A 0b 0C 0d\n\nother';
    const run = only(text);
    assert.equal(hex(run.bytes), '3c 00 00 00 10 00 05 03 0a 0b 0c 0d');
    assert.deepEqual(sources(text, run), '3C 00 00 00 10 00 05 03 0A 0b 0C 0d'.split(' '));
    const logged = '[  12.345] nlmsg: 3c 00 00 00 10 00 05 03\n[  12.346] nlmsg: 00 00 00 00 00 00 00 00\n';
    const run2 = only(logged);
    assert.equal(run2.bytes.length, 16);
    assert.equal(run2.byteStart[8], logged.indexOf('\n') + 1 + 18);
    assert.equal(logged.slice(run2.start, run2.end), logged.slice(18, logged.length - 1));
  });

  test('a syslog line: the day of month and the time are not part of the run', () => {
    const text = 'Jan 12 10:00:01 host kernel: 3c 00 00 00 10 00';
    const run = only(text);
    assert.equal(hex(run.bytes), '3c 00 00 00 10 00');
    assert.equal(run.start, text.indexOf('3c'));
  });

  test('od -An -tx1 lines (real output) are labelled od', () => {
    const text = ' 14 00 00 00 12 00 01 03 07 00 00 00 00 00 00 00\n 61 62 63 64 65 66 67 68 09 0a 22 5c 20 7f ff\n';
    const run = only(text);
    assert.equal(run.form, 'od');
    assert.equal(hex(run.bytes), P);
    assert.deepEqual(sources(text, run), P.split(' '));
  });

  test('fewer than 4 tokens, or only letters and fewer than 8, is no run', () => {
    assert.deepEqual(findHexRuns('3c 00 10'), []);
    assert.deepEqual(findHexRuns('we should be ad ab fe ed here'), []);
    assert.equal(findHexRuns('ff ff ff ff ff ff ff ff').length, 1);
  });
});

describe('contiguous hex', () => {
  test('plain and 0x-prefixed; the prefix is in the run but in no byte', () => {
    const text = 'payload=3c00000010000503 and 0x14000000120001030700000000000000 end';
    const runs = findHexRuns(text);
    assert.equal(runs.length, 2);
    const [a, b] = runs as [HexRun, HexRun];
    assert.equal(a.form, 'contiguous');
    assert.equal(hex(a.bytes), '3c 00 00 00 10 00 05 03');
    assert.deepEqual(sources(text, a), ['3c', '00', '00', '00', '10', '00', '05', '03']);
    assert.equal(a.byteStart[0], 8);
    assert.equal(text.slice(b.start, b.end), '0x14000000120001030700000000000000');
    assert.equal(b.byteStart[0], b.start + 2);
    assert.equal(hex(b.bytes), '14 00 00 00 12 00 01 03 07 00 00 00 00 00 00 00');
  });

  test('wrapped blob (xxd -p) is one run, even when the last piece is two digits', () => {
    const text = '140000001200010307000000\n0000000061626364\n65\n';
    const run = only(text);
    assert.equal(hex(run.bytes), '14 00 00 00 12 00 01 03 07 00 00 00 00 00 00 00 61 62 63 64 65');
    assert.deepEqual(sources(text, run).slice(-2), ['64', '65']);
    assert.equal(run.byteStart[20], text.lastIndexOf('65'));
  });

  test('odd length, words and numbers are no run', () => {
    assert.deepEqual(findHexRuns('3c0000001000050'), []);
    assert.deepEqual(findHexRuns('deadbeef add face cafe bad 2024 on 20240101, v1.2.3, 0xdeadbeef'), []);
    assert.deepEqual(findHexRuns('id 550e8400-e29b-41d4-a716-446655440000'), []);
    assert.deepEqual(findHexRuns('3c000000zz'), []);
  });
});

describe('C arrays', () => {
  test('declaration with casts, comments, char literals and decimals, across lines', () => {
    const text = [
      'static const unsigned char msg[] = {',
      '\t0x3c, 0x00, (char)0x00, (__u8) 0, /* nlmsg_len */',
      "\t0x10, 0X0A, '\\x05', '\\3', // type, flags",
      "\t'<', 0, 255,",
      '};',
    ].join('\n');
    const run = only(text);
    assert.equal(run.form, 'c-array');
    assert.equal(hex(run.bytes), '3c 00 00 00 10 0a 05 03 3c 00 ff');
    assert.deepEqual(sources(text, run), [
      '0x3c',
      '0x00',
      '0x00',
      '0',
      '0x10',
      '0X0A',
      "'\\x05'",
      "'\\3'",
      "'<'",
      '0',
      '255',
    ]);
    assert.equal(text.slice(run.start, run.end), text.slice(text.indexOf('0x3c'), text.indexOf('255') + 3));
  });

  test('braces on the same line are part of the run; two arrays on one line stay apart', () => {
    const text = 'uint8_t a[] = { 0x01, 0x02, 0x03, 0x04 }, b[] = {0x05,0x06,0x07,0x08};';
    const runs = findHexRuns(text);
    assert.equal(runs.length, 2);
    assert.equal(text.slice(runs[0]!.start, runs[0]!.end), '{ 0x01, 0x02, 0x03, 0x04 }');
    assert.equal(hex(runs[1]!.bytes), '05 06 07 08');
  });

  test('blank-separated 0x constants', () => {
    const run = only('bytes: 0x3c 0x00 0x00 0x00 0x10');
    assert.equal(run.form, 'c-array');
    assert.equal(hex(run.bytes), '3c 00 00 00 10');
  });

  test('a constant above 0xff ends the list; decimal lists alone are no run', () => {
    assert.equal(hex(only('{ 0x01, 0x02, 0x03, 0x04, 0x123 }').bytes), '01 02 03 04');
    assert.deepEqual(findHexRuns('1, 2, 3, 4, 5, 6,\n7, 8, 9, 10,\n'), []);
  });
});

describe('escaped strings', () => {
  test('strace default (octal, printable bytes as themselves), real output', () => {
    const text = String.raw`write(1, "\24\0\0\0\22\0\1\3\7\0\0\0\0\0\0\0abcdefgh\t\n\"\\ \177\377", 31) = 31`;
    const run = only(text);
    assert.equal(run.form, 'escaped');
    assert.equal(hex(run.bytes), P);
    const src = sources(text, run);
    assert.deepEqual(src.slice(0, 9), String.raw`\24 \0 \0 \0 \22 \0 \1 \3 \7`.split(' '));
    assert.deepEqual(src.slice(16), [
      'a',
      'b',
      'c',
      'd',
      'e',
      'f',
      'g',
      'h',
      '\\t',
      '\\n',
      '\\"',
      '\\\\',
      ' ',
      '\\177',
      '\\377',
    ]);
    assert.equal(text.slice(run.start, run.end), text.slice(9, text.indexOf(', 31)')));
    assert.equal(run.truncated, undefined);
  });

  test('strace -x, real output', () => {
    const text = String.raw`write(1, "\x14\x00\x00\x00\x12\x00\x01\x03\x07\x00\x00\x00\x00\x00\x00\x00\x61\x62\x63\x64\x65\x66\x67\x68\x09\x0a\x22\x5c\x20\x7f\xff", 31) = 31`;
    const run = only(text);
    assert.equal(hex(run.bytes), P);
    assert.equal(text.slice(run.byteStart[30], run.byteEnd[30]), '\\xff');
  });

  test('strace cut string ("..."...) is marked truncated; the netlink header strace decoded is not bytes', () => {
    const text = String.raw`sendto(3, [{nlmsg_len=40, nlmsg_type=0x12 /* NLMSG_??? */, nlmsg_flags=NLM_F_REQUEST|0x300, nlmsg_seq=7, nlmsg_pid=0}, "\x01\x00\x00\x00\x09\x00\x01\x00\x61\x62\x63\x64\x65\x00\x00\x00"...], 40, 0, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = -1 ECONNREFUSED (Connection refused)`;
    const run = only(text);
    assert.equal(hex(run.bytes), '01 00 00 00 09 00 01 00 61 62 63 64 65 00 00 00');
    assert.equal(run.truncated, true);
  });

  test('mixed \\x and printable characters, pieces joined on one line and across lines', () => {
    const text = '"\\x14\\x00\\x00\\x00\\x12\\x00\\x01\\x03abc" "\\x00"\n  "\\x10\\x00"\nnext';
    const run = only(text);
    assert.equal(hex(run.bytes), '14 00 00 00 12 00 01 03 61 62 63 00 10 00');
    assert.deepEqual(sources(text, run).slice(7, 12), ['\\x03', 'a', 'b', 'c', '\\x00']);
  });

  test('Python bytes repr and bare escapes', () => {
    const py = only("b'<\\x00\\x00\\x00\\x10\\x00\\x05\\x03'");
    assert.equal(hex(py.bytes), '3c 00 00 00 10 00 05 03');
    assert.equal(py.start, 0);
    const bare = only('printf "\\x3c\\x00\\x00\\x00" | nc');
    assert.equal(hex(bare.bytes), '3c 00 00 00');
  });

  test('strings without a numeric escape are not bytes', () => {
    assert.deepEqual(findHexRuns('printf("error: %s\\n", msg); puts("done\\t\\\\");'), []);
  });
});

describe('dumps with offsets', () => {
  test('hexdump -C, real output: offset and ASCII columns are not bytes', () => {
    const text = [
      '00000000  14 00 00 00 12 00 01 03  07 00 00 00 00 00 00 00  |................|',
      '00000010  61 62 63 64 65 66 67 68  09 0a 22 5c 20 7f ff     |abcdefgh.."\\ ..|',
      '0000001f',
    ].join('\n');
    const run = only(text);
    assert.equal(run.form, 'hexdump');
    assert.equal(hex(run.bytes), P);
    assert.deepEqual(sources(text, run), P.split(' '));
    assert.equal(run.byteStart[8], 35);
    assert.equal(run.byteStart[16], text.indexOf('\n') + 1 + 10);
    assert.equal(run.start, 0);
  });

  test('xxd, real output', () => {
    const text = [
      '00000000: 1400 0000 1200 0103 0700 0000 0000 0000  ................',
      '00000010: 6162 6364 6566 6768 090a 225c 207f ff    abcdefgh.."\\ ..',
    ].join('\n');
    const run = only(text);
    assert.equal(run.form, 'xxd');
    assert.equal(hex(run.bytes), P);
    assert.deepEqual(sources(text, run).slice(0, 4), ['14', '00', '00', '00']);
    assert.deepEqual([run.byteStart[0], run.byteEnd[0], run.byteStart[1]], [10, 12, 12]);
  });

  test('od -Ax -tx1 (hex offsets) and od -tx1 (octal offsets), real output', () => {
    const hexOffsets =
      '000000 14 00 00 00 12 00 01 03 07 00 00 00 00 00 00 00\n000010 61 62 63 64 65 66 67 68 09 0a 22 5c 20 7f ff\n00001f\n';
    const octal =
      '0000000 14 00 00 00 12 00 01 03 07 00 00 00 00 00 00 00\n0000020 61 62 63 64 65 66 67 68 09 0a 22 5c 20 7f ff\n0000037\n';
    for (const text of [hexOffsets, octal]) {
      const run = only(text);
      assert.equal(run.form, 'od');
      assert.equal(hex(run.bytes), P);
      assert.deepEqual(sources(text, run), P.split(' '));
    }
  });

  test('a gap in the offsets ends the run', () => {
    const text = [
      '00000000  14 00 00 00 12 00 01 03  07 00 00 00 00 00 00 00  |................|',
      '00000020  61 62 63 64 65 66 67 68  09 0a 22 5c 20 7f ff     |abcdefgh.."\\ ..|',
    ].join('\n');
    const runs = findHexRuns(text);
    assert.equal(runs.length, 2);
    assert.equal(runs[0]!.bytes.length, 16);
    assert.equal(runs[1]!.bytes.length, 15);
  });

  test('a squeezed line (*) repeats the line above up to the next offset, mapped to the star', () => {
    const text = [
      '00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|',
      '*',
      '00000030  01 02 03 04                                       |....|',
      '00000034',
    ].join('\n');
    const run = only(text);
    assert.equal(run.bytes.length, 52);
    assert.ok(run.bytes.subarray(0, 48).every((b) => b === 0));
    assert.equal(hex(run.bytes.subarray(48)), '01 02 03 04');
    const star = text.indexOf('*');
    assert.deepEqual([run.byteStart[16], run.byteEnd[16], run.byteStart[47]], [star, star + 1, star]);
  });

  test('print_hex_dump lines after a kernel log prefix', () => {
    const text = [
      '[  12.345678] nlreply: 00000000: 14 00 00 00 12 00 01 03 07 00 00 00 00 00 00 00  ................',
      '[  12.345690] nlreply: 00000010: 61 62 63 64 65 66 67 68 09 0a 22 5c 20 7f ff     abcdefgh.."\\ ..',
    ].join('\n');
    const run = only(text);
    assert.equal(run.form, 'xxd');
    assert.equal(hex(run.bytes), P);
    assert.equal(run.start, text.indexOf('00000000'));
  });
});

describe('colon-separated hex', () => {
  test('bytes and ranges', () => {
    const text = 'data 3c:00:00:00:10:00:05:03 end';
    const run = only(text);
    assert.equal(run.form, 'colon');
    assert.equal(hex(run.bytes), '3c 00 00 00 10 00 05 03');
    assert.deepEqual(Array.from(run.byteStart).slice(0, 3), [5, 8, 11]);
  });

  test('a MAC address is returned as a run; times and IPv6 addresses are not', () => {
    const macs = findHexRuns('link/ether aa:bb:cc:dd:ee:ff brd ff:ff:ff:ff:ff:ff');
    assert.deepEqual(
      macs.map((r) => hex(r.bytes)),
      ['aa bb cc dd ee ff', 'ff ff ff ff ff ff'],
    );
    assert.deepEqual(
      findHexRuns('at 12:30:45 and 23:59:59.123, fe80::aa:bb:cc:dd:ee:ff, 2001:db8:85a3::8a2e:370:7334'),
      [],
    );
  });

  test('wrapped with a trailing colon', () => {
    const text = '3c:00:00:00:10:00:05:03:\n00:00:00:00\n';
    assert.equal(only(text).bytes.length, 12);
  });
});

test('prose produces no run', () => {
  const prose =
    'The face of the cafe was deadbeef-coloured in 2024; add 10 apples, be ad hoc. See RFC 3549, section 2.3.';
  assert.deepEqual(findHexRuns(prose), []);
});

test('findHexRuns returns runs of all forms in text order', () => {
  const text = [
    'first: 3c 00 00 00 10 00 05 03',
    '',
    'unsigned char m[] = { 0x14, 0x00, 0x00, 0x00 };',
    String.raw`write(3, "\x14\x00\x00\x00", 4) = 4`,
    '00000000: 1400 0000 1200 0103  ........',
    'aa:bb:cc:dd:ee:ff:00:11',
  ].join('\n');
  const runs = findHexRuns(text);
  assert.deepEqual(
    runs.map((r) => r.form),
    ['spaced', 'c-array', 'escaped', 'xxd', 'colon'],
  );
  for (let i = 1; i < runs.length; i++) assert.ok(runs[i]!.start >= runs[i - 1]!.end);
  assert.equal(findHexRuns(text, 8).length, 3);
});

describe('more real tool output for the same 31 bytes', () => {
  test('xxd -i (a C array with its length variable after it)', () => {
    const text = [
      'unsigned char p_bin[] = {',
      '  0x14, 0x00, 0x00, 0x00, 0x12, 0x00, 0x01, 0x03, 0x07, 0x00, 0x00, 0x00,',
      '  0x00, 0x00, 0x00, 0x00, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,',
      '  0x09, 0x0a, 0x22, 0x5c, 0x20, 0x7f, 0xff',
      '};',
      'unsigned int p_bin_len = 31;',
    ].join('\n');
    const run = only(text);
    assert.equal(hex(run.bytes), P);
    assert.equal(text.slice(run.byteStart[30], run.byteEnd[30]), '0xff');
  });

  test('xxd -p (wrapped contiguous hex)', () => {
    const run = only('140000001200010307000000000000006162636465666768090a225c207f\nff\n');
    assert.equal(hex(run.bytes), P);
  });

  test('hexdump -C under a syslog prefix, closing offset line included', () => {
    const text = [
      'Mar 12 10:00:01 host dbg: 00000000  14 00 00 00 12 00 01 03  07 00 00 00 00 00 00 00  |................|',
      'Mar 12 10:00:01 host dbg: 00000010  61 62 63 64 65 66 67 68  09 0a 22 5c 20 7f ff     |abcdefgh.."\\ ..|',
      'Mar 12 10:00:01 host dbg: 0000001f',
    ].join('\n');
    const run = only(text);
    assert.equal(run.form, 'hexdump');
    assert.equal(hex(run.bytes), P);
  });
});
