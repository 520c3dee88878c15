// Exchanges per second with a target over SSH, in one run against a real sshd on 127.0.0.1 (test/ssh/sshd.ts):
//   limit   the helper's own `bench` request: the same exchange timed inside the helper, no transport at all;
//   ours    HelperSession over one ssh session (ControlMaster), requests pipelined (several ids in flight);
//   naive   one `ssh target nlhelper xchg ...` per message, a new connection each (what a script would do);
//   and, for scale, one ssh command per message over the ControlMaster, and the ceiling of the helper's serve loop
//   itself (the same requests read from a file, the answers written to /dev/null: no consumer, no transport).
// The message is nlctrl GETFAMILY "nlctrl" (protocol 16): a family lookup, ~1.3 KB answer plus the ack.
// Goals: ours >= half the limit, ours >= 100x naive.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run as runProgram } from '../../extension/src/process/run';
import type { HelperSession } from '../../extension/src/target/helperSession';
import { shellCommand } from '../../extension/src/target/quote';
import { TargetManager, type TargetSession } from '../../extension/src/target/targets';
import { getFamily } from '../support/netlink-bytes';
import { startSshd, stopSshd, type SshdInfo } from '../ssh/sshd';
import { section, summarize, type Reporter } from './section';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PROTOCOL = 16;
const MESSAGE = getFamily(1, 'nlctrl');
const PIPELINED = 20_000; // exchanges per timed round through the session
const OUTSTANDING = 512; // exchange() calls not yet answered (the session writes up to its window ahead)
const ROUNDS = 5;
const NAIVE = 15; // ssh processes per naive round
const GOAL_OF_LIMIT = 0.5;
const GOAL_OVER_NAIVE = 100;

/** Exchanges per second through the session with `outstanding` calls open at any time. */
async function pipelinedRate(
  helper: HelperSession,
  count: number,
  outstanding: number,
): Promise<{ rate: number; cpu: number }> {
  let sent = 0;
  let done = 0;
  let failed: unknown;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      while (sent < count && sent - done < outstanding) {
        sent++;
        helper.exchange(PROTOCOL, MESSAGE, { timeoutMs: 1_000 }).then((r) => {
          if (r.outcome !== 'done' || r.replies.length !== 2)
            failed ??= new Error(`unexpected answer: ${r.outcome}, ${r.replies.length} replies`);
          if (++done === count) failed ? reject(failed) : resolve();
          else pump();
        }, reject);
      }
    };
    pump();
  });
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { rate: count / seconds, cpu: ((c.user + c.system) / 1e6 / count) * 1e6 };
}

/** Messages per second with one ssh process per message (argv as a script would run it). */
async function perProcessRate(argvFor: () => string[], n: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const argv = argvFor();
    const r = await runProgram(argv, { timeoutMs: 30_000 });
    if (r.code !== 0 || r.stdout.toString().trim().split('\n').length !== 2) {
      throw new Error(`${argv.slice(-1)[0]}: exit ${r.code}, ${r.stderr.slice(-300)}`);
    }
  }
  return n / ((performance.now() - t0) / 1000);
}

async function run(report: Reporter): Promise<void> {
  let sshd: SshdInfo | undefined;
  let manager: TargetManager | undefined;
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'nlwb-ssh-bench-'));
  try {
    sshd = await startSshd();
    const info = sshd;
    manager = new TargetManager({ extensionRoot: repo });
    await manager.setTargets(
      [
        {
          name: 'bench',
          destination: `root@127.0.0.1:${info.port}`,
          identityFile: info.userKey,
          knownHostsFile: info.knownHosts,
          useSudo: false,
          workFolder: path.join(scratch, 'work'),
          buildMode: 'remote',
          helperBuild: 'auto',
        },
      ],
      'bench',
    );
    const session: TargetSession = manager.session();
    const helper = await session.helper();
    const binary = session.deployedHelper?.binary as string;

    // Warm-up: sockets opened, JIT, ssh windows grown.
    await pipelinedRate(helper, 2_000, OUTSTANDING);
    const limits: number[] = [];
    const ours: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Interleaved, so a neighbour's load on this shared machine hits both alike.
      limits.push((await helper.bench(PROTOCOL, PIPELINED, 1_000, MESSAGE)).perSecond);
      const r = await pipelinedRate(helper, PIPELINED, OUTSTANDING);
      ours.push(r.rate);
      cpu.push(r.cpu);
    }
    const limit = summarize(limits).median;
    const oursRate = summarize(ours).median;

    const xchg = [
      binary,
      'xchg',
      '--protocol',
      String(PROTOCOL),
      '--timeout',
      '1000',
      Buffer.from(MESSAGE).toString('hex'),
    ];
    const plainSsh = [
      'ssh',
      '-T',
      '-o',
      'BatchMode=yes',
      '-o',
      `IdentityFile=${info.userKey}`,
      '-o',
      `UserKnownHostsFile=${info.knownHosts}`,
      '-o',
      'ControlMaster=no',
      '-o',
      'ControlPath=none',
      '-p',
      String(info.port),
      '--',
      'root@127.0.0.1',
      shellCommand(xchg),
    ];
    const naive = await perProcessRate(() => plainSsh, NAIVE);
    const muxed = await perProcessRate(() => session.connection.commandArgv(xchg), NAIVE * 2);

    // The serve loop's own ceiling, on this machine (which is the target): parse, exchange, hex out, flush per request.
    const requests = path.join(scratch, 'requests');
    const hex = Buffer.from(MESSAGE).toString('hex');
    writeFileSync(
      requests,
      Array.from({ length: PIPELINED }, (_, i) => `r${i} xchg ${PROTOCOL} 1000 ${hex}\n`).join(''),
    );
    const serveRounds: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const r = await runProgram(['sh', '-c', 'exec "$1" serve < "$2" > /dev/null', 'sh', binary, requests], {
        timeoutMs: 60_000,
      });
      if (r.code !== 0) throw new Error(`serve from a file: exit ${r.code} ${r.stderr}`);
      serveRounds.push(PIPELINED / ((performance.now() - t0) / 1000));
    }
    const serveCeiling = summarize(serveRounds).median;

    const ofLimit = oursRate / limit;
    const overNaive = oursRate / naive;
    report.row('limit: helper in-process bench', limit, 'xchg/s', `median of ${ROUNDS} x ${PIPELINED}`);
    report.row(
      'ours: HelperSession over one ssh session',
      oursRate,
      'xchg/s',
      `median of ${ROUNDS} x ${PIPELINED}, ${OUTSTANDING} open calls; host CPU ${summarize(cpu).median.toFixed(1)} us/xchg`,
    );
    report.row(
      'ceiling: helper serve loop, file in, /dev/null out',
      serveCeiling,
      'xchg/s',
      `median of 3 x ${PIPELINED}; no transport`,
    );
    report.row('naive: one ssh connection per message', naive, 'xchg/s', `${NAIVE} messages`);
    report.row('one ssh command per message over the ControlMaster', muxed, 'xchg/s', `${NAIVE * 2} messages`);
    report.row(
      'ours / limit',
      ofLimit,
      'x',
      ofLimit >= GOAL_OF_LIMIT ? `goal >= ${GOAL_OF_LIMIT}: met` : `goal >= ${GOAL_OF_LIMIT}: NOT met`,
    );
    report.row(
      'ours / serve-loop ceiling',
      oursRate / serveCeiling,
      'x',
      "what the transport and host keep of the helper's own serve rate",
    );
    report.row(
      'ours / naive',
      overNaive,
      'x',
      overNaive >= GOAL_OVER_NAIVE ? `goal >= ${GOAL_OVER_NAIVE}x: met` : `goal >= ${GOAL_OVER_NAIVE}x: NOT met`,
    );
    report.note(
      `message: nlctrl GETFAMILY "nlctrl" on protocol ${PROTOCOL} (2 answers, ~1.4 KB); target = this machine through sshd on 127.0.0.1; ` +
        `rounds of limit (${limits.map((v) => Math.round(v)).join(', ')}) and ours (${ours.map((v) => Math.round(v)).join(', ')}) interleaved`,
    );
  } finally {
    await manager?.dispose();
    if (sshd) await stopSshd(sshd);
    rmSync(scratch, { recursive: true, force: true });
  }
}

section('ssh', run);
