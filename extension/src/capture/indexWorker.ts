// The capture index worker (bundled to dist/captureIndex.js, run in a node worker thread): reads the file once
// from the start in chunks through the codec's CaptureReader and posts the index in batches, the first one after
// the first chunk so the viewer shows rows at once. Following a file (a live capture), it keeps polling for more
// bytes until told to stop. Nothing here throws to the host: a read error is a message.
import { open } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { CaptureReader } from '../netlink/capture/reader';
import { BatchBuilder, columnBuffers } from './indexBatch';
import type { IndexerInput, IndexerOutput, IndexerRequest } from './indexerMessages';

const CHUNK = 1 << 20;
/** A batch goes out when it holds this many entries, or when this long has passed with some. */
const BATCH_ENTRIES = 4096;
const BATCH_MS = 100;
const FOLLOW_POLL_MS = 200;
/** Batches posted and not yet appended by the host, at most: without a bound a fast disk floods the host's event
 * loop with batches and the viewer's own requests (the first screen of rows) wait behind all of them. */
const MAX_UNACKED = 2;

/** Counts the batches the host has not acknowledged; `room()` waits until another may go. */
class FlowControl {
  private unacked = 0;
  private wake: (() => void) | undefined;
  sent(): void {
    this.unacked++;
  }
  ack(): void {
    this.unacked = Math.max(0, this.unacked - 1);
    this.wake?.();
  }
  async room(stopped: () => boolean): Promise<void> {
    while (this.unacked >= MAX_UNACKED && !stopped()) await new Promise<void>((r) => (this.wake = r));
    this.wake = undefined;
  }
  /** Stop: let a waiting reader go. */
  release(): void {
    this.wake?.();
  }
}

async function run(
  input: IndexerInput,
  post: (m: IndexerOutput) => void,
  stopped: () => boolean,
  following: () => boolean,
  flow: FlowControl,
): Promise<void> {
  const builder = new BatchBuilder();
  const reader = new CaptureReader({
    record: (r) => builder.record(r),
    problem: (p) => builder.problem(p),
    marker: (m) => builder.marker(m),
  });
  let position = 0;
  let lastPost = 0;
  const flush = (force: boolean): void => {
    if (builder.size === 0 && !force) return;
    const batch = builder.take(position);
    post({ type: 'batch', batch, format: reader.format });
    flow.sent();
    lastPost = Date.now();
  };
  const file = await open(input.path, 'r');
  try {
    const buffer = new Uint8Array(CHUNK);
    let sentFirst = false;
    for (;;) {
      await flow.room(stopped);
      if (stopped()) break;
      const { bytesRead } = await file.read(buffer, 0, CHUNK, position);
      if (bytesRead > 0) {
        position += bytesRead;
        reader.push(buffer.subarray(0, bytesRead));
        if (!sentFirst || builder.size >= BATCH_ENTRIES || Date.now() - lastPost >= BATCH_MS) {
          flush(!sentFirst);
          sentFirst = true;
        }
        continue;
      }
      // At the end of what is there now.
      flush(true);
      const size = (await file.stat()).size;
      post({ type: 'atEnd', bytesRead: position, totalBytes: size });
      if (!following()) break;
      await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS));
    }
    reader.end();
    flush(true);
    post({ type: 'done', bytesRead: position });
  } finally {
    await file.close();
  }
}

const port = parentPort;
if (port) {
  const input = workerData as IndexerInput;
  let stop = false;
  let follow = input.follow;
  const flow = new FlowControl();
  port.on('message', (m: IndexerRequest) => {
    if (m.type === 'ack') flow.ack();
    else if (m.type === 'stop') {
      stop = true;
      flow.release();
    } else follow = m.follow;
  });
  const post = (m: IndexerOutput): void => {
    if (m.type === 'batch') port.postMessage(m, columnBuffers(m.batch.columns));
    else port.postMessage(m);
  };
  run(
    input,
    post,
    () => stop,
    () => follow,
    flow,
  )
    .catch((e: unknown) => post({ type: 'failed', message: e instanceof Error ? e.message : String(e) }))
    // The port's listener would keep the thread alive: closing it ends the worker once the pass is over.
    .finally(() => port.close());
}
