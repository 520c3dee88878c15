// Property tests: random text never makes the scanner throw, and bytes rendered in any supported form (the way the
// real tools print them) come back exactly, each byte mapped to source text that reads back as that byte.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { findHexRunAt, findHexRuns, parseHexText, type HexRun } from '../../extension/src/netlink/scan/index';

const h2 = (b: number) => b.toString(16).padStart(2, '0');

function ascii(chunk: Uint8Array): string {
  return Array.from(chunk, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
}

function sameLine(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === 16 && b.length === 16 && a.every((x, i) => x === b[i]);
}

/**
 * 16-byte dump lines, each repeat of the line above squeezed into one `*` as hexdump and od do, then the offset
 * after the last byte on a line of its own.
 */
function squeezedDump(
  bytes: Uint8Array,
  offset: (n: number) => string,
  line: (chunk: Uint8Array, off: number) => string,
): string {
  const lines: string[] = [];
  let prev: Uint8Array | undefined;
  let squeezed = false;
  for (let off = 0; off < bytes.length; off += 16) {
    const chunk = bytes.subarray(off, off + 16);
    if (sameLine(prev, chunk)) {
      if (!squeezed) lines.push('*');
      squeezed = true;
      continue;
    }
    squeezed = false;
    prev = chunk;
    lines.push(line(chunk, off));
  }
  lines.push(offset(bytes.length));
  return lines.join('\n');
}

/** hexdump -C. */
function renderHexdump(bytes: Uint8Array): string {
  const offset = (n: number) => n.toString(16).padStart(8, '0');
  return squeezedDump(bytes, offset, (chunk, off) => {
    const slots = Array.from({ length: 16 }, (_, j) => (j < chunk.length ? `${h2(chunk[j] as number)} ` : '   '));
    return `${offset(off)}  ${slots.slice(0, 8).join('')} ${slots.slice(8).join('')} |${ascii(chunk)}|`;
  });
}

function renderXxd(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const chunk = bytes.subarray(off, off + 16);
    const groups: string[] = [];
    for (let g = 0; g < chunk.length; g += 2) groups.push(Array.from(chunk.subarray(g, g + 2), h2).join(''));
    lines.push(`${off.toString(16).padStart(8, '0')}: ${groups.join(' ').padEnd(39)}  ${ascii(chunk)}`);
  }
  return lines.join('\n');
}

/** od -tx1 with -Ax (hex, 6 digits), default (octal, 7 digits), or -Ad (decimal, 7 digits). */
function renderOd(bytes: Uint8Array, radix: 8 | 10 | 16): string {
  const width = radix === 16 ? 6 : 7;
  const offset = (n: number) => n.toString(radix).padStart(width, '0');
  return squeezedDump(bytes, offset, (chunk, off) => offset(off) + Array.from(chunk, (b) => ` ${h2(b)}`).join(''));
}

/** od -An -v -tx1: no offsets, so no squeezing either. */
function renderOdNoOffsets(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16)
    lines.push(Array.from(bytes.subarray(off, off + 16), (b) => ` ${h2(b)}`).join(''));
  return lines.join('\n');
}

function renderSpaced(bytes: Uint8Array, perLine: number, upper: boolean, prefix: string): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += perLine) {
    const s = Array.from(bytes.subarray(off, off + perLine), h2).join(' ');
    lines.push(prefix + (upper ? s.toUpperCase() : s));
  }
  return lines.join('\n');
}

function renderContiguous(bytes: Uint8Array, wrap: number, prefixed: boolean): string {
  const s = Array.from(bytes, h2).join('');
  const lines: string[] = [];
  for (let off = 0; off < s.length; off += wrap) lines.push(s.slice(off, off + wrap));
  return (prefixed ? '0x' : '') + lines.join('\n');
}

function renderCArray(bytes: Uint8Array, decorate: boolean): string {
  const items = Array.from(bytes, (b, i) => {
    const v = `0x${h2(b)}`;
    if (!decorate) return v;
    return i % 5 === 0 ? `(__u8)${v}` : i % 7 === 0 ? `${v} /* ${i} */` : v;
  });
  const rows: string[] = [];
  for (let off = 0; off < items.length; off += 8) {
    rows.push(
      `\t${items.slice(off, off + 8).join(', ')}${off + 8 < items.length ? ',' : ''}${decorate && off % 16 === 0 ? ' // row' : ''}`,
    );
  }
  return `static const unsigned char msg[] = {\n${rows.join('\n')}\n};`;
}

/** strace's default string style: printable bytes as themselves, C escapes, octal for the rest. */
function renderStraceOctal(bytes: Uint8Array): string {
  let s = '';
  bytes.forEach((b, i) => {
    const next = bytes[i + 1];
    if (b === 0x22) s += '\\"';
    else if (b === 0x5c) s += '\\\\';
    else if (b === 9) s += '\\t';
    else if (b === 10) s += '\\n';
    else if (b === 11) s += '\\v';
    else if (b === 12) s += '\\f';
    else if (b === 13) s += '\\r';
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else if (next !== undefined && next >= 0x30 && next <= 0x37) s += `\\${b.toString(8).padStart(3, '0')}`;
    else s += `\\${b.toString(8)}`;
  });
  return `write(3, "${s}", ${bytes.length}) = ${bytes.length}`;
}

function renderStraceHex(bytes: Uint8Array): string {
  return `sendmsg(3, {msg_iov=[{iov_base="${Array.from(bytes, (b) => `\\x${h2(b)}`).join('')}", iov_len=${bytes.length}}]}, 0) = ${bytes.length}`;
}

/** strace's buffer dump rows (-e read= / -e write=), following strace's dumpstr. */
function renderStraceDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const chunk = bytes.subarray(off, off + 16);
    const slots = Array.from({ length: 16 }, (_, j) => (j < chunk.length ? `${h2(chunk[j] as number)} ` : '   '));
    lines.push(
      ` | ${off.toString(16).padStart(5, '0')}  ${slots.slice(0, 8).join('')} ${slots.slice(8).join('')} ${ascii(chunk).padEnd(16)} |`,
    );
  }
  return lines.join('\n');
}

/** Wireshark's "Copy as Hex Dump", following DataPrinter::hexTextDump. */
function renderWireshark(bytes: Uint8Array, showAscii: boolean): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const chunk = bytes.subarray(off, off + 16);
    const hexText = Array.from(chunk, (b) => ` ${h2(b)}`).join('');
    const text = showAscii ? `${' '.repeat(3 + (16 - chunk.length) * 3)}${ascii(chunk)}` : '';
    lines.push(`${off.toString(16).padStart(4, '0')}  ${hexText}${text}`);
  }
  return lines.join('\n');
}

/** The kernel's print_hex_dump(KERN_DEBUG, prefix, DUMP_PREFIX_OFFSET, 16, groupsize, ...), little-endian words. */
function renderPrintHexDump(bytes: Uint8Array, groupsize: number, withAscii: boolean, prefix: string): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const chunk = bytes.subarray(off, off + 16);
    const gs = chunk.length % groupsize === 0 ? groupsize : 1;
    const groups: string[] = [];
    for (let g = 0; g < chunk.length; g += gs)
      groups.push(
        Array.from(chunk.subarray(g, g + gs), h2)
          .reverse()
          .join(''),
      );
    const hexText = groups.join(' ');
    const text = withAscii ? `${hexText.padEnd(32 + 16 / gs + 1)}${ascii(chunk)}` : hexText;
    lines.push(`${prefix}${off.toString(16).padStart(8, '0')}: ${text}`);
  }
  return lines.join('\n');
}

function renderColon(bytes: Uint8Array): string {
  return `data ${Array.from(bytes, h2).join(':')} end`;
}

// --- libmnl mnl_nlmsg_fprintf, following src/nlmsg.c ---------------------------------------------------------

interface Message {
  readonly type: number;
  readonly flags: number;
  readonly seq: number;
  readonly pid: number;
  readonly payload: Uint8Array; // a multiple of 4 bytes
}

function u32le(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

/** Renders like mnl_nlmsg_fprintf; also returns the bytes the output shows (flags reduced to R/M/A/E, skipped rows out). */
function renderMnl(
  messages: readonly Message[],
  extraHeader: number,
  colour: boolean,
): { text: string; shown: number[] } {
  const lines: string[] = [];
  const shown: number[] = [];
  const pad = (v: number, n: number) => String(v).padStart(n, '0');
  const rule = '----------------\t------------------';
  for (const m of messages) {
    const len = 16 + m.payload.length;
    const f = (bit: number, c: string) => (m.flags & bit ? c : '-');
    lines.push(rule);
    lines.push(`|  ${pad(len, 10)}  |\t| message length |`);
    lines.push(`| ${pad(m.type, 5)} | ${f(1, 'R')}${f(2, 'M')}${f(4, 'A')}${f(8, 'E')} |\t|  type | flags  |`);
    lines.push(`|  ${pad(m.seq, 10)}  |\t| sequence number|`);
    lines.push(`|  ${pad(m.pid, 10)}  |\t|     port ID    |`);
    lines.push(rule);
    shown.push(...u32le(len), m.type & 0xff, m.type >> 8, m.flags & 0xf, 0, ...u32le(m.seq), ...u32le(m.pid));
    let extra = extraHeader;
    let rem = 0;
    for (let i = 0; i < m.payload.length; i += 4) {
      const b = Array.from(m.payload.subarray(i, i + 4));
      const row = `| ${b.map(h2).join(' ')}  |\t`;
      const attrLen = (b[0] as number) | ((b[1] as number) << 8);
      const attrType = (b[2] as number) | ((b[3] as number) << 8);
      if (m.type < 16) {
        lines.push(`${row}|                |`);
      } else if (extra > 0) {
        extra -= 4;
        lines.push(`${row}|  extra header  |`);
      } else if (rem === 0 && (attrType & 0x3fff) !== 0) {
        const n = attrType & 0x8000 ? 'N' : '-';
        const bo = attrType & 0x4000 ? 'B' : '-';
        const fields = colour
          ? `|\u001b[1;31m${pad(attrLen, 5)}\u001b[0m|\u001b[1;32m${n}${bo}\u001b[0m|\u001b[1;34m${pad(attrType & 0x3fff, 5)}\u001b[0m|\t`
          : `|${pad(attrLen, 5)}|${n}${bo}|${pad(attrType & 0x3fff, 5)}|\t`;
        lines.push(`${fields}|len |flags| type|`);
        if (!(attrType & 0x8000)) rem = ((attrLen + 3) & ~3) - 4;
      } else if (rem > 0) {
        rem -= 4;
        const printable = b.map((c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ' ')).join(' ');
        lines.push(`${row}|      data      |\t ${printable}`);
      } else {
        continue; // libmnl prints nothing for this row
      }
      shown.push(...b);
    }
    lines.push(rule);
  }
  return { text: lines.join('\n'), shown };
}

// --- reading a byte back from its source text ------------------------------------------------------------------

const SIMPLE: Record<string, number> = {
  n: 10,
  t: 9,
  r: 13,
  v: 11,
  f: 12,
  a: 7,
  b: 8,
  e: 27,
  '\\': 92,
  '"': 34,
  "'": 39,
  '?': 63,
};

function byteFromSource(src: string): number | undefined {
  if (/^[0-9a-f]{2}$/i.test(src)) return parseInt(src, 16);
  if (/^0x[0-9a-f]{1,2}$/i.test(src)) return parseInt(src.slice(2), 16);
  if (/^\\x[0-9a-f]{1,2}$/i.test(src)) return parseInt(src.slice(2), 16);
  if (/^\\[0-7]{1,3}$/.test(src)) return parseInt(src.slice(1), 8);
  if (/^\\.$/.test(src)) return SIMPLE[src[1] as string];
  if (src.length === 1) return src.charCodeAt(0);
  return undefined;
}

/** Every byte's source reads back as the byte; mnl header fields read back as the little-endian field value. */
function checkSources(text: string, run: HexRun): void {
  let i = 0;
  while (i < run.bytes.length) {
    const src = text.slice(run.byteStart[i], run.byteEnd[i]);
    let width = 1;
    while (
      i + width < run.bytes.length &&
      run.byteStart[i + width] === run.byteStart[i] &&
      run.byteEnd[i + width] === run.byteEnd[i]
    )
      width++;
    if (src === '*' && (run.form === 'hexdump' || run.form === 'od')) {
      // A squeezed line repeats earlier bytes; each must equal the byte one dump line (16 bytes) earlier.
      for (let k = i; k < i + width; k++) assert.equal(run.bytes[k], run.bytes[k - 16]);
    } else if (width === 1) {
      assert.equal(byteFromSource(src), run.bytes[i], `byte ${i} from ${JSON.stringify(src)}`);
    } else if (/^\d+$/.test(src)) {
      let value = 0;
      for (let k = width - 1; k >= 0; k--) value = value * 256 + (run.bytes[i + k] as number);
      assert.equal(value, Number(src), `field at byte ${i}`);
    } else if (/^[RMAE-]{4}$/.test(src)) {
      const flags = (run.bytes[i] as number) | ((run.bytes[i + 1] as number) << 8);
      const letters = ['R', 'M', 'A', 'E'].map((c, bit) => (flags & (1 << bit) ? c : '-')).join('');
      assert.equal(letters, src);
    } else {
      const m = /^([NB-]{2})(?:\u001b\[0m)?\|(?:\u001b\[[\d;]*m)?(\d+)$/.exec(src);
      assert.ok(m, `unexpected field source ${JSON.stringify(src)}`);
      const type = (run.bytes[i] as number) | ((run.bytes[i + 1] as number) << 8);
      assert.equal(type & 0x3fff, Number(m[2]));
      assert.equal(!!(type & 0x8000), m[1]![0] === 'N');
    }
    i += width;
  }
}

function hexOf(bytes: Uint8Array | readonly number[]): string {
  return Array.from(bytes, h2).join('');
}

/** The scan of `text` finds exactly one run holding `expected`; hover and strict parse agree. */
function checkRendered(text: string, expected: Uint8Array | readonly number[], hoverAt: number): void {
  const runs = findHexRuns(text);
  assert.equal(runs.length, 1, `runs: ${runs.map((r) => r.form).join(',')} in\n${text}`);
  const run = runs[0] as HexRun;
  assert.equal(hexOf(run.bytes), hexOf(expected), text);
  checkSources(text, run);
  const i = Math.min(run.bytes.length - 1, Math.max(0, Math.floor(hoverAt * run.bytes.length)));
  const hovered = findHexRunAt(text, run.byteStart[i] as number);
  assert.ok(hovered);
  assert.equal(hovered.start, run.start);
  assert.equal(hexOf(hovered.bytes), hexOf(expected));
}

/** Bytes shaped like a netlink message's start (a length below 64 KiB), so at least one byte is not printable. */
const messageBytes = fc.uint8Array({ minLength: 8, maxLength: 300 }).map((b) => {
  b[2] = 0;
  b[3] = 0;
  return b;
});

/** Sometimes with repeated 16-byte lines, to exercise the squeezing of hexdump and od. */
const dumpBytes = fc.oneof(
  messageBytes,
  fc
    .tuple(
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      fc.integer({ min: 2, max: 6 }),
      fc.uint8Array({ maxLength: 40 }),
    )
    .map(([line, times, tail]) => {
      const out = new Uint8Array(16 * times + tail.length);
      for (let t = 0; t < times; t++) out.set(line, 16 * t);
      out.set(tail, 16 * times);
      return out;
    }),
);

const runs = { numRuns: 150 };

test('rendered forms scan back to exactly their bytes', () => {
  fc.assert(
    fc.property(dumpBytes, fc.double({ min: 0, max: 1, noNaN: true }), (bytes, at) => {
      checkRendered(renderHexdump(bytes), bytes, at);
      checkRendered(renderXxd(bytes), bytes, at);
      checkRendered(renderOd(bytes, 16), bytes, at);
      checkRendered(renderOd(bytes, 8), bytes, at);
      checkRendered(renderOd(bytes, 10), bytes, at);
      checkRendered(renderStraceDump(bytes), bytes, at);
      checkRendered(renderWireshark(bytes, true), bytes, at);
      checkRendered(renderWireshark(bytes, false), bytes, at);
      // Group size 2 with ASCII looks exactly like plain xxd; the ASCII column tells them apart only where a byte
      // pair's printability differs, so random bytes test it without the column (scan-dumps.test.ts has real ones).
      for (const [gs, withAscii] of [
        [2, false],
        [4, true],
        [4, false],
        [8, true],
        [8, false],
      ] as const)
        checkRendered(renderPrintHexDump(bytes, gs, withAscii, '[   1.000000] nlreply: '), bytes, at);
    }),
    runs,
  );
  fc.assert(
    fc.property(
      messageBytes,
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.integer({ min: 4, max: 32 }),
      fc.boolean(),
      fc.constantFrom('', '    ', 'nlmsg: '),
      (bytes, at, perLine, upper, prefix) => {
        checkRendered(renderSpaced(bytes, perLine, upper, prefix), bytes, at);
        checkRendered(renderOdNoOffsets(bytes), bytes, at);
        checkRendered(renderContiguous(bytes, 2 * perLine, false), bytes, at);
        // A 0x prefix on 8 bytes or fewer reads as an integer constant (see rules.ts), so only longer blobs get one.
        checkRendered(renderContiguous(bytes, 1 << 20, bytes.length > 8), bytes, at);
        checkRendered(renderCArray(bytes, upper), bytes, at);
        checkRendered(renderStraceOctal(bytes), bytes, at);
        checkRendered(renderStraceHex(bytes), bytes, at);
        checkRendered(renderColon(bytes), bytes, at);
      },
    ),
    runs,
  );
});

test('a log of many dumps of any size: every run keeps its own bytes after the runs after it were read', () => {
  // The scanner reuses the arrays of finished runs for the next ones (byteSink.ts): a run must never share them.
  fc.assert(
    fc.property(
      // size 'max': lengths over the whole range (fast-check keeps them near the minimum otherwise), so that runs
      // fill their arrays to every degree, nearly full ones included (reused arrays hold up to 4 KiB after a few
      // runs: a run of 3-4 KiB fills one).
      fc.array(fc.uint8Array({ minLength: 16, maxLength: 6000, size: 'max' }), { minLength: 2, maxLength: 12 }),
      (dumps) => {
        const text = dumps.map((d) => `a buffer from the kernel:\n${renderHexdump(d)}`).join('');
        const found = findHexRuns(text);
        assert.equal(found.length, dumps.length);
        found.forEach((run, k) => {
          assert.equal(hexOf(run.bytes), hexOf(dumps[k] as Uint8Array));
          checkSources(text, run);
        });
      },
    ),
    // No shrinking: a counterexample of a dozen kilobyte-sized dumps would take minutes to shrink.
    { numRuns: 40, endOnFailure: true },
  );
});

const message = fc.record({
  type: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 0xffff })),
  flags: fc.integer({ min: 0, max: 0xffff }),
  seq: fc.nat({ max: 0xffffffff }),
  pid: fc.nat({ max: 0xffffffff }),
  payload: fc.uint8Array({ maxLength: 25 }).chain((b) => fc.constant(b.slice(0, b.length - (b.length % 4)))),
});

test('mnl_nlmsg_fprintf output rebuilds the bytes it shows', () => {
  fc.assert(
    fc.property(
      fc.array(message, { minLength: 1, maxLength: 4 }),
      fc.constantFrom(0, 4, 8, 16),
      fc.boolean(),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (messages, extra, colour, at) => {
        const { text, shown } = renderMnl(messages, extra, colour);
        checkRendered(text, shown, at);
        const strict = parseHexText(text);
        assert.ok('bytes' in strict);
        assert.equal(hexOf(strict.bytes), hexOf(shown));
      },
    ),
    runs,
  );
});

test('rendered forms pass the strict parser', () => {
  fc.assert(
    fc.property(messageBytes, (bytes) => {
      const forms = [
        renderHexdump(bytes),
        renderXxd(bytes),
        renderOd(bytes, 8),
        renderOdNoOffsets(bytes),
        renderSpaced(bytes, 16, false, ''),
        renderContiguous(bytes, 64, false),
        renderCArray(bytes, true),
        Array.from(bytes, (b) => `\\x${h2(b)}`).join(''),
        Array.from(bytes, h2).join(':'),
        renderStraceDump(bytes),
        renderWireshark(bytes, true),
        renderPrintHexDump(bytes, 4, true, ''),
        renderPrintHexDump(bytes, 8, false, ''),
      ];
      for (const text of forms) {
        const r = parseHexText(text);
        assert.ok('bytes' in r, `${JSON.stringify(r)} for\n${text}`);
        assert.equal(hexOf(r.bytes), hexOf(bytes));
      }
    }),
    runs,
  );
});

/** Text made of the characters the parsers care about, so the random input reaches deep into them. */
const trickyText = fc
  .array(
    fc.constantFrom(
      '0',
      '3',
      'c',
      'f',
      'x',
      'X',
      'b',
      ' ',
      '  ',
      '\t',
      '\n',
      '\r\n',
      '\\',
      '"',
      "'",
      '{',
      '}',
      '(',
      ')',
      ',',
      ':',
      '|',
      '*',
      '-',
      '.',
      '/*',
      '*/',
      '//',
      '0x',
      '\\x',
      '00000000',
      '00000010',
      '  |',
      '\u001b[1;31m',
      '----------------\t------------------',
      '|  0000000020  |\t| message length |',
      '| 00016 | R-A- |\t|  type | flags  |',
      '| 00 01 02 03  |\t|      data      |',
      '|00008|N-|00003|\t|len |flags| type|',
      'é',
      '\ud83d\ude00',
      '\ud800',
      '...',
    ),
    { maxLength: 120 },
  )
  .map((parts) => parts.join(''));

test('random text never throws, and every run is well formed', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), trickyText), fc.nat(), (text, seed) => {
      const runs = findHexRuns(text, 1);
      let lastStart = -1;
      for (const run of runs) {
        assert.ok(run.start >= lastStart);
        lastStart = run.start;
        assert.ok(run.start <= run.end && run.end <= text.length);
        assert.equal(run.byteStart.length, run.bytes.length);
        for (let i = 0; i < run.bytes.length; i++) {
          assert.ok((run.byteStart[i] as number) < (run.byteEnd[i] as number));
          assert.ok((run.byteEnd[i] as number) <= text.length);
        }
      }
      const offset = text.length === 0 ? 0 : seed % (text.length + 1);
      const hovered = findHexRunAt(text, offset, { minBytes: 1 });
      if (hovered && !hovered.truncated) {
        const match = runs.find((r) => r.start === hovered.start && r.end === hovered.end);
        assert.ok(match, `hover at ${offset} found a run findHexRuns did not: ${JSON.stringify(text)}`);
        assert.deepEqual(hovered.bytes, match.bytes);
      }
      const parsed = parseHexText(text);
      if ('error' in parsed) assert.ok(parsed.offset >= 0 && parsed.offset <= text.length);
    }),
    { numRuns: 1500 },
  );
});
