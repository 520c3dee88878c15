// The builder's operation picker against this machine's kernel, which has the netdev family (the lab's Debian 6.1
// does not; test/lab/kernel-6.12.test.ts runs the same checks, test/support/netdevDevGet.ts, on Debian's 6.12):
// netdev dev-get built from the kernel's own spec (linux-source-6.12), the id resolved by name, sent through the
// builder's exchange path with nlhelper xchg run here (native/build/nlhelper, as on a target), the replies decoded
// by the spec. Do for lo (ifindex 1), and the dump (lo among the devices).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { OneShotExchanger } from '../../extension/src/exercise/oneShot';
import { netdevDevGet, netdevDevGetDump } from '../support/netdevDevGet';
import { sendForm, specForm, specRegistry } from '../support/specRequest';
import { nativeBuild, requireBinary } from './helper-process';
import { join } from 'node:path';

const CACHE = process.env.NETLINK_CACHE ?? join(nativeBuild, '..', '..', '.cache');

/** Runs argv here, as the SSH target and the lab VM run it there. */
const here = {
  exec: (argv: readonly string[], o: { timeoutMs: number }) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(argv[0]!, argv.slice(1), { timeout: o.timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, stdout, stderr });
      });
    }),
};

describe('builder operations on this machine: netdev', () => {
  const exchanger = new OneShotExchanger(here, requireBinary(join(nativeBuild, 'nlhelper')));
  const registry = specRegistry(CACHE);

  test('netdev dev-get do, ifindex 1: one reply for lo, decoded by the spec', async () => {
    await netdevDevGet(exchanger, registry, 1);
  });

  test('netdev dev-get do, ifindex 0: stopped by the spec before sending (checks min 1)', async () => {
    const s = await specForm(exchanger, registry, 'netdev', 'dev-get do', [['ifindex', '0']]);
    await assert.rejects(sendForm(exchanger, registry, s), /below the spec's minimum 1/);
  });

  test('netdev dev-get dump: lo among the devices', async () => {
    await netdevDevGetDump(exchanger, registry, [1]);
  });
});
