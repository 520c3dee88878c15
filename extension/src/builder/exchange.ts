// One Send from the builder: bytes to the target through the injected Exchanger, the result as the webview's JSON
// (replies as hex). A kernel error comes back as replies like any answer; a TransportError or an exchanger that
// never settles becomes a 'failed' result, never an exception or a hang.
import type { Exchanger } from '../exchange/exchanger';
import { toHex } from '../netlink/index';
import type { SendResult } from '../protocol/webview';

/** Extra time past the exchange's own timeout before the builder gives up on the exchanger itself. */
export const SENDER_GRACE_MS = 15000;

/** Replies kept per exchange (a dump of a big table can be thousands of messages); the rest are counted. */
export const MAX_KEPT_REPLIES = 2000;

export async function runExchange(
  exchanger: Exchanger,
  protocol: number,
  bytes: Uint8Array,
  timeoutMs: number,
): Promise<SendResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the target session did not answer within ${timeoutMs + SENDER_GRACE_MS} ms`)),
      timeoutMs + SENDER_GRACE_MS,
    );
  });
  try {
    const r = await Promise.race([exchanger.exchange(protocol, bytes, { timeoutMs }), guard]);
    const kept = r.replies.slice(0, MAX_KEPT_REPLIES);
    const k = r.kernelError;
    return {
      kind: 'replies',
      replies: kept.map((b) => toHex(b)),
      outcome: r.outcome,
      ...(k ? { kernelError: { errno: k.errno, name: k.name, message: k.message } } : {}),
      elapsedMs: r.elapsedMs,
      ...(r.replies.length > kept.length ? { droppedReplies: r.replies.length - kept.length } : {}),
    };
  } catch (e) {
    return { kind: 'failed', message: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}
