// The generic netlink template (kmod-genl/) builds warning-free (W=1) against Debian bookworm's 6.1 and 6.12 kernel
// headers, and its hand-written C is checkpatch-clean (the generated files are the kernel generator's). Loading it
// and talking to its family: test/lab/genl-template.test.ts.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';

import { repoRoot } from './helper-process';
import { headersFor } from './kernelHeaders';

const run = promisify(execFile);
const template = path.join(repoRoot, 'kmod-genl');

describe('kmod-genl/genldemo', () => {
  for (const series of ['6.1', '6.12']) {
    test(
      `builds with W=1 against Debian bookworm ${series} headers, without a warning`,
      { timeout: 300_000 },
      async () => {
        const kdir = await headersFor(series);
        const dir = mkdtempSync(path.join(os.tmpdir(), `genldemo-${series}-`));
        try {
          cpSync(template, dir, { recursive: true });
          const { stdout, stderr } = await run('make', ['-C', dir, `KDIR=${kdir}`, 'W=1'], { maxBuffer: 1 << 24 });
          const output = stdout + stderr;
          assert.deepEqual(
            output.split('\n').filter((l) => /warn|error/i.test(l)),
            [],
            output,
          );
          assert.ok(existsSync(path.join(dir, 'genldemo.ko')), output);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  }

  test('checkpatch.pl --strict finds nothing in genldemo-main.c', { timeout: 300_000 }, async () => {
    const script =
      process.env.NLREPLY_CHECKPATCH ??
      (await run('bash', [path.join(repoRoot, 'test/native/fetch-checkpatch.sh')], { maxBuffer: 1 << 24 })).stdout
        .trim()
        .split('\n')
        .pop() ??
      '';
    const { stdout } = await run(
      'perl',
      [script, '--no-tree', '--strict', '--show-types', '-f', path.join(template, 'genldemo-main.c')],
      { maxBuffer: 1 << 24 },
    ).catch((err: { stdout?: string; stderr?: string }) => ({ stdout: `${err.stdout ?? ''}${err.stderr ?? ''}` }));
    assert.match(stdout, /total: 0 errors, 0 warnings, 0 checks/, stdout);
  });
});
