// The nlreply module builds warning-free (W=1) against Debian bookworm's 6.1 and 6.12 kernel headers, is
// checkpatch-clean, and its YNL-style spec parses. Loading it needs a kernel with module support: test/lab does.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';

import { parse } from 'yaml';

import { repoRoot } from './helper-process';
import { headersFor } from './kernelHeaders';

const run = promisify(execFile);
const kmod = path.join(repoRoot, 'kmod');

async function checkpatch(): Promise<string> {
  if (process.env.NLREPLY_CHECKPATCH) return process.env.NLREPLY_CHECKPATCH;
  const { stdout } = await run('bash', [path.join(repoRoot, 'test/native/fetch-checkpatch.sh')], {
    maxBuffer: 1 << 24,
  });
  return stdout.trim().split('\n').pop() ?? '';
}

/** The .modinfo section: key=value strings separated by NULs. */
async function modinfo(ko: string, dir: string): Promise<string[]> {
  const out = path.join(dir, 'modinfo.bin');
  await run('objcopy', ['-O', 'binary', '--only-section=.modinfo', ko, out]);
  return readFileSync(out, 'latin1').split('\0').filter(Boolean);
}

describe('kmod/nlreply', () => {
  for (const series of ['6.1', '6.12']) {
    test(
      `builds with W=1 against Debian bookworm ${series} headers, without a warning`,
      { timeout: 300_000 },
      async (t) => {
        const kdir = await headersFor(series);
        assert.ok(existsSync(path.join(kdir, 'Makefile')), `no headers at ${kdir}`);
        const release = path.basename(kdir).replace(/^linux-headers-/, '');
        // A copy, so parallel builds for two kernels do not share objects and the source tree stays clean.
        const dir = mkdtempSync(path.join(os.tmpdir(), `nlreply-${series}-`));
        try {
          for (const f of ['Kbuild', 'Makefile', 'nlreply.c']) copyFileSync(path.join(kmod, f), path.join(dir, f));
          const { stdout, stderr } = await run('make', ['-C', dir, `KDIR=${kdir}`, 'W=1'], { maxBuffer: 1 << 24 });
          const output = stdout + stderr;
          const warnings = output.split('\n').filter((l) => /warn|error/i.test(l));
          assert.deepEqual(warnings, [], output);
          const ko = path.join(dir, 'nlreply.ko');
          assert.ok(existsSync(ko), output);
          const info = await modinfo(ko, dir);
          for (const p of ['protocol', 'received', 'replied', 'unicast_failures', 'malformed']) {
            assert.ok(
              info.some((l) => l.startsWith(`parm=${p}:`)),
              `parm ${p} in ${info.join(' | ')}`,
            );
          }
          assert.ok(info.includes('parmtype=protocol:int'));
          assert.ok(info.includes('license=GPL'));
          assert.ok(info.some((l) => l.startsWith('description=')));
          assert.ok(
            info.some((l) => l.startsWith(`vermagic=${release} `)),
            info.join(' | '),
          );
          t.diagnostic(`built for ${release}`);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  }

  test('checkpatch.pl --strict finds nothing in nlreply.c', { timeout: 300_000 }, async () => {
    const script = await checkpatch();
    const { stdout } = await run(
      'perl',
      [script, '--no-tree', '--strict', '--show-types', '-f', path.join(kmod, 'nlreply.c')],
      { maxBuffer: 1 << 24 },
    ).catch((err: { stdout?: string; stderr?: string }) => ({ stdout: `${err.stdout ?? ''}${err.stderr ?? ''}` }));
    assert.match(stdout, /total: 0 errors, 0 warnings, 0 checks/, stdout);
  });

  test('nlreply.yaml: netlink-raw spec of protocol 31 with the text-payload request and NLMSG_DONE reply', () => {
    const spec = parse(readFileSync(path.join(kmod, 'nlreply.yaml'), 'utf8')) as {
      name: string;
      protocol: string;
      protonum: number;
      doc: string;
      operations: {
        list: Array<{ name: string; do: { request: Record<string, unknown>; reply: Record<string, unknown> } }>;
      };
    };
    assert.equal(spec.name, 'nlreply');
    assert.equal(spec.protocol, 'netlink-raw');
    assert.equal(spec.protonum, 31);
    assert.match(spec.doc, /message from port <sender port id> processed by kernel/);
    const [op] = spec.operations.list;
    assert.equal(op.name, 'request');
    assert.deepEqual(op.do.request, { value: 16, 'x-text-payload': true });
    assert.deepEqual(op.do.reply, { value: 3, 'x-text-payload': true });
    // The module's source and the spec agree on the text.
    const source = readFileSync(path.join(kmod, 'nlreply.c'), 'utf8');
    assert.match(source, /"message from port %u processed by kernel"/);
    assert.match(source, /static int protocol = 31;/);
  });
});
