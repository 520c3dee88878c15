/* SPDX-License-Identifier: MIT */
/*
 * Capture streams on stdout: classic pcap (`nlhelper capture`) and pcapng (`nlhelper monitor`), both with
 * LINKTYPE_NETLINK (253). Every record starts with the 16-byte Linux cooked pseudo-header the link type defines,
 * all big-endian:
 *
 *   | pkttype 2 | ARPHRD_NETLINK (824) 2 | address length (0) 2 | address (0) 8 | netlink protocol 2 | bytes...
 *
 * File headers and blocks are written in the host's byte order (readers find it from the magic numbers).
 * Every function writes through stdio and flushes, so a reader sees each record as it happens; it returns 0,
 * or -errno when the output failed (-EPIPE: nobody reads it any more).
 */
#ifndef NLH_PCAP_H
#define NLH_PCAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define NLH_LINKTYPE_NETLINK 253
#define NLH_COOKED_HEADER_LEN 16
#define NLH_ARPHRD_NETLINK 824

/* One packet: when it was seen, its pseudo-header fields, the bytes kept and how many there were. */
struct nlh_pcap_packet {
	uint64_t time_ns;	/* since the epoch */
	uint16_t pkttype;	/* PACKET_OUTGOING for all nlmon sees; PACKET_HOST for a monitor's events */
	uint16_t protocol;	/* netlink protocol */
	const uint8_t *bytes;
	size_t len;		/* bytes written (already cut to the snaplen) */
	size_t original_len;	/* bytes the packet had */
};

/* pcap: the global header (microsecond timestamps; @snaplen counts the netlink bytes, without the header). */
int nlh_pcap_header(FILE *out, uint32_t snaplen);
int nlh_pcap_record(FILE *out, const struct nlh_pcap_packet *p);

/* pcapng: Section Header Block and the one Interface Description Block (nanosecond timestamps). */
int nlh_pcapng_header(FILE *out, uint32_t snaplen, const char *if_name);
int nlh_pcapng_packet(FILE *out, const struct nlh_pcap_packet *p);
/*
 * Interface Statistics Block for interface 0 carrying @comment; @dropped >= 0 adds isb_ifdrop (a count of lost
 * packets), < 0 leaves it out (not known).
 */
int nlh_pcapng_stats(FILE *out, uint64_t time_ns, const char *comment, long long dropped);

#endif
