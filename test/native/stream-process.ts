// Running nlhelper's streaming commands (capture, monitor) from the tests: the binary stdout collected, the
// "ready" line on stderr awaited, the exit awaited with a deadline, the stream read back with the codec's reader.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

import {
  CaptureReader,
  type CaptureMarker,
  type CaptureProblem,
  type CaptureRecord,
} from '../../extension/src/netlink/capture/reader';
import { requireBinary } from './helper-process';

export interface StreamExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ReadBack {
  format: string | undefined;
  records: CaptureRecord[];
  markers: CaptureMarker[];
  problems: CaptureProblem[];
}

/** A running stream command; @prefix (e.g. ['unshare', '-n', '--']) runs before the helper. */
export class StreamProcess {
  readonly chunks: Buffer[] = [];
  stderr = '';
  readonly exited: Promise<StreamExit>;
  private readonly stderrListeners: Array<() => void> = [];

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (c: Buffer) => this.chunks.push(c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      this.stderr += c;
      for (const l of this.stderrListeners.splice(0)) l();
    });
    this.exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  }

  static start(binary: string, args: string[], prefix: string[] = []): StreamProcess {
    const argv = [...prefix, requireBinary(binary), ...args];
    return new StreamProcess(spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  /** Wait until stderr matches @pattern (the command's ready line); fails with stderr after @timeoutMs. */
  async ready(pattern: RegExp, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let gone = false;
    void this.exited.then(() => (gone = true));
    while (!pattern.test(this.stderr)) {
      const left = deadline - Date.now();
      if (left <= 0 || gone) throw new Error(`no ${pattern} on stderr within ${timeoutMs} ms: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.stderrListeners.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Wait for the exit; SIGKILL after @timeoutMs (then the result says signal SIGKILL, which tests refuse). */
  async exit(timeoutMs = 10_000): Promise<StreamExit> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Read a whole stream with the codec's reader, in chunks of @chunkSize (records are copied: views do not last). */
export function readBack(bytes: Uint8Array, chunkSize = 4096): ReadBack {
  const out: ReadBack = { format: undefined, records: [], markers: [], problems: [] };
  const reader = new CaptureReader({
    record: (r) => out.records.push({ ...r, bytes: r.bytes.slice() }),
    problem: (p) => out.problems.push(p),
    marker: (m) => out.markers.push(m),
  });
  for (let at = 0; at < bytes.length; at += chunkSize) reader.push(bytes.subarray(at, at + chunkSize));
  reader.end();
  out.format = reader.format;
  return out;
}

export interface WireMessage {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  bytes: Uint8Array;
}

/** The netlink messages of one captured packet (a datagram may carry several: a dump part and its DONE). */
export function messagesOf(packet: Uint8Array): WireMessage[] {
  const out: WireMessage[] = [];
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  for (let at = 0; at + 16 <= packet.length;) {
    const len = view.getUint32(at, true);
    if (len < 16 || at + len > packet.length) break;
    out.push({
      type: view.getUint16(at + 4, true),
      flags: view.getUint16(at + 6, true),
      seq: view.getUint32(at + 8, true),
      pid: view.getUint32(at + 12, true),
      bytes: packet.subarray(at, at + len),
    });
    at += (len + 3) & ~3;
  }
  return out;
}
