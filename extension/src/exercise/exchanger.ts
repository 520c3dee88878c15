// What the exercise runner needs from a target: one datagram out, the answers back. Implemented by the target's
// helper session (nlhelper serve, native/PROTOCOL.md) and by OneShotExchanger (nlhelper xchg per exchange).

export interface ExchangeResult {
  /** Every netlink message received in answer, in order, one message each. */
  readonly replies: Uint8Array[];
  /** `done`: the answers are complete; `timeout`: they were not within the time given. */
  readonly outcome: 'done' | 'timeout';
}

export interface NetlinkExchanger {
  exchange(protocol: number, bytes: Uint8Array, timeoutMs: number): Promise<ExchangeResult>;
  /**
   * The port id of the socket exchange() sends from on `protocol`, when it is stable and known (the serve-mode
   * helper reports it with `info`). Absent or undefined: `${portid}` in an exercise matches any number.
   */
  portId?(protocol: number): Promise<number | undefined>;
}

/** An exchange that could not be made (no helper, no such protocol, bad bytes): not a verdict on the module. */
export class ExchangeError extends Error {
  constructor(
    message: string,
    readonly detail = '',
  ) {
    super(message);
    this.name = 'ExchangeError';
  }
}
