// The CLI's output path: text goes out in chunks, and a slow reader holds the writer back instead of letting
// writes pile up in memory; a failed stream ends the writing with its error instead of a wait that never ends.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { ChunkedWriter } from '../../extension/src/chunkedWriter';

/** A reader that takes a chunk every millisecond. */
function slowSink(received: string[]): Writable {
  return new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, done) {
      received.push(chunk.toString());
      setTimeout(done, 1);
    },
  });
}

describe('ChunkedWriter', () => {
  it('writes everything in order, never more than a chunk ahead of a slow reader', async () => {
    const received: string[] = [];
    const sink = slowSink(received);
    const writer = new ChunkedWriter(sink, 4096);
    let most = 0;
    const pieces = Array.from({ length: 2000 }, (_, i) => `${String(i).padStart(99, '.')}\n`);
    for (const piece of pieces) {
      await writer.write(piece);
      most = Math.max(most, sink.writableLength);
    }
    await writer.flush();
    await new Promise<void>((resolve) => sink.end(resolve));
    assert.equal(received.join(''), pieces.join(''));
    assert.ok(received.length >= 40, `${received.length} chunks`);
    assert.ok(most <= 4096 + 100, `${most} characters were waiting`);
  });

  it("ends with the stream's error", async () => {
    const broken = new Writable({
      write(_chunk, _encoding, done) {
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const writer = new ChunkedWriter(broken, 16);
    await assert.rejects(async () => {
      for (let i = 0; i < 100; i++) await writer.write('0123456789abcdef');
      await writer.flush();
    }, /EPIPE/);
  });

  it('writeBytes: after the text gathered before it, resolved only once the slow reader took the bytes', async () => {
    const received: string[] = [];
    const sink = slowSink(received);
    const writer = new ChunkedWriter(sink, 4096);
    await writer.write('text first;');
    const bytes = Buffer.from('bytes second');
    await writer.writeBytes(bytes);
    // Written: the caller may fill the same memory again without changing what the reader got.
    assert.equal(sink.writableLength, 0);
    bytes.fill(0x21);
    await new Promise<void>((resolve) => sink.end(resolve));
    assert.equal(received.join(''), 'text first;bytes second');
  });

  it("writeBytes rejects with the stream's error (EPIPE)", async () => {
    const broken = new Writable({
      write(_chunk, _encoding, done) {
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const writer = new ChunkedWriter(broken, 16);
    await assert.rejects(writer.writeBytes(Buffer.from('x')), /EPIPE/);
  });
});
