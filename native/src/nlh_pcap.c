// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "nlh_pcap.h"

#define NLH_PCAP_MAGIC_USEC 0xa1b2c3d4u
#define NLH_PCAPNG_SHB 0x0a0d0d0au
#define NLH_PCAPNG_IDB 0x00000001u
#define NLH_PCAPNG_EPB 0x00000006u
#define NLH_PCAPNG_ISB 0x00000005u
#define NLH_PCAPNG_BYTE_ORDER 0x1a2b3c4du
#define NLH_OPT_END 0
#define NLH_OPT_COMMENT 1
#define NLH_IF_NAME 2
#define NLH_IF_TSRESOL 9
#define NLH_ISB_IFDROP 5

static int nlh_pcap_put(FILE *out, const void *bytes, size_t len)
{
	if (len && fwrite(bytes, 1, len, out) != len)
		return errno ? -errno : -EIO;
	return 0;
}

static int nlh_pcap_u32(FILE *out, uint32_t v)
{
	return nlh_pcap_put(out, &v, 4);
}

static int nlh_pcap_u16(FILE *out, uint16_t v)
{
	return nlh_pcap_put(out, &v, 2);
}

static int nlh_pcap_flush(FILE *out)
{
	errno = 0;
	if (fflush(out) != 0 || ferror(out))
		return errno ? -errno : -EIO;
	return 0;
}

static int nlh_pcap_cooked(FILE *out, uint16_t pkttype, uint16_t protocol)
{
	uint8_t h[NLH_COOKED_HEADER_LEN] = { 0 };

	h[0] = (uint8_t)(pkttype >> 8);
	h[1] = (uint8_t)pkttype;
	h[2] = NLH_ARPHRD_NETLINK >> 8;
	h[3] = NLH_ARPHRD_NETLINK & 0xff;
	/* address length and address stay 0: nlmon has no link-layer address */
	h[14] = (uint8_t)(protocol >> 8);
	h[15] = (uint8_t)protocol;
	return nlh_pcap_put(out, h, sizeof(h));
}

int nlh_pcap_header(FILE *out, uint32_t snaplen)
{
	uint32_t h[6] = { NLH_PCAP_MAGIC_USEC, 2 | (4u << 16), 0, 0, snaplen + NLH_COOKED_HEADER_LEN,
			  NLH_LINKTYPE_NETLINK };
	int err;

	/* version 2.4 as two 16-bit fields in host order */
	memcpy(&h[1], (uint16_t[2]){ 2, 4 }, 4);
	err = nlh_pcap_put(out, h, sizeof(h));
	return err ? err : nlh_pcap_flush(out);
}

int nlh_pcap_record(FILE *out, const struct nlh_pcap_packet *p)
{
	uint32_t h[4];
	int err;

	h[0] = (uint32_t)(p->time_ns / 1000000000u);
	h[1] = (uint32_t)(p->time_ns % 1000000000u / 1000u);
	h[2] = (uint32_t)(p->len + NLH_COOKED_HEADER_LEN);
	h[3] = (uint32_t)(p->original_len + NLH_COOKED_HEADER_LEN);
	err = nlh_pcap_put(out, h, sizeof(h));
	if (!err)
		err = nlh_pcap_cooked(out, p->pkttype, p->protocol);
	if (!err)
		err = nlh_pcap_put(out, p->bytes, p->len);
	return err ? err : nlh_pcap_flush(out);
}

static size_t nlh_pad4(size_t n)
{
	return (4 - (n & 3)) & 3;
}

/* One option: code, length, value, padding to 4 bytes. */
static int nlh_pcapng_option(FILE *out, uint16_t code, const void *value, size_t len)
{
	static const uint8_t zero[4];
	int err = nlh_pcap_u16(out, code);

	if (!err)
		err = nlh_pcap_u16(out, (uint16_t)len);
	if (!err)
		err = nlh_pcap_put(out, value, len);
	if (!err)
		err = nlh_pcap_put(out, zero, nlh_pad4(len));
	return err;
}

static size_t nlh_pcapng_option_size(size_t len)
{
	return 4 + len + nlh_pad4(len);
}

int nlh_pcapng_header(FILE *out, uint32_t snaplen, const char *if_name)
{
	const uint8_t tsresol = 9;	/* nanoseconds */
	size_t name_len = strlen(if_name);
	uint32_t idb_len = (uint32_t)(16 + nlh_pcapng_option_size(name_len) + nlh_pcapng_option_size(1) + 4 + 4);
	uint32_t shb[7] = { NLH_PCAPNG_SHB, 28, NLH_PCAPNG_BYTE_ORDER, 1, 0xffffffffu, 0xffffffffu, 28 };
	int err;

	/* major 1, minor 0; section length unknown (-1): a stream */
	memcpy(&shb[3], (uint16_t[2]){ 1, 0 }, 4);
	err = nlh_pcap_put(out, shb, sizeof(shb));
	if (!err)
		err = nlh_pcap_u32(out, NLH_PCAPNG_IDB);
	if (!err)
		err = nlh_pcap_u32(out, idb_len);
	if (!err)
		err = nlh_pcap_u16(out, NLH_LINKTYPE_NETLINK);
	if (!err)
		err = nlh_pcap_u16(out, 0);
	if (!err)
		err = nlh_pcap_u32(out, snaplen + NLH_COOKED_HEADER_LEN);
	if (!err)
		err = nlh_pcapng_option(out, NLH_IF_NAME, if_name, name_len);
	if (!err)
		err = nlh_pcapng_option(out, NLH_IF_TSRESOL, &tsresol, 1);
	if (!err)
		err = nlh_pcap_u32(out, NLH_OPT_END);
	if (!err)
		err = nlh_pcap_u32(out, idb_len);
	return err ? err : nlh_pcap_flush(out);
}

int nlh_pcapng_packet(FILE *out, const struct nlh_pcap_packet *p)
{
	static const uint8_t zero[4];
	size_t captured = p->len + NLH_COOKED_HEADER_LEN;
	uint32_t len = (uint32_t)(28 + captured + nlh_pad4(captured) + 4);
	uint32_t h[7] = { NLH_PCAPNG_EPB, len, 0, (uint32_t)(p->time_ns >> 32), (uint32_t)p->time_ns,
			  (uint32_t)captured, (uint32_t)(p->original_len + NLH_COOKED_HEADER_LEN) };
	int err = nlh_pcap_put(out, h, sizeof(h));

	if (!err)
		err = nlh_pcap_cooked(out, p->pkttype, p->protocol);
	if (!err)
		err = nlh_pcap_put(out, p->bytes, p->len);
	if (!err)
		err = nlh_pcap_put(out, zero, nlh_pad4(captured));
	if (!err)
		err = nlh_pcap_u32(out, len);
	return err ? err : nlh_pcap_flush(out);
}

int nlh_pcapng_stats(FILE *out, uint64_t time_ns, const char *comment, long long dropped)
{
	size_t comment_len = strlen(comment);
	uint64_t drop = dropped >= 0 ? (uint64_t)dropped : 0;
	uint32_t len = (uint32_t)(24 + nlh_pcapng_option_size(comment_len) + (dropped >= 0 ? 12 : 0) + 4);
	uint32_t h[5] = { NLH_PCAPNG_ISB, len, 0, (uint32_t)(time_ns >> 32), (uint32_t)time_ns };
	int err = nlh_pcap_put(out, h, sizeof(h));

	if (!err)
		err = nlh_pcapng_option(out, NLH_OPT_COMMENT, comment, comment_len);
	if (!err && dropped >= 0)
		err = nlh_pcapng_option(out, NLH_ISB_IFDROP, &drop, 8);
	if (!err)
		err = nlh_pcap_u32(out, NLH_OPT_END);
	if (!err)
		err = nlh_pcap_u32(out, len);
	return err ? err : nlh_pcap_flush(out);
}
