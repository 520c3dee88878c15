// Which way a captured netlink message went. Not from the capture's packet type: nlmon's tap marks its copy
// PACKET_KERNEL or PACKET_USER (af_netlink.c __netlink_deliver_tap_skb, by whether the owning socket is the
// kernel's), but a packet socket takes its own copy on the transmit path, where the type becomes PACKET_OUTGOING,
// so every record reads 4 (measured in the lab VM for a request and its reply alike). So it comes from the
// message: a message with NLM_F_REQUEST is a request, which user space sends to the kernel; everything else
// (replies, dump parts, NLMSG_ERROR acks, NLMSG_DONE, multicast notifications) is the kernel's, to user space.
//
// What the tap sees (Linux 6.12 net/netlink/af_netlink.c), and the corner cases decided here:
// - user -> kernel: tapped in netlink_unicast_kernel (kernel -> kernel is not tapped at all);
// - -> a user socket: tapped in __netlink_sendskb, once per receiving socket: a multicast notification heard by
//   three listeners is three records with the same bytes;
// - user -> user unicast (dst port != 0) passes __netlink_sendskb too; the capture does not say which side sent
//   it, so it is classed by its flags like any other (to-kernel when it carries NLM_F_REQUEST);
// - only the protocols of netlink_filter_tap are tapped: ROUTE, USERSOCK, SOCK_DIAG, NFLOG, XFRM, FIB_LOOKUP,
//   NETFILTER, GENERIC. Another protocol (a module's own, e.g. 31) never shows up in an nlmon capture.
// A record of several messages (a dump part) takes its first message's direction: the kernel never mixes a
// request into a reply datagram. A record too short for a header is to-user (it cannot be a request).
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
