// Reading a file that a user or a workspace named, without trusting it: only a regular file (a FIFO, a device or a
// socket is refused before a byte is read: /dev/zero never ends, a FIFO waits for a writer forever), at most a limit
// of bytes counted while reading (a stat's size is 0 for /dev/zero and /proc files, and a file can grow between a
// stat and the read), within a time limit, and, for files a workspace supplies, only where their symlinks resolve
// inside it. One reader for every such file of the node-side code: spec files, exercise files, decoded files, and
// the CLI's stdin (a stream: the same byte cap, no type check, no time limit).
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import { sep } from 'node:path';

export interface BoundedReadOptions {
  /** Longest file accepted; one byte more is read to tell "exactly the limit" from "larger". */
  readonly maxBytes: number;
  /** Gives up after this long (checked before every read; the file is regular by then, so no read waits for a writer). */
  readonly timeoutMs?: number;
  /**
   * Folders (a workspace's) that the file must resolve inside after following every symlink: a link out of them is
   * refused. Without it, links are followed anywhere (a path the user named in their own settings or command line).
   */
  readonly within?: readonly string[];
}

export type BoundedText = { readonly text: string } | { readonly error: string };

/** What is read from a stream (the CLI's stdin) at most, and what a decode command takes as text: 64 MiB of hex. */
export const MAX_HEX_TEXT_BYTES = 64 * 1024 * 1024;

const DEFAULT_TIMEOUT_MS = 5000;
const CHUNK = 64 * 1024;

function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a directory';
  return 'an unknown kind';
}

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}

/** Blocks the thread for `ms` (a stdin set non-blocking by whoever started us answers EAGAIN until data comes). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Reads an open descriptor to its end, at most `maxBytes` (+1 to detect more), within `timeoutMs` when given (a
 * stream such as stdin has none: it ends when its writer is done). The bytes, or why not.
 */
export function readFdBounded(fd: number, maxBytes: number, timeoutMs?: number): { bytes: Buffer } | { error: string } {
  const start = Date.now();
  const chunks: Buffer[] = [];
  let total = 0;
  // A regular file (stdin redirected from one) is read in one piece of its size (+1 to see it end): no copy of
  // megabytes to join the pieces. The size is only a hint: the cap is still counted as bytes arrive.
  const chunkBytes = Math.min(Math.max(CHUNK, regularFileSize(fd) + 1), maxBytes + 1);
  for (;;) {
    if (timeoutMs !== undefined && Date.now() - start > timeoutMs)
      return { error: `not read within ${timeoutMs / 1000} s` };
    const want = Math.min(chunkBytes, maxBytes + 1 - total);
    const chunk = Buffer.allocUnsafe(want);
    let n: number;
    try {
      n = readSync(fd, chunk, 0, want, null);
    } catch (e) {
      if (errorCode(e) === 'EAGAIN') {
        sleepSync(5);
        continue;
      }
      return { error: `cannot read (${errorCode(e)})` };
    }
    if (n === 0) break;
    chunks.push(n === want ? chunk : chunk.subarray(0, n));
    total += n;
    if (total > maxBytes) return { error: `larger than ${formatBytes(maxBytes)}` };
  }
  return { bytes: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total) };
}

/** The size of the file `fd` reads when it is a regular file; 0 for a pipe, a terminal or anything else. */
function regularFileSize(fd: number): number {
  try {
    const st = fstatSync(fd);
    return st.isFile() ? st.size : 0;
  } catch {
    return 0;
  }
}

function resolvesInside(real: string, roots: readonly string[]): boolean {
  return roots.some((r) => real === r || real.startsWith(r.endsWith(sep) ? r : r + sep));
}

/**
 * Opens a file for reading, refusing anything but a regular file before a byte is read; with `within`, only where
 * its symlinks resolve inside those folders. The open descriptor (the caller closes it), or why not (without the
 * path: callers locate it).
 */
export function openRegularFile(path: string, within?: readonly string[]): { fd: number } | { error: string } {
  let target = path;
  // Non-blocking: opening a FIFO must not wait for a writer (the fstat below refuses it anyway).
  let flags = constants.O_RDONLY | constants.O_NONBLOCK;
  if (within) {
    try {
      target = realpathSync(path);
    } catch (e) {
      return { error: `cannot read (${errorCode(e)})` };
    }
    const roots = within.flatMap((r) => {
      try {
        return [realpathSync(r)];
      } catch {
        return [];
      }
    });
    if (!resolvesInside(target, roots))
      return { error: `resolves to ${target}, outside the workspace (symlinks are followed only inside it)` };
    // The resolved path has no symlink left: one appearing there now (a swap after the check) is refused by open.
    flags |= constants.O_NOFOLLOW;
  }
  let fd: number;
  try {
    fd = openSync(target, flags);
  } catch (e) {
    return { error: `cannot read (${errorCode(e)})` };
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    return { error: `not a regular file (${kindOf(st)})` };
  }
  return { fd };
}

/**
 * Reads the next bytes of a descriptor into `buf` for a reader that streams (a capture of any size is never held
 * whole): the count, 0 at the end, or why not. A regular file's read never waits; a stdin set non-blocking by
 * whoever started us answers EAGAIN until data comes, which is waited out here.
 */
export function readChunkSync(fd: number, buf: Uint8Array): number | { error: string } {
  for (;;) {
    try {
      return readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      if (errorCode(e) === 'EAGAIN') {
        sleepSync(5);
        continue;
      }
      return { error: `cannot read (${errorCode(e)})` };
    }
  }
}

/** A regular file's text (UTF-8), bounded in size and time; or why it was not read (without the path: callers locate it). */
export function readBoundedText(path: string, options: BoundedReadOptions): BoundedText {
  const opened = openRegularFile(path, options.within);
  if ('error' in opened) return opened;
  try {
    const read = readFdBounded(opened.fd, options.maxBytes, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    if ('error' in read) return read;
    return { text: read.bytes.toString('utf8') };
  } finally {
    closeSync(opened.fd);
  }
}
