// The one contract for "send bytes to a target, get the replies back", used by every feature that sends (the
// builder, the exercises; later capture and monitor) and by the tests. Implemented over the helper's serve
// protocol (target/helperSession.ts) and over one `nlhelper xchg` per exchange (exercise/oneShot.ts).
// A kernel error is an answer: it is data in the result, next to the reply that carried it. Only a failure of the
// way there (no helper, the helper or its connection gone, the transport's own timeout, a cancel, a request that
// cannot be sent) is thrown, always as a TransportError. Bytes stay bytes: hex exists only on the helper's line
// protocol and at the webview's JSON edge.

export interface ExchangeOptions {
  /** How long the target waits for the answers to be complete: 0-600000 ms. */
  readonly timeoutMs: number;
  /** Cancels the exchange: it then rejects with TransportError('aborted'). */
  readonly signal?: AbortSignal;
}

/** The kernel answered with an error: an NLMSG_ERROR with a negative error, or an NLMSG_DONE carrying one. */
export interface KernelError {
  /** Positive errno (95 for EOPNOTSUPP). */
  readonly errno: number;
  /** Its symbolic name as the target's helper knows it ("EOPNOTSUPP"; "EUNKNOWN" when it has none). */
  readonly name: string;
  /** The extended-ack message (NLMSGERR_ATTR_MSG); '' when the kernel gave none. */
  readonly message: string;
  /** The message that carried the error, as received (the same bytes are among the replies). */
  readonly bytes: Uint8Array;
}

export interface ExchangeResult {
  /** Every netlink message received in answer, in order, one message each (dump parts, acks, the error). */
  readonly replies: readonly Uint8Array[];
  /** 'timeout': the answers were not complete within timeoutMs; `replies` holds what came. */
  readonly outcome: 'done' | 'timeout';
  /** Set when the kernel answered with an error. */
  readonly kernelError?: KernelError;
  /** From the call to the final answer. */
  readonly elapsedMs: number;
}

export interface Exchanger {
  /** Sends `bytes` unchanged as one datagram on netlink `protocol` and collects the answers. */
  exchange(protocol: number, bytes: Uint8Array, options: ExchangeOptions): Promise<ExchangeResult>;
  /**
   * The port id of the socket exchange() sends from on `protocol`, when it is stable and known (the serve-mode
   * helper reports it with `info`). Absent or undefined: `${portid}` in an exercise matches any number.
   */
  portId?(protocol: number): Promise<number | undefined>;
}

export type TransportErrorKind =
  | 'invalid' // the request cannot be sent as given (protocol, timeout, no bytes, too many bytes): nothing was sent
  | 'unavailable' // the target cannot make the exchange (no helper, no socket for the protocol, a system call failed)
  | 'gone' // the helper or its connection ended with the exchange open
  | 'timeout' // the transport itself did not answer in time (not the kernel: that is outcome 'timeout')
  | 'aborted'; // cancelled through the AbortSignal

/** Why an exchange could not be made. Says nothing about the kernel or a module: it never got to answer. */
export class TransportError extends Error {
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
    /** Raw diagnostics (ssh's or the helper's stderr) for a log or a test's details, not for a notification. */
    readonly detail = '',
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}
