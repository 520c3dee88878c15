// Which reply carried the kernel's error. The helper reports the first error among the answers with its errno,
// name and ext-ack text (native/PROTOCOL.md, `error`); the host points at that message by the helper's own rule
// (native/src/nlh_msg.c nlh_msg_status): an NLMSG_ERROR with a negative error, or an NLMSG_DONE whose payload is
// just its int error (or has ext-ack TLVs after it). Read from the header: no decoding on the exchange path.
import { NLM_F_ACK_TLVS, NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN } from '../netlink/index';
import type { KernelError } from './exchanger';

/** The positive errno a reply message reports, 0 when it reports none (a reply, an ack, a plain DONE). */
export function replyErrno(msg: Uint8Array): number {
  if (msg.length < NLMSG_HDRLEN + 4) return 0;
  const view = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  const type = view.getUint16(4, true);
  const payloadLen = Math.min(view.getUint32(0, true), msg.length) - NLMSG_HDRLEN;
  if (type === NLMSG_DONE) {
    const tlvs = (view.getUint16(6, true) & NLM_F_ACK_TLVS) !== 0;
    if (payloadLen !== 4 && !(tlvs && payloadLen >= 4)) return 0;
  } else if (type !== NLMSG_ERROR || payloadLen < 4) return 0;
  const error = view.getInt32(NLMSG_HDRLEN, true);
  return error >= 0 ? 0 : error === -0x80000000 ? 0x7fffffff : -error;
}

/**
 * The kernel error the helper reported as `errno`, with the reply that carried it; undefined when no reply reports
 * that error first (then the helper's error was a failed system call or a refused request, not the kernel's).
 */
export function kernelErrorIn(
  replies: readonly Uint8Array[],
  errno: number,
  name: string,
  message: string,
): KernelError | undefined {
  for (const bytes of replies) {
    const e = replyErrno(bytes);
    if (e !== 0) return e === errno ? { errno, name, message, bytes } : undefined;
  }
  return undefined;
}
