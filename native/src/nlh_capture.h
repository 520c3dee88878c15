/* SPDX-License-Identifier: MIT */
/*
 * `nlhelper capture`: every netlink message the kernel taps to an nlmon interface, as a live pcap stream on
 * stdout (LINKTYPE_NETLINK, native/PROTOCOL.md "Capture and monitor streams").
 *
 * What a packet socket on nlmon can tell (net/netlink/af_netlink.c netlink_deliver_tap, drivers/net/nlmon.c):
 *   - the kernel taps each skb as it is queued to its receiving socket: a request as it reaches the kernel
 *     socket, a reply or notification as it reaches each user socket (a multicast once per listener);
 *   - only the protocols netlink_filter_tap lets through: ROUTE, USERSOCK, SOCK_DIAG, NFLOG, XFRM,
 *     FIB_LOOKUP, NETFILTER, GENERIC (0, 2, 4, 5, 6, 10, 12, 16); a module's own protocol number is not tapped;
 *     messages between two kernel sockets are not tapped either;
 *   - per packet: the protocol (skb->protocol = the socket's sk_protocol, in sll_protocol), nothing about the
 *     sender or the receiver: dev_queue_xmit_nit hands every tapped skb to packet sockets as PACKET_OUTGOING
 *     (the PACKET_USER / PACKET_KERNEL set by the tap is overwritten), nlmon has no addresses, and the sender's
 *     port (NETLINK_CB(skb).portid) lives in skb->cb, which a packet socket never sees.
 * So ports come only from the messages: nlmsg_pid of a reply or notification is the receiving port (the
 * requester's), nlmsg_pid of a request is what the sender wrote there (often 0). The port filters match on it.
 */
#ifndef NLH_CAPTURE_H
#define NLH_CAPTURE_H

/* The interface the capture creates (or reuses when one of that name and type exists). */
#define NLH_CAPTURE_IFNAME "nlmon-nlh"

/* Run `nlhelper capture ...`; @argv[0] is "capture". Returns the exit status. */
int nlh_capture_run(int argc, char **argv);

#endif
