// The messages between the host and the index worker (indexWorker.ts): both run node, in one process.
import type { IndexBatch } from './indexBatch';

export interface IndexerInput {
  readonly path: string;
  /** Keep reading as the file grows (a capture being written), until `follow: false` or `stop`. */
  readonly follow: boolean;
}

export type IndexerRequest =
  | { readonly type: 'stop' }
  | { readonly type: 'follow'; readonly follow: boolean }
  /** The host has appended a batch: the worker reads on only while few batches wait (the host stays responsive). */
  | { readonly type: 'ack' };

export type IndexerOutput =
  | { readonly type: 'batch'; readonly batch: IndexBatch; readonly format: 'pcap' | 'pcapng' | undefined }
  /** Everything there is has been read (a followed file may still grow). */
  | { readonly type: 'atEnd'; readonly bytesRead: number; readonly totalBytes: number }
  /** The pass is over: the reader's end() ran (a truncated tail is a problem in the last batch). */
  | { readonly type: 'done'; readonly bytesRead: number }
  | { readonly type: 'failed'; readonly message: string };
