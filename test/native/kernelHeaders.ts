// Debian kernel headers for the native tier's module builds: the KDIR run.sh fetched (NLREPLY_KDIR_<series>), or
// fetched now by fetch-kernel-headers.sh into the cache.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './helper-process';

const run = promisify(execFile);

/** KDIR for a series ("6.1", "6.12"). */
export async function headersFor(series: string): Promise<string> {
  const fromEnv = process.env[`NLREPLY_KDIR_${series.replace('.', '_')}`];
  if (fromEnv) return fromEnv;
  const { stdout } = await run('bash', [path.join(repoRoot, 'test/native/fetch-kernel-headers.sh'), series], {
    maxBuffer: 1 << 24,
  });
  return stdout.trim().split('\n').pop() ?? '';
}
