// A NetlinkExchanger that runs `nlhelper xchg --protocol N --timeout MS HEX` on the target for every exchange
// (native/README.md): one reply message per stdout line, `timeout` on stderr when the answers were incomplete.
// Each run opens a fresh socket, so its port id is not known in advance: `${portid}` then matches any number.
import { fromHex, toHex } from '../netlink/index';
import { ExchangeError, type ExchangeResult, type NetlinkExchanger } from './exchanger';

/** The part of a remote runner this needs (the SSH target and the lab VM have it). */
export interface ExecRunner {
  exec(argv: readonly string[], opts: { timeoutMs: number }): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** One argv word holds at most 128 KiB on Linux (MAX_ARG_STRLEN): two hex digits a byte, with room to spare. */
const MAX_BYTES = 60_000;
/** Time for ssh and the process around the helper's own timeout. */
const OVERHEAD_MS = 30_000;

export function parseXchgOutput(stdout: string, stderr: string): ExchangeResult {
  const replies: Uint8Array[] = [];
  stdout.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const bytes = /^[0-9a-f]+$/.test(line) ? fromHex(line) : undefined;
    if (!bytes || bytes.length < 16) throw new ExchangeError(`nlhelper xchg printed a line that is no reply message (line ${i + 1}): ${line.slice(0, 80)}`);
    replies.push(bytes);
  });
  return { replies, outcome: /^timeout$/m.test(stderr) ? 'timeout' : 'done' };
}

export class OneShotExchanger implements NetlinkExchanger {
  constructor(
    private readonly runner: ExecRunner,
    /** Absolute path of nlhelper on the target. */
    private readonly helperPath: string,
  ) {
    if (!helperPath.startsWith('/') || /[\0\n]/.test(helperPath)) throw new ExchangeError(`helper path must be absolute: ${JSON.stringify(helperPath)}`);
  }

  async exchange(protocol: number, bytes: Uint8Array, timeoutMs: number): Promise<ExchangeResult> {
    if (!Number.isInteger(protocol) || protocol < 0 || protocol > 31) throw new ExchangeError(`protocol ${protocol} is not 0-31`);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 0 || timeoutMs > 600_000) throw new ExchangeError(`timeout ${timeoutMs} ms is not 0-600000`);
    if (bytes.length === 0) throw new ExchangeError('nothing to send');
    if (bytes.length > MAX_BYTES) throw new ExchangeError(`${bytes.length} bytes are too many for one nlhelper xchg command line (at most ${MAX_BYTES}); use the helper session`);
    const argv = [this.helperPath, 'xchg', '--protocol', String(protocol), '--timeout', String(timeoutMs), toHex(bytes)];
    const r = await this.runner.exec(argv, { timeoutMs: timeoutMs + OVERHEAD_MS });
    if (r.code === 0) return parseXchgOutput(r.stdout, r.stderr);
    const said = r.stderr.trim().split('\n')[0] ?? '';
    if (r.code === 127 || /not found|No such file/i.test(said)) {
      throw new ExchangeError(`nlhelper is not at ${this.helperPath} on the target`, r.stderr);
    }
    if (/Protocol not supported|EPROTONOSUPPORT/i.test(r.stderr)) {
      throw new ExchangeError(`no kernel socket serves netlink protocol ${protocol} on the target: is the module loaded?`, r.stderr);
    }
    throw new ExchangeError(`nlhelper xchg failed (exit ${r.code ?? 'by signal'})${said ? `: ${said}` : ''}`, r.stderr);
  }
}
