// Extracts the uncompressed kernel (an ELF vmlinux) from a bzImage. QEMU boots that ELF through PVH directly,
// which saves the guest ~6 s of decompressing itself under TCG (LAB.md).
// Where the compressed payload is: the x86 boot protocol's setup header (>= 2.08) has payload_offset and
// payload_length, relative to the protected-mode code that starts after the (setup_sects + 1) * 512-byte setup.
// The kernel build appends the uncompressed size (le32) to the payload; it is checked against the result.
import { gunzipSync } from 'node:zlib';
import { LabError } from './errors';
import { run } from '../process/run';

type Compression = 'gzip' | 'xz' | 'zstd' | 'lzma' | 'lz4';

const MAGICS: ReadonlyArray<{ kind: Compression; bytes: readonly number[] }> = [
  { kind: 'gzip', bytes: [0x1f, 0x8b, 0x08] },
  { kind: 'xz', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { kind: 'zstd', bytes: [0x28, 0xb5, 0x2f, 0xfd] },
  { kind: 'lzma', bytes: [0x5d, 0x00, 0x00] },
  { kind: 'lz4', bytes: [0x02, 0x21, 0x4c, 0x18] },
];

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

function magicAt(buf: Buffer, offset: number): Compression | undefined {
  for (const m of MAGICS) {
    if (offset + m.bytes.length <= buf.length && m.bytes.every((b, i) => buf[offset + i] === b)) return m.kind;
  }
  return undefined;
}

export interface Payload {
  kind: Compression;
  /** Compressed bytes without the appended size. */
  data: Buffer;
  /** Uncompressed size as appended by the kernel build. */
  expectedSize: number;
}

/** Finds the compressed kernel inside a bzImage via the setup header. */
export function findPayload(bzImage: Buffer): Payload {
  if (bzImage.length < 0x250 || bzImage.toString('latin1', 0x202, 0x206) !== 'HdrS') {
    throw new LabError('vmlinux', 'not a bzImage (no "HdrS" setup header at 0x202)');
  }
  const version = bzImage.readUInt16LE(0x206);
  if (version < 0x208) throw new LabError('vmlinux', `boot protocol ${version.toString(16)} too old (< 2.08)`);
  const setupSects = bzImage[0x1f1] || 4;
  const pmStart = (setupSects + 1) * 512;
  const start = pmStart + bzImage.readUInt32LE(0x248);
  const length = bzImage.readUInt32LE(0x24c);
  if (length < 8 || start + length > bzImage.length) {
    throw new LabError('vmlinux', `payload ${start}+${length} lies outside the ${bzImage.length}-byte image`);
  }
  const kind = magicAt(bzImage, start);
  if (!kind) {
    const head = bzImage.subarray(start, start + 6).toString('hex');
    throw new LabError('vmlinux', `unknown compression at payload offset ${start} (bytes ${head})`);
  }
  return {
    kind,
    data: bzImage.subarray(start, start + length - 4),
    expectedSize: bzImage.readUInt32LE(start + length - 4),
  };
}

async function decompressWith(argv: string[], data: Buffer): Promise<Buffer> {
  const r = await run(argv, { input: data, timeoutMs: 120_000 });
  if (r.timedOut || r.code !== 0) {
    throw new LabError('vmlinux', `${argv.join(' ')} failed (${r.timedOut ? 'timeout' : r.code})`, r.stderr);
  }
  return r.stdout;
}

export async function decompress(p: Payload): Promise<Buffer> {
  switch (p.kind) {
    case 'gzip':
      return gunzipSync(p.data);
    case 'xz':
      return decompressWith(['xz', '-dc', '--single-stream'], p.data);
    case 'lzma':
      return decompressWith(['xz', '-dc', '--format=lzma'], p.data);
    case 'zstd':
      return decompressWith(['zstd', '-dcq'], p.data);
    case 'lz4':
      return decompressWith(['lz4', '-dcq'], p.data);
  }
}

export async function extractVmlinux(bzImage: Buffer): Promise<Buffer> {
  const payload = findPayload(bzImage);
  const elf = await decompress(payload);
  if (!elf.subarray(0, 4).equals(ELF_MAGIC)) throw new LabError('vmlinux', `${payload.kind} payload is not an ELF`);
  if (elf.length !== payload.expectedSize) {
    throw new LabError('vmlinux', `decompressed ${elf.length} bytes, the image says ${payload.expectedSize}`);
  }
  return elf;
}
