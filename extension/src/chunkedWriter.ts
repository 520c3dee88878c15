// Output for long CLI results: text is gathered into chunks of about 64 KiB and written one chunk at a time,
// waiting for 'drain' when the reader is slower (a pipe into less or a file on a slow disk), so a decode of
// thousands of messages never sits in memory as one string and never queues unbounded writes.
import { once } from 'node:events';

const CHUNK_CHARS = 1 << 16;

export class ChunkedWriter {
  private pending: string[] = [];
  private size = 0;
  private failure: Error | undefined;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly chunkChars = CHUNK_CHARS,
  ) {
    // Recorded here and thrown by the next write: an error nobody listens for would end the process instead.
    stream.on('error', (e: Error) => {
      this.failure ??= e;
    });
  }

  /** Adds text; writes a chunk once enough has gathered, after the reader took the previous ones. */
  async write(text: string): Promise<void> {
    this.pending.push(text);
    this.size += text.length;
    if (this.size >= this.chunkChars) await this.flush();
  }

  /**
   * Writes bytes the caller already encoded (a large output built as UTF-8 in place, which saves joining and
   * encoding strings), after the text gathered before them. Resolves once the stream has written them (its write
   * callback), so the caller may then fill the same bytes again; rejects with the stream's error (EPIPE).
   */
  async writeBytes(bytes: Uint8Array): Promise<void> {
    await this.flush();
    if (bytes.length === 0) return;
    await new Promise<void>((resolve, reject) => {
      this.stream.write(bytes, (e?: Error | null) => (e ? reject(e) : resolve()));
    });
    if (this.failure) throw this.failure;
  }

  /** Writes what has gathered and waits until the stream takes more. */
  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.size === 0) return;
    const chunk = this.pending.join('');
    this.pending = [];
    this.size = 0;
    // once() rejects when 'error' comes first, so a closed pipe ends the wait instead of hanging it.
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
    if (this.failure) throw this.failure;
  }
}
