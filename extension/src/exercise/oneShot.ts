// An Exchanger that runs `nlhelper xchg --protocol N --timeout MS HEX` on the target for every exchange
// (native/README.md): one reply message per stdout line; on stderr `timeout` when the answers were incomplete, and
// `error <errno> <ENAME> <text>` when the kernel answered with an error (exit 0 for both).
// Each run opens a fresh socket, so its port id is not known in advance: `${portid}` then matches any number.
import { TransportError, type ExchangeOptions, type ExchangeResult, type Exchanger } from '../exchange/exchanger';
import { kernelErrorIn } from '../exchange/kernelError';
import { fromHex, toHex } from '../netlink/index';

/** The part of a remote runner this needs (the SSH target and the lab VM have it). */
export interface ExecRunner {
  exec(
    argv: readonly string[],
    opts: { timeoutMs: number },
  ): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** One argv word holds at most 128 KiB on Linux (MAX_ARG_STRLEN): two hex digits a byte, with room to spare. */
const MAX_BYTES = 60_000;
/** Time for ssh and the process around the helper's own timeout. */
const OVERHEAD_MS = 30_000;

/** The result of one `nlhelper xchg` that exited 0; `elapsedMs` as the caller measured it. */
export function parseXchgOutput(stdout: string, stderr: string, elapsedMs = 0): ExchangeResult {
  const replies: Uint8Array[] = [];
  stdout.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const bytes = /^[0-9a-f]+$/.test(line) ? fromHex(line) : undefined;
    if (!bytes || bytes.length < 16)
      throw new TransportError(
        'unavailable',
        `nlhelper xchg printed a line that is no reply message (line ${i + 1}): ${line.slice(0, 80)}`,
        stderr,
      );
    replies.push(bytes);
  });
  const outcome = /^timeout$/m.test(stderr) ? 'timeout' : 'done';
  const said = /^error (\d+) (\S+) ?(.*)$/m.exec(stderr);
  const kernelError = said ? kernelErrorIn(replies, Number(said[1]), said[2] as string, said[3] ?? '') : undefined;
  return kernelError ? { replies, outcome, kernelError, elapsedMs } : { replies, outcome, elapsedMs };
}

export class OneShotExchanger implements Exchanger {
  constructor(
    private readonly runner: ExecRunner,
    /** Absolute path of nlhelper on the target. */
    private readonly helperPath: string,
  ) {
    if (!helperPath.startsWith('/') || /[\0\n]/.test(helperPath))
      throw new TransportError('invalid', `helper path must be absolute: ${JSON.stringify(helperPath)}`);
  }

  async exchange(protocol: number, bytes: Uint8Array, { timeoutMs }: ExchangeOptions): Promise<ExchangeResult> {
    if (!Number.isInteger(protocol) || protocol < 0 || protocol > 31)
      throw new TransportError('invalid', `protocol ${protocol} is not 0-31`);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 0 || timeoutMs > 600_000)
      throw new TransportError('invalid', `timeout ${timeoutMs} ms is not 0-600000`);
    if (bytes.length === 0) throw new TransportError('invalid', 'nothing to send');
    if (bytes.length > MAX_BYTES)
      throw new TransportError(
        'invalid',
        `${bytes.length} bytes are too many for one nlhelper xchg command line (at most ${MAX_BYTES}); use the helper session`,
      );
    const argv = [
      this.helperPath,
      'xchg',
      '--protocol',
      String(protocol),
      '--timeout',
      String(timeoutMs),
      toHex(bytes),
    ];
    const started = Date.now();
    let r: Awaited<ReturnType<ExecRunner['exec']>>;
    try {
      r = await this.runner.exec(argv, { timeoutMs: timeoutMs + OVERHEAD_MS });
    } catch (e) {
      // The runner's own failure (ssh, the VM, its timeout): the way to the target, not the kernel.
      throw new TransportError('unavailable', e instanceof Error ? e.message : String(e), '', { cause: e });
    }
    if (r.code === 0) return parseXchgOutput(r.stdout, r.stderr, Date.now() - started);
    const said = r.stderr.trim().split('\n')[0] ?? '';
    if (r.code === 127 || /not found|No such file/i.test(said)) {
      throw new TransportError('unavailable', `nlhelper is not at ${this.helperPath} on the target`, r.stderr);
    }
    if (/Protocol not supported|EPROTONOSUPPORT/i.test(r.stderr)) {
      throw new TransportError(
        'unavailable',
        `no kernel socket serves netlink protocol ${protocol} on the target: is the module loaded?`,
        r.stderr,
      );
    }
    throw new TransportError(
      'unavailable',
      `nlhelper xchg failed (exit ${r.code ?? 'by signal'})${said ? `: ${said}` : ''}`,
      r.stderr,
    );
  }
}
