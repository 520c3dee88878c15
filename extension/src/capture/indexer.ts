// Runs the index worker for one file and keeps its index: batches appended as they come, a callback after each
// (the viewer's progress and its first rows), follow/stop for a file being written. Node only, no vscode: the
// bench runs it as the viewer does.
import { Worker } from 'node:worker_threads';
import { CaptureIndex } from './captureIndex';
import type { IndexerInput, IndexerOutput, IndexerRequest } from './indexerMessages';

export interface IndexerState {
  readonly format: 'pcap' | 'pcapng' | undefined;
  readonly totalBytes: number;
  /** Everything in the file (as last looked at) is indexed. */
  readonly atEnd: boolean;
  /** The worker finished (not following any more). */
  readonly done: boolean;
  readonly failed: string | undefined;
}

export class CaptureIndexer {
  readonly index = new CaptureIndex();
  private worker: Worker | undefined;
  private st: { -readonly [K in keyof IndexerState]: IndexerState[K] } = {
    format: undefined,
    totalBytes: 0,
    atEnd: false,
    done: false,
    failed: undefined,
  };
  /** Resolves when the worker has finished (done, failed or stopped). */
  readonly finished: Promise<void>;

  constructor(
    /** dist/captureIndex.js */
    workerScript: string,
    input: IndexerInput,
    private readonly onChange: (indexer: CaptureIndexer) => void,
  ) {
    // Not the parent's node flags (a test runner's loader): the bundle needs none.
    const worker = new Worker(workerScript, { workerData: input, execArgv: [] });
    this.worker = worker;
    this.finished = new Promise((resolve) => {
      worker.on('message', (m: IndexerOutput) => this.receive(m));
      worker.on('error', (e) => {
        this.st.failed = e.message;
        this.onChange(this);
      });
      worker.on('exit', () => {
        this.worker = undefined;
        this.st.done = true;
        this.onChange(this);
        resolve();
      });
    });
  }

  get state(): IndexerState {
    return this.st;
  }

  /** Keep following the file's growth, or read what is there and finish. */
  follow(follow: boolean): void {
    this.worker?.postMessage({ type: 'follow', follow } satisfies IndexerRequest);
  }

  /** Stops reading; the index keeps what it has. */
  async dispose(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    w.postMessage({ type: 'stop' } satisfies IndexerRequest);
    // A worker stuck in a read is ended after a moment.
    const timer = setTimeout(() => void w.terminate(), 2000);
    await this.finished;
    clearTimeout(timer);
  }

  private receive(m: IndexerOutput): void {
    switch (m.type) {
      case 'batch':
        this.index.append(m.batch);
        // Acknowledged after whatever else waits in the event loop (the viewer's requests) has had its turn.
        setImmediate(() => this.worker?.postMessage({ type: 'ack' } satisfies IndexerRequest));
        this.st.format ??= m.format;
        this.st.totalBytes = Math.max(this.st.totalBytes, m.batch.bytesRead);
        this.st.atEnd = false;
        break;
      case 'atEnd':
        this.st.atEnd = true;
        this.st.totalBytes = m.totalBytes;
        break;
      case 'done':
        this.st.atEnd = true;
        this.index.end();
        break;
      case 'failed':
        this.st.failed = m.message;
        break;
    }
    this.onChange(this);
  }
}
