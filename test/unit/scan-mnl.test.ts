// libmnl's mnl_nlmsg_fprintf output, rebuilt into the bytes of the messages. MNL_OUTPUT is the real output of
// libmnl 1.0.4 (Debian 12) for two kernel replies from test/fixtures (the genetlink CTRL_CMD_GETFAMILY reply for
// "nlctrl", printed with extra_header_size 4, followed by an NLMSG_ERROR ack); libmnl coloured the attribute rows.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findHexRunAt, findHexRuns, parseHexText, type HexRun } from '../../extension/src/netlink/scan/index';

const MNL_OUTPUT = [
  '----------------\t------------------',
  '|  0000000136  |\t| message length |',
  '| 00016 | ---- |\t|  type | flags  |',
  '|  1313603590  |\t| sequence number|',
  '|  0000013452  |\t|     port ID    |',
  '----------------\t------------------',
  '| 01 02 00 00  |\t|  extra header  |',
  '|\u001b[1;31m00011\u001b[0m|\u001b[1;32m--\u001b[0m|\u001b[1;34m00002\u001b[0m|\t|len |flags| type|',
  '| 6e 6c 63 74  |\t|      data      |\t n l c t',
  '| 72 6c 00 00  |\t|      data      |\t r l    ',
  '|\u001b[1;31m00006\u001b[0m|\u001b[1;32m--\u001b[0m|\u001b[1;34m00001\u001b[0m|\t|len |flags| type|',
  '| 10 00 00 00  |\t|      data      |\t        ',
  '|\u001b[1;31m00008\u001b[0m|\u001b[1;32m--\u001b[0m|\u001b[1;34m00003\u001b[0m|\t|len |flags| type|',
  '| 02 00 00 00  |\t|      data      |\t        ',
  '|\u001b[1;31m00008\u001b[0m|\u001b[1;32m--\u001b[0m|\u001b[1;34m00004\u001b[0m|\t|len |flags| type|',
  '| 00 00 00 00  |\t|      data      |\t        ',
  '|\u001b[1;31m00008\u001b[0m|\u001b[1;32m--\u001b[0m|\u001b[1;34m00005\u001b[0m|\t|len |flags| type|',
  '| 00 00 00 00  |\t|      data      |\t        ',
  '|\u001b[1;31m00044\u001b[0m|\u001b[1;32m--\u001b[0m|\u001b[1;34m00006\u001b[0m|\t|len |flags| type|',
  '| 14 00 01 00  |\t|      data      |\t        ',
  '| 08 00 01 00  |\t|      data      |\t        ',
  '| 03 00 00 00  |\t|      data      |\t        ',
  '| 08 00 02 00  |\t|      data      |\t        ',
  '| 0e 00 00 00  |\t|      data      |\t        ',
  '| 14 00 02 00  |\t|      data      |\t        ',
  '| 08 00 01 00  |\t|      data      |\t        ',
  '| 0a 00 00 00  |\t|      data      |\t        ',
  '| 08 00 02 00  |\t|      data      |\t        ',
  '| 0c 00 00 00  |\t|      data      |\t        ',
  '|\u001b[1;31m00028\u001b[0m|\u001b[1;32m--\u001b[0m|\u001b[1;34m00007\u001b[0m|\t|len |flags| type|',
  '| 18 00 01 00  |\t|      data      |\t        ',
  '| 08 00 02 00  |\t|      data      |\t        ',
  '| 10 00 00 00  |\t|      data      |\t        ',
  '| 0b 00 01 00  |\t|      data      |\t        ',
  '| 6e 6f 74 69  |\t|      data      |\t n o t i',
  '| 66 79 00 00  |\t|      data      |\t f y    ',
  '----------------\t------------------',
  '----------------\t------------------',
  '|  0000000036  |\t| message length |',
  '| 00002 | ---- |\t|  type | flags  |',
  '|  1313603596  |\t| sequence number|',
  '|  0000013452  |\t|     port ID    |',
  '----------------\t------------------',
  '| 00 00 00 00  |\t|                |',
  '| 20 00 00 00  |\t|                |',
  '| 10 00 05 00  |\t|                |',
  '| 0c 00 4c 4e  |\t|                |',
  '| 00 00 00 00  |\t|                |',
  '----------------\t------------------',
].join('\n');

/** The bytes libmnl printed: the fixtures' bytes, except the ack's NLM_F_CAPPED flag (0x100) which mnl does not print. */
const MNL_BYTES_HEX =
  '880000001000000006004c4e8c340000010200000b0002006e6c6374726c000006000100100000000800030002000000080004000000000008000500000000002c000600140001000800010003000000080002000e00000014000200080001000a000000080002000c0000001c0007001800010008000200100000000b0001006e6f746966790000' +
  '24000000020000000c004c4e8c3400000000000020000000100005000c004c4e00000000';

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function stripColours(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

function onlyRun(text: string): HexRun {
  const runs = findHexRuns(text);
  assert.equal(runs.length, 1);
  return runs[0] as HexRun;
}

describe('mnl_nlmsg_fprintf output', () => {
  test('real coloured output rebuilds both messages', () => {
    const run = onlyRun(MNL_OUTPUT);
    assert.equal(run.form, 'mnl');
    assert.equal(hex(run.bytes), MNL_BYTES_HEX);
    assert.equal(run.start, 0);
    assert.equal(run.end, MNL_OUTPUT.length);
    assert.ok(run.notes?.some((n) => n.includes('R/M/A/E')));
  });

  test('the same output copied from a terminal (no colour codes) gives the same bytes', () => {
    const plain = stripColours(MNL_OUTPUT);
    assert.equal(hex(onlyRun(plain).bytes), MNL_BYTES_HEX);
    const parsed = parseHexText(plain);
    assert.ok('bytes' in parsed);
    assert.equal(hex(parsed.bytes), MNL_BYTES_HEX);
  });

  test('header fields map to their printed decimal fields, payload bytes to their hex digits', () => {
    const text = stripColours(MNL_OUTPUT);
    const run = onlyRun(text);
    const src = (i: number) => text.slice(run.byteStart[i], run.byteEnd[i]);
    for (let i = 0; i < 4; i++) assert.equal(src(i), '0000000136');
    assert.equal(src(4), '00016');
    assert.equal(src(6), '----');
    assert.equal(src(8), '1313603590');
    assert.equal(src(12), '0000013452');
    assert.equal(src(16), '01'); // extra header row
    assert.equal(src(20), '00011'); // attribute header: nla_len
    assert.equal(src(22), '--|00002'); // nla_type with its N/B flags
    assert.equal(src(24), '6e');
  });

  test('hovering any row of the box returns the whole run', () => {
    const text = `log before\n\n${MNL_OUTPUT}\n\nlog after 3c 00`;
    const whole = findHexRunAt(text, text.indexOf('|  0000000136'));
    assert.ok(whole);
    for (const probe of [
      'sequence number',
      '| 6e 6c 63 74',
      'n l c t',
      '| 0c 00 4c 4e',
      '------------------\n|  0000000036',
    ]) {
      const run = findHexRunAt(text, text.indexOf(probe) + 3);
      assert.ok(run, probe);
      assert.equal(run.start, whole.start);
      assert.equal(hex(run.bytes), MNL_BYTES_HEX);
    }
  });

  test('flags, nested and byte-order attribute flags (the example in libmnl nlmsg.c, with N and B set)', () => {
    const text = [
      '----------------\t------------------',
      '|  0000000040  |\t| message length |',
      '| 00016 | R-A- |\t|  type | flags  |\t type = NEWLINK (16) ',
      '|  1289148991  |\t| sequence number|',
      '|  0000000000  |\t|     port ID    |',
      '----------------\t------------------',
      '| 00 00 00 00  |\t|  extra header  |',
      '| 00 00 00 00  |\t|  extra header  |',
      '| 01 00 00 00  |\t|  extra header  |',
      '| 01 00 00 00  |\t|  extra header  |',
      '|00008|NB|00003|\t|len |flags| type|',
      '| 65 74 68 30  |\t|      data      |\t e t h 0',
      '----------------\t------------------',
    ].join('\n');
    const run = onlyRun(text);
    assert.equal(
      hex(run.bytes),
      '28000000' +
        '1000' +
        '0500' +
        '3fdad64c' /* 1289148991 */ +
        '00000000' +
        '00000000000000000100000001000000' +
        '0800' +
        '03c0' +
        '65746830',
    );
  });

  test('an attribute header libmnl did not print (type 0) is reported, not invented', () => {
    const text = [
      '----------------\t------------------',
      '|  0000000028  |\t| message length |',
      '| 00020 | R--- |\t|  type | flags  |',
      '|  0000000001  |\t| sequence number|',
      '|  0000000000  |\t|     port ID    |',
      '----------------\t------------------',
      '|00008|--|00003|\t|len |flags| type|',
      '| 01 02 03 04  |\t|      data      |\t        ',
      '----------------\t------------------',
    ].join('\n');
    const run = onlyRun(text);
    assert.equal(run.bytes.length, 24);
    assert.ok(run.notes?.some((n) => n.includes('says 28 bytes but the output shows 24')));
  });

  test('two outputs separated by a blank line are two runs', () => {
    const text = `${MNL_OUTPUT}\n\n${stripColours(MNL_OUTPUT)}`;
    const runs = findHexRuns(text);
    assert.equal(runs.length, 2);
    assert.equal(runs[1]!.start, MNL_OUTPUT.length + 2);
  });
});
