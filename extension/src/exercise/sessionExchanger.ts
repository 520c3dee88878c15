// A NetlinkExchanger over a long-lived helper session (nlhelper serve, native/PROTOCOL.md), described here by the
// two calls it needs so this folder does not depend on the target's code. Two things it adds:
// - the kernel's error answer is an answer: the helper ends such an xchg with an `error` line after printing the
//   NLMSG_ERROR, and a session rejects with an error that carries those replies; here they are the result;
// - the port id of the session's exchange socket, from `info`, so `${portid}` is matched exactly.
import type { ExchangeResult, NetlinkExchanger } from './exchanger';

export interface HelperSessionLike {
  exchange(protocol: number, bytes: Uint8Array, timeoutMs: number): Promise<ExchangeResult>;
  info(): Promise<{ readonly sockets: readonly { readonly protocol: number; readonly portid: number; readonly role?: string }[] }>;
}

function carriedReplies(e: unknown): Uint8Array[] | undefined {
  const replies = (e as { replies?: unknown } | null)?.replies;
  if (!Array.isArray(replies) || replies.length === 0 || !replies.every((r) => r instanceof Uint8Array)) return undefined;
  return replies as Uint8Array[];
}

export function sessionExchanger(session: HelperSessionLike): NetlinkExchanger {
  return {
    async exchange(protocol, bytes, timeoutMs) {
      try {
        return await session.exchange(protocol, bytes, timeoutMs);
      } catch (e) {
        const replies = carriedReplies(e);
        if (replies) return { replies, outcome: 'done' };
        throw e;
      }
    },
    async portId(protocol) {
      // The exchange socket is opened on first use, and a restarted helper has a new one: ask every time.
      const info = await session.info();
      return info.sockets.find((s) => s.protocol === protocol && (s.role === undefined || s.role === 'xchg'))?.portid;
    },
  };
}
