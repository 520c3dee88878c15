// The byte JSON writer (netlink/render/jsonBytes.ts) must write exactly what JSON.stringify writes, compact and
// indented: on every decode of the fixtures and samples, on fuzzed (mutated) messages, on hostile strings, on
// values of any shape, and with buffers small enough that every value crosses a buffer boundary.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createRegistry, decodeMessages, encodeMessage, encodeString } from '../../extension/src/netlink/index';
import { JsonBytesWriter } from '../../extension/src/netlink/render/jsonBytes';
import { hostileString, mutatedMessage, sampleMessages } from '../fuzz/samples';

const RUNS = Number(process.env.FUZZ_UNIT_RUNS ?? 300);

/** What the writer writes for `write`. */
function writtenBytes(indent: 0 | 2, bufferBytes: number, write: (w: JsonBytesWriter) => void): Buffer {
  const parts: Uint8Array[] = [];
  const w: JsonBytesWriter = new JsonBytesWriter(
    (b) => {
      parts.push(b.slice());
      w.recycle(b);
    },
    indent,
    bufferBytes,
  );
  write(w);
  w.flush();
  return Buffer.concat(parts);
}

/** The same as a string, decoded as UTF-8 (which must not fail; a leading BOM is text like any other). */
function written(indent: 0 | 2, bufferBytes: number, write: (w: JsonBytesWriter) => void): string {
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(writtenBytes(indent, bufferBytes, write));
}

function assertSameJson(value: unknown, bufferBytes = 4096): void {
  assert.equal(
    written(0, bufferBytes, (w) => w.value(value)),
    JSON.stringify(value),
  );
  assert.equal(
    written(2, bufferBytes, (w) => w.value(value)),
    JSON.stringify(value, null, 2),
  );
}

/** JSON-like values whose object keys are not integer-like (JSON.stringify would move those first). */
const jsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, undefined, true, false, 0, -0, 1, -1, 0.5, 1e21, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), NaN),
    fc.double(),
    fc.integer(),
    hostileString(),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(
      fc.string({ maxLength: 8 }).filter((k) => !/^(0|[1-9]\d*)$/.test(k)),
      tie('value'),
      { maxKeys: 5 },
    ),
  ),
})).value;

describe('JSON byte writer', () => {
  it('writes every sample decode as JSON.stringify does, compact and indented', () => {
    const registry = createRegistry();
    let messages = 0;
    for (const s of sampleMessages()) {
      const decoded = decodeMessages(s.bytes, { protocol: s.protocol, registry });
      messages += decoded.length;
      assertSameJson(decoded);
      // Small buffers: every member and string meets a buffer's end somewhere.
      assertSameJson(decoded, 64);
    }
    assert.ok(messages > 50, `only ${messages} messages decoded`);
  });

  it('writes fuzzed decodes as JSON.stringify does', () => {
    const registry = createRegistry();
    fc.assert(
      fc.property(mutatedMessage(), ({ bytes, protocol }) => {
        assertSameJson(decodeMessages(bytes, { protocol, registry }), 256);
      }),
      { numRuns: RUNS },
    );
  });

  it('writes decoded hostile strings (controls, lone surrogates, astral) as JSON.stringify does', () => {
    const registry = createRegistry();
    fc.assert(
      fc.property(hostileString(), (text) => {
        const reply = encodeMessage({ type: 3, flags: 0, seq: 6, pid: 0 }, encodeString(text));
        const decoded = decodeMessages(reply, { protocol: 31, registry });
        assertSameJson(decoded, 128);
        assertSameJson({ text, list: [text, { text }] }, 16);
      }),
      { numRuns: RUNS },
    );
  });

  it('writes values of any shape as JSON.stringify does', () => {
    fc.assert(
      // Inside an array and an object: at the top, JSON.stringify(undefined) is no text at all.
      fc.property(jsonish, (v) => assertSameJson([v, { v }], 32)),
      { numRuns: RUNS },
    );
  });

  it('writes an attribute name met again with another kind, odd names, and more names than it keeps', () => {
    const attr = (name: string, kind: string, value: unknown): Record<string, unknown> => ({
      type: 1,
      name,
      kind,
      offset: 4,
      length: 8,
      nested: false,
      netByteOrder: false,
      value,
    });
    const list = [
      attr('A', 'u32', 1),
      attr('A', 'string', 'x'),
      attr('A', 'u32', 2),
      attr('\u00e9"\u0001\ud800', 'u8', 3),
      attr('\u00e9"\u0001\ud800', 'u8', 4),
      attr('x'.repeat(100), 'u8', 5),
      attr('x'.repeat(100), 'u8', 6),
    ];
    assertSameJson([list, { list }], 16);
    const many = Array.from({ length: 5000 }, (_, i) => attr(`N${i % 4500}`, i % 3 ? 'u16' : 'u32', i));
    assertSameJson(many, 512);
  });

  it('writes decode after decode through one writer as JSON.stringify of each', () => {
    const registry = createRegistry();
    const decodes = sampleMessages().map((s) => decodeMessages(s.bytes, { protocol: s.protocol, registry }));
    for (const indent of [0, 2] as const)
      assert.equal(
        written(indent, 64, (w) => decodes.forEach((d) => w.value(d))),
        decodes.map((d) => JSON.stringify(d, null, indent)).join(''),
      );
  });

  it('writes merged objects as JSON.stringify of the spread, and text as UTF-8', () => {
    const registry = createRegistry();
    const [m] = decodeMessages(sampleMessages()[0]!.bytes, { protocol: 0, registry });
    const prefix = { run: 3, source: { line: 7, call: 'recvmsg' }, skipped: undefined };
    for (const indent of [0, 2] as const)
      assert.equal(
        written(indent, 100, (w) => w.merged(prefix, m!, 0)),
        JSON.stringify({ ...prefix, ...m }, null, indent),
      );
    assert.equal(
      written(0, 100, (w) => w.merged({}, {}, 0)),
      '{}',
    );
    fc.assert(
      fc.property(fc.array(hostileString(), { maxLength: 20 }), (pieces) => {
        const s = pieces.join('');
        assert.deepEqual(
          writtenBytes(0, 64, (w) => w.text(s)),
          Buffer.from(s, 'utf8'),
        );
      }),
      { numRuns: RUNS },
    );
  });
});
