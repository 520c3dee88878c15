// `decode --json` output: one JSON array of the decoded messages, the same text as JSON.stringify(all, null, 2)
// (plus a newline), streamed as UTF-8 bytes written in place (netlink/render/jsonBytes.ts) a buffer at a time: no
// string per message or batch, no copy to splice one, no second pass to encode it.
import type { ChunkedWriter } from './chunkedWriter';
import type { DecodedMessage } from './netlink/index';
import { JsonBytesWriter } from './netlink/render/jsonBytes';

const BUFFER_BYTES = 256 * 1024;

export class JsonArrayOutput {
  private readonly json: JsonBytesWriter;
  private full: Uint8Array[] = [];
  private first = true;

  constructor(private readonly out: ChunkedWriter) {
    this.json = new JsonBytesWriter((b) => this.full.push(b), 2, BUFFER_BYTES);
    this.json.text('[');
  }

  /** Writes a message as the array's next element; with `prefix`'s members first when given. */
  async message(m: DecodedMessage, prefix: object | undefined): Promise<void> {
    this.json.text(this.first ? '\n  ' : ',\n  ');
    this.first = false;
    if (prefix) this.json.merged(prefix, m, 1);
    else this.json.value(m, 1);
    if (this.full.length > 0) await this.drain();
  }

  /** Closes the array and writes everything out. */
  async end(): Promise<void> {
    this.json.text(this.first ? ']\n' : '\n]\n');
    this.json.flush();
    await this.drain();
  }

  private async drain(): Promise<void> {
    const ready = this.full;
    this.full = [];
    for (const b of ready) {
      await this.out.writeBytes(b);
      this.json.recycle(b);
    }
  }
}
