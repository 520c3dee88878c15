// One Send from the builder: bytes to the target through the injected MessageSender, replies back as hex. A
// transport failure or a sender that never settles becomes a 'failed' result, never an exception or a hang.
import { toHex } from '../netlink/index';
import type { ExchangeResult } from '../../../webview/src/protocol';
import type { MessageSender } from './sender';

/** Extra time past the exchange's own timeout before the builder gives up on the sender itself. */
export const SENDER_GRACE_MS = 15000;

/** Replies kept per exchange (a dump of a big table can be thousands of messages); the rest are counted. */
export const MAX_KEPT_REPLIES = 2000;

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The replies an exchange error carries (HelperRequestError for a kernel error), if any. */
function kernelErrorReplies(e: unknown): Uint8Array[] | undefined {
  if (!(e instanceof Error)) return undefined;
  const replies = (e as Error & { replies?: unknown }).replies;
  return Array.isArray(replies) && replies.length > 0 && replies.every((r) => r instanceof Uint8Array) ? replies : undefined;
}

export async function runExchange(sender: MessageSender, protocol: number, bytes: Uint8Array, timeoutMs: number): Promise<ExchangeResult> {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the target session did not answer within ${timeoutMs + SENDER_GRACE_MS} ms`)), timeoutMs + SENDER_GRACE_MS);
  });
  try {
    const r = await Promise.race([sender.exchange(protocol, bytes, timeoutMs), guard]);
    const kept = r.replies.slice(0, MAX_KEPT_REPLIES);
    return {
      kind: 'replies',
      replies: kept.map((b) => toHex(b)),
      outcome: r.outcome,
      elapsedMs: Date.now() - started,
      ...(r.replies.length > kept.length ? { droppedReplies: r.replies.length - kept.length } : {}),
    };
  } catch (e) {
    // The target session rejects when the kernel answered with an error, carrying the replies (its NLMSG_ERROR
    // among them): for the builder that is an answer to show, not a failed send.
    const replies = kernelErrorReplies(e);
    if (replies) {
      return { kind: 'replies', replies: replies.slice(0, MAX_KEPT_REPLIES).map((b) => toHex(b)), outcome: 'done', elapsedMs: Date.now() - started };
    }
    return { kind: 'failed', message: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}
