// What the builder needs from a target: one exchange of bytes for replies. extension.ts hands in the target
// session's implementation; the builder never imports target/ (features talk through small services).

export interface ExchangeOutcome {
  /** Every reply message, in order (all parts of a dump, acks, errors). */
  readonly replies: Uint8Array[];
  /** 'timeout': the answers were not complete within the timeout; `replies` holds what came. */
  readonly outcome: 'done' | 'timeout';
}

export interface MessageSender {
  /**
   * Sends `bytes` as one datagram on `protocol` and collects the answers. Rejects on failure; an error that
   * carries a non-empty `replies: Uint8Array[]` (the target session's HelperRequestError when the kernel answered
   * with an error) is shown as those replies, not as a failure.
   */
  exchange(protocol: number, bytes: Uint8Array, timeoutMs: number): Promise<ExchangeOutcome>;
  /** The target's name as the user knows it ("lab", "user@host"). */
  readonly targetName: string;
}
