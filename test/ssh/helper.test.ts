// HelperSession over SSH against this machine's kernel: dumps, generic netlink, kernel errors with ext-ack text as
// results (also through the exercise runner and the builder, its callers), multicast events, pipelining, and what
// happens when the helper or the connection dies mid-request (a TransportError).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runExchange } from '../../extension/src/builder/exchange';
import { resolveFamilyId } from '../../extension/src/builder/resolveFamily';
import { TransportError } from '../../extension/src/exchange/exchanger';
import { parseExerciseText } from '../../extension/src/exercise/loadFile';
import { runExercise } from '../../extension/src/exercise/runner';
import { toHex } from '../../extension/src/netlink/index';
import { HelperRequestError, type HelperEvent, type HelperSession } from '../../extension/src/target/helperSession';
import type { TargetSession } from '../../extension/src/target/targets';
import { sleep, useRemote, type Remote } from './fixture';
import {
  GENL_ID_CTRL,
  NLMSG_DONE,
  NLMSG_ERROR,
  RTM_DELADDR,
  RTM_NEWADDR,
  RTM_NEWLINK,
  RTNLGRP_IPV4_IFADDR,
  errorCode,
  getFamily,
  getLinkDump,
  header,
  loopbackAddr,
  newLinkBogusKind,
  noop,
  parseError,
} from '../support/netlink-bytes';
import { sshdPidsServing } from './sshd';

let remote: Remote;
let session: TargetSession;
let helper: HelperSession;

before(async () => {
  remote = await useRemote();
  const m = await remote.manager([remote.target('helper')]);
  session = m.session();
  helper = await session.helper();
});
after(async () => {
  await remote.release();
});

/** Starts a request that cannot finish by itself (no answer, 5 s helper timeout) and returns its promise. */
function hangingRequest(): Promise<unknown> {
  return helper.exchange(0, noop(99), { timeoutMs: 5_000 });
}

async function failsFast(
  pending: Promise<unknown>,
  kill: () => Promise<void>,
): Promise<{ ms: number; error: TransportError }> {
  const settled = pending.then(
    () => undefined,
    (e: unknown) => e,
  );
  await sleep(300); // the request is written and waiting in the helper
  const t = performance.now();
  await kill();
  const e = await settled;
  const ms = performance.now() - t;
  assert.ok(e instanceof TransportError, `expected a TransportError, got ${String(e)}`);
  return { ms, error: e };
}

describe('HelperSession over SSH', () => {
  test('RTM_GETLINK dump on protocol 0: one reply per link, then NLMSG_DONE', async () => {
    const r = await helper.exchange(0, getLinkDump(7), { timeoutMs: 5_000 });
    assert.equal(r.outcome, 'done');
    const h = r.replies.map(header);
    assert.ok(h.length >= 2, `${h.length} replies`);
    assert.ok(h.slice(0, -1).every((m) => m.type === RTM_NEWLINK && m.seq === 7));
    assert.equal(h[h.length - 1]?.type, NLMSG_DONE);
    assert.ok(
      h.every((m, i) => m.len === r.replies[i]?.length),
      'each reply is one whole message',
    );
  });

  test('nlctrl GETFAMILY on protocol 16: the family, then the ack', async () => {
    const r = await helper.exchange(16, getFamily(8, 'nlctrl'), { timeoutMs: 5_000 });
    assert.equal(r.outcome, 'done');
    assert.deepEqual(
      r.replies.map((m) => header(m).type),
      [GENL_ID_CTRL, NLMSG_ERROR],
    );
    assert.equal(errorCode(r.replies[1] as Uint8Array), 0);
  });

  test('a kernel error is a result, not a throw: errno, name, ext-ack text and the NLMSG_ERROR bytes', async () => {
    const r = await helper.exchange(0, newLinkBogusKind(9), { timeoutMs: 5_000 });
    assert.equal(r.outcome, 'done');
    assert.equal(r.replies.length, 1);
    const k = r.kernelError;
    assert.ok(k, 'the result carries the kernel error');
    assert.deepEqual([k.errno, k.name, k.message], [95, 'EOPNOTSUPP', 'Unknown device type']);
    assert.equal(k.bytes, r.replies[0], 'the error message is the reply that carried it');
    const m = header(k.bytes);
    assert.deepEqual([m.type, m.seq], [NLMSG_ERROR, 9]);
    assert.deepEqual(parseError(m), { error: -95, text: 'Unknown device type' });
    assert.ok(r.elapsedMs >= 0 && r.elapsedMs < 5_000, `elapsed ${r.elapsedMs} ms`);

    const miss = await helper.exchange(16, getFamily(10, 'nlwb-nofamily'), { timeoutMs: 5_000 });
    assert.deepEqual([miss.kernelError?.errno, miss.kernelError?.name], [2, 'ENOENT']);
    assert.equal(errorCode(miss.kernelError!.bytes), -2);
    // An ack is no error.
    const ok = await helper.exchange(16, getFamily(11, 'nlctrl'), { timeoutMs: 5_000 });
    assert.equal(ok.kernelError, undefined);
  });

  test('a system call that fails on the target is a TransportError, not a kernel error', async () => {
    // Protocol 1 (NETLINK_UNUSED) has no kernel socket: socket() fails in the helper, the kernel never answers.
    await assert.rejects(helper.exchange(1, noop(12), { timeoutMs: 1_000 }), (e: unknown) => {
      assert.ok(e instanceof TransportError, String(e));
      assert.equal(e.kind, 'unavailable');
      assert.match(e.message, /^xchg on target "helper": EPROTONOSUPPORT \(93\): socket\(AF_NETLINK, protocol 1\)/);
      return true;
    });
    // Requests other than xchg keep their own error.
    await assert.rejects(
      helper.subscribe(1, [1]),
      (e: unknown) => e instanceof HelperRequestError && e.errnoName === 'EPROTONOSUPPORT',
    );
  });

  test("the callers: an exercise judges the kernel's error, the builder shows it as replies, a family look-up names it", async () => {
    const parsed = parseExerciseText(
      `protocol: route
steps:
  - name: unknown link kind
    send: "${toHex(newLinkBogusKind(13))}"
    expect: {error: {errno: EOPNOTSUPP, message: Unknown device type}}
  - name: no such link
    send: {type: RTM_GETLINK, flags: [REQUEST, ACK], seq: 14, header: "00000000 ffffff7f 00000000 00000000"}
    expect: {error: ENODEV}
`,
      '/ssh/route.yaml',
    );
    assert.deepEqual(parsed.problems, []);
    const steps = await runExercise(parsed.exercise!, helper);
    for (const s of steps) assert.equal(s.status, 'pass', `${s.step.name}: ${s.message}\n${s.details}`);

    const sent = await runExchange(helper, 0, newLinkBogusKind(15), 5_000);
    assert.equal(sent.kind, 'replies', JSON.stringify(sent));
    if (sent.kind === 'replies') {
      assert.equal(sent.replies.length, 1);
      assert.equal(errorCode(Buffer.from(sent.replies[0]!, 'hex')), -95);
      assert.deepEqual(sent.kernelError, { errno: 95, name: 'EOPNOTSUPP', message: 'Unknown device type' });
    }
    assert.deepEqual(await resolveFamilyId(helper, 'nlwb-nofamily', 5_000), {
      error: 'family "nlwb-nofamily": the target kernel has no such family (is its module loaded?)',
    });
    assert.deepEqual(await resolveFamilyId(helper, 'nlctrl', 5_000), { id: GENL_ID_CTRL });
  });

  test('an exchange nobody answers ends in timeout, not an error', async () => {
    const r = await helper.exchange(0, noop(11), { timeoutMs: 200 });
    assert.deepEqual([r.replies, r.outcome, r.kernelError], [[], 'timeout', undefined]);
  });

  test("info, ping, and the helper's own bench", async () => {
    await helper.ping();
    const info = await helper.info();
    assert.equal(info.helper, 'nlhelper');
    assert.equal(info.uid, 0);
    assert.ok(info.kernelProtocols.includes(0) && info.kernelProtocols.includes(16));
    const b = await helper.bench(16, 200, 1000, getFamily(1, 'nlctrl'));
    assert.equal(b.count, 200);
    assert.equal(b.replies, 400);
    assert.equal(b.timeouts, 0);
    assert.ok(b.perSecond > 0);
  });

  test('many pipelined exchanges come back matched to their requests', async () => {
    const seqs = Array.from({ length: 500 }, (_, i) => 1000 + i);
    const results = await Promise.all(
      seqs.map((seq) => helper.exchange(16, getFamily(seq, 'nlctrl'), { timeoutMs: 5_000 })),
    );
    results.forEach((r, i) => {
      assert.equal(r.outcome, 'done');
      assert.deepEqual(
        r.replies.map((m) => header(m).seq),
        [seqs[i], seqs[i]],
      );
    });
  });

  test('multicast events are emitted (RTNLGRP_IPV4_IFADDR while an address comes and goes)', async () => {
    const events: HelperEvent[] = [];
    const off = helper.onEvent((e) => events.push(e));
    try {
      await helper.subscribe(0, [RTNLGRP_IPV4_IFADDR]);
      await helper.exchange(0, loopbackAddr(RTM_NEWADDR, 20, 77), { timeoutMs: 5_000 });
      await helper.exchange(0, loopbackAddr(RTM_DELADDR, 21, 77), { timeoutMs: 5_000 });
      for (let i = 0; i < 50 && events.length < 2; i++) await sleep(20);
      const types = events
        .filter((e) => e.kind === 'event' && e.protocol === 0)
        .map((e) => (e.kind === 'event' ? header(e.bytes).type : -1));
      assert.deepEqual(types, [RTM_NEWADDR, RTM_DELADDR]);
    } finally {
      off();
      await helper.unsubscribe(0, [RTNLGRP_IPV4_IFADDR]);
    }
  });

  test('bad arguments are refused before anything is sent', async () => {
    const invalid =
      (re: RegExp) =>
      (e: unknown): boolean =>
        e instanceof TransportError && e.kind === 'invalid' && re.test(e.message);
    await assert.rejects(helper.exchange(32, getLinkDump(1), { timeoutMs: 1000 }), invalid(/protocol 32 is not 0-31/));
    await assert.rejects(helper.exchange(0, new Uint8Array(0), { timeoutMs: 1000 }), invalid(/no bytes/));
    await assert.rejects(helper.exchange(0, getLinkDump(1), { timeoutMs: 700_000 }), invalid(/timeout 700000 ms/));
    await assert.rejects(helper.subscribe(0, []), /1-32 multicast groups/);
  });

  test('cancelling an exchange leaves the session usable', async () => {
    const ac = new AbortController();
    const p = helper.exchange(0, noop(30), { timeoutMs: 1_000, signal: ac.signal });
    ac.abort();
    await assert.rejects(p, (e: unknown) => e instanceof TransportError && e.kind === 'aborted');
    const r = await helper.exchange(16, getFamily(31, 'nlctrl'), { timeoutMs: 5_000 });
    assert.equal(r.outcome, 'done');
  });
});

describe('when the helper or its connection dies', () => {
  test('killed helper: the open request fails within 2 s as a TransportError, the next request starts a new helper', async () => {
    const { pid } = await helper.info();
    const starts = helper.startCount;
    const { ms, error } = await failsFast(hangingRequest(), async () => {
      await session.exec(['kill', '-9', String(pid)], { timeoutMs: 10_000 });
    });
    assert.ok(ms < 2_000, `took ${ms.toFixed(0)} ms`);
    assert.equal(error.kind, 'gone');
    assert.match(
      error.message,
      /the helper on target "helper" stopped \(exit \d+\) while xchg was open.*next request starts it again/,
    );
    const r = await helper.exchange(16, getFamily(40, 'nlctrl'), { timeoutMs: 5_000 });
    assert.equal(r.outcome, 'done');
    assert.equal(helper.startCount, starts + 1);
    assert.notEqual((await helper.info()).pid, pid);
  });

  test('killed ControlMaster: the open request fails within 2 s, the next request reconnects', async () => {
    const conn = session.connection;
    const master = await conn.masterPid();
    assert.ok(master);
    const { ms, error } = await failsFast(hangingRequest(), async () => {
      process.kill(master, 'SIGKILL');
    });
    assert.ok(ms < 2_000, `took ${ms.toFixed(0)} ms`);
    assert.equal(error.kind, 'gone');
    const r = await helper.exchange(16, getFamily(41, 'nlctrl'), { timeoutMs: 10_000 });
    assert.equal(r.outcome, 'done');
    const again = await conn.masterPid();
    assert.ok(again && again !== master, 'a new master connection');
  });

  test("dropped connection (sshd's side killed): the open request fails within 2 s, the next reconnects", async () => {
    const conn = session.connection;
    const master = await conn.masterPid();
    const { ms, error } = await failsFast(hangingRequest(), async () => {
      // Only the sshd processes serving this target's master connection.
      const pids = sshdPidsServing(remote.sshd, master as number);
      assert.ok(pids.length > 0, 'no sshd process serves the master connection');
      for (const pid of pids) process.kill(pid, 'SIGKILL');
    });
    assert.ok(ms < 2_000, `took ${ms.toFixed(0)} ms`);
    assert.equal(error.kind, 'gone');
    const r = await helper.exchange(16, getFamily(42, 'nlctrl'), { timeoutMs: 10_000 });
    assert.equal(r.outcome, 'done');
    assert.notEqual(await conn.masterPid(), master);
  });
});
