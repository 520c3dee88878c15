// Which way a captured netlink message went. Not from the capture's packet type: a packet socket on nlmon sees
// every record as PACKET_OUTGOING (the tap's own PACKET_USER / PACKET_KERNEL mark is overwritten when the packet
// socket takes its copy on the transmit path). So it comes from the message: a message with NLM_F_REQUEST is a
// request, which user space sends to the kernel; everything else (replies, dump parts, NLMSG_ERROR acks, NLMSG_DONE,
// multicast notifications) is the kernel's, sent to user space.
//
// Corner cases, decided: a message one user socket unicasts to another (dst port != 0) passes the tap too and is
// classed by its flags like any other (to-kernel when it carries NLM_F_REQUEST): the capture does not say who
// received it. A record of several messages (a dump part) takes the first message's direction: the kernel never
// mixes requests into a reply datagram. A record too short for a header is to-user (it cannot be a request).
import { NLM_F_REQUEST, NLMSG_HDRLEN } from '../constants';

export type Direction = 'to-kernel' | 'to-user';

/** The direction of a message with these nlmsg_flags. */
export function messageDirection(flags: number): Direction {
  return (flags & NLM_F_REQUEST) !== 0 ? 'to-kernel' : 'to-user';
}

/** The direction of a captured record: its first message's flags (little-endian u16 at offset 6). */
export function recordDirection(bytes: Uint8Array): Direction {
  if (bytes.length < NLMSG_HDRLEN) return 'to-user';
  return messageDirection(bytes[6]! | (bytes[7]! << 8));
}
