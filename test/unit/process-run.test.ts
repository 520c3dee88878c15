// The process runner against real programs (sh, cat, sleep): exit status, stdin and stdout bytes, lines in arrival
// order, the deadline, cancellation, SIGKILL after the grace for a program that ignores SIGTERM, the bounded wait
// for pipes a background child keeps open, and the error for a program that cannot start.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import {
  EXIT_DRAIN_MS,
  KILL_GRACE_MS,
  ProcessStartError,
  run,
  runChecked,
  type RunFailure,
} from '../../extension/src/process/run';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'process-run-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A program that prints "ready" once SIGTERM is ignored (the disposition survives exec), then sleeps. */
const IGNORES_TERM = ['sh', '-c', "trap '' TERM; echo ready; exec sleep 30"];

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await work;
  return { value, ms: performance.now() - t0 };
}

describe('run: what a program says and how it ends', () => {
  test('exit status, stdout as bytes, stderr as text', async () => {
    const r = await run(['sh', '-c', 'sleep 0.1; printf out; printf err >&2; exit 3'], { timeoutMs: 10_000 });
    assert.equal(r.code, 3);
    assert.equal(r.signal, null);
    assert.ok(Buffer.isBuffer(r.stdout));
    assert.equal(r.stdout.toString(), 'out');
    assert.equal(r.stderr, 'err');
    assert.deepEqual([r.timedOut, r.aborted, r.output], [false, false, '']);
  });

  test('input reaches stdin byte for byte and comes back through cat unchanged', async () => {
    const bytes = randomBytes(1024 * 1024);
    const r = await run(['cat'], { timeoutMs: 10_000, input: bytes });
    assert.equal(r.code, 0);
    assert.ok(r.stdout.equals(bytes));
    assert.equal((await run(['cat'], { timeoutMs: 10_000, input: 'to stdin' })).stdout.toString(), 'to stdin');
  });

  test('without input, stdin is at end of file: cat ends at once', async () => {
    const r = await run(['cat'], { timeoutMs: 10_000 });
    assert.deepEqual([r.code, r.stdout.length, r.timedOut], [0, 0, false]);
  });

  test('cwd and env are the ones given', async () => {
    const r = await run(['sh', '-c', 'pwd; printf %s "$RUN_TEST_WORD"'], {
      timeoutMs: 10_000,
      cwd: tmp,
      env: { PATH: process.env.PATH, RUN_TEST_WORD: 'a b' },
    });
    assert.equal(r.stdout.toString(), `${tmp}\na b`);
  });

  test('stdout and stderr lines in the order they came, to onLine and as output; the last line without a newline too', async () => {
    const lines: string[] = [];
    const r = await run(
      ['sh', '-c', 'echo one; sleep 0.1; echo two >&2; sleep 0.1; echo three; sleep 0.1; printf four >&2'],
      {
        timeoutMs: 10_000,
        onLine: (l) => lines.push(l),
        interleaved: true,
      },
    );
    assert.deepEqual(lines, ['one', 'two', 'three', 'four']);
    assert.equal(r.output, 'one\ntwo\nthree\nfour');
    assert.equal(r.stdout.toString(), 'one\nthree\n');
    assert.equal(r.stderr, 'two\nfour');
  });

  test('a character split across two writes arrives whole', async () => {
    // "é" is c3 a9: the two bytes are written 100 ms apart, so they arrive in two chunks.
    const lines: string[] = [];
    const r = await run(['sh', '-c', "printf '\\303'; sleep 0.1; printf '\\251\\n'"], {
      timeoutMs: 10_000,
      onLine: (l) => lines.push(l),
      interleaved: true,
    });
    assert.deepEqual(lines, ['é']);
    assert.equal(r.output, 'é\n');
  });
});

describe('run: deadline and cancellation', () => {
  test('past its timeout a program is stopped with SIGTERM and the result says timedOut', async () => {
    const { value: r, ms } = await timed(run(['sleep', '30'], { timeoutMs: 300 }));
    assert.deepEqual([r.timedOut, r.aborted, r.code, r.signal], [true, false, null, 'SIGTERM']);
    assert.ok(ms < KILL_GRACE_MS, `stopped after ${ms} ms`);
  });

  test('a program that ignores SIGTERM gets SIGKILL after the grace', async () => {
    const { value: r, ms } = await timed(run(IGNORES_TERM, { timeoutMs: 1_000 }));
    assert.equal(r.stdout.toString(), 'ready\n');
    assert.deepEqual([r.timedOut, r.signal], [true, 'SIGKILL']);
    assert.ok(ms >= 1_000 + KILL_GRACE_MS - 50, `SIGKILL after ${ms} ms, before the grace was over`);
    assert.ok(ms < 1_000 + KILL_GRACE_MS + 5_000, `SIGKILL only after ${ms} ms`);
  });

  test('an abort stops the program the same way and the result says aborted', async () => {
    const abort = new AbortController();
    const { value: r, ms } = await timed(
      run(IGNORES_TERM, { timeoutMs: 60_000, signal: abort.signal, onLine: (l) => l === 'ready' && abort.abort() }),
    );
    assert.deepEqual([r.aborted, r.timedOut, r.signal], [true, false, 'SIGKILL']);
    assert.ok(ms < KILL_GRACE_MS + 5_000, `stopped after ${ms} ms`);
    const quick = new AbortController();
    setTimeout(() => quick.abort(), 200);
    const q = await run(['sleep', '30'], { timeoutMs: 60_000, signal: quick.signal });
    assert.deepEqual([q.aborted, q.signal], [true, 'SIGTERM']);
  });

  test('an already aborted signal starts nothing', async () => {
    const marker = path.join(tmp, 'ran');
    const r = await run(['touch', marker], { timeoutMs: 10_000, signal: AbortSignal.abort() });
    assert.deepEqual([r.aborted, r.code], [true, null]);
    assert.equal(existsSync(marker), false, 'the program ran');
  });

  test('pipes a background child keeps open are let go shortly after the program exits', async () => {
    // sh exits at once; its sleep inherits stdout and would keep the run waiting for 30 s.
    const { value: r, ms } = await timed(run(['sh', '-c', 'sleep 30 & echo $!'], { timeoutMs: 60_000 }));
    const pid = Number(r.stdout.toString().trim());
    try {
      assert.deepEqual([r.code, r.timedOut], [0, false]);
      assert.ok(pid > 0, `the background pid: ${r.stdout.toString()}`);
      assert.ok(ms >= EXIT_DRAIN_MS - 50 && ms < EXIT_DRAIN_MS + 5_000, `settled after ${ms} ms`);
    } finally {
      if (pid > 0) process.kill(pid, 'SIGKILL');
    }
  });
});

describe('run: a program that cannot start', () => {
  test('is a ProcessStartError naming it, for a missing program, a bad cwd and an empty command', async () => {
    await assert.rejects(run(['/nonexistent/program', 'x'], { timeoutMs: 10_000 }), (e: unknown) => {
      assert.ok(e instanceof ProcessStartError, String(e));
      assert.equal(e.program, '/nonexistent/program');
      assert.match(e.message, /^cannot start \/nonexistent\/program: .*ENOENT/);
      return true;
    });
    await assert.rejects(
      run(['sh', '-c', 'true'], { timeoutMs: 10_000, cwd: path.join(tmp, 'none') }),
      ProcessStartError,
    );
    await assert.rejects(run([], { timeoutMs: 10_000 }), /^ProcessStartError: cannot start: the command is empty$/);
  });
});

describe("runChecked: anything but exit 0 is the caller's error", () => {
  class StepError extends Error {
    constructor(readonly failure: RunFailure) {
      super(`step: ${failure.message}`);
    }
  }
  const toError = (f: RunFailure): Error => new StepError(f);

  test('exit 0: the result', async () => {
    assert.equal((await runChecked(['sh', '-c', 'echo ok'], { timeoutMs: 10_000 }, toError)).stdout.toString(), 'ok\n');
  });

  test('a failure, a timeout, a cancellation and a failed start, each in one sentence with what the program said', async () => {
    const failure = async (argv: string[], opts: Parameters<typeof runChecked>[1]): Promise<RunFailure> => {
      try {
        await runChecked(argv, opts, toError);
      } catch (e) {
        assert.ok(e instanceof StepError, String(e));
        return e.failure;
      }
      assert.fail('no error');
    };
    assert.deepEqual(await failure(['sh', '-c', 'echo why >&2; exit 3'], { timeoutMs: 10_000 }), {
      message: 'sh -c echo why >&2; exit 3 failed (3)',
      detail: 'why\n',
    });
    assert.deepEqual(await failure(['sh', '-c', 'echo only-stdout; exit 1'], { timeoutMs: 10_000 }), {
      message: 'sh -c echo only-stdout; exit 1 failed (1)',
      detail: 'only-stdout\n',
    });
    assert.deepEqual(await failure(['sleep', '30'], { timeoutMs: 200 }), {
      message: 'sleep 30 timed out after 200 ms',
      detail: '',
    });
    assert.deepEqual(await failure(['sleep', '30'], { timeoutMs: 10_000, signal: AbortSignal.timeout(200) }), {
      message: 'sleep 30 was cancelled',
      detail: '',
    });
    const notStarted = await failure(['/nonexistent/program'], { timeoutMs: 10_000 });
    assert.match(notStarted.message, /^cannot start \/nonexistent\/program: /);
    assert.equal(notStarted.detail, '');
  });
});
