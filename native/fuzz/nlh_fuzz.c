// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the code that reads untrusted bytes. The input is used twice:
 *   - as a request line of the serve protocol (nlh_line_parse), checking what a successful parse promises;
 *   - as a datagram from the kernel (message walk, NLMSG_ERROR / NLMSG_DONE status, ext-ack TLVs).
 * Built with ASan and UBSan, so any out-of-bounds read or undefined behaviour stops the run.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/nlh_hex.h"
#include "../src/nlh_line.h"
#include "../src/nlh_msg.h"

static void nlh_fuzz_check(int ok)
{
	if (!ok)
		abort();
}

static void nlh_fuzz_line(const uint8_t *data, size_t size)
{
	struct nlh_request req;
	char why[256];
	char *line;
	size_t i;

	if (size > NLH_LINE_MAX)
		return;
	line = malloc(size + 1);
	if (!line)
		return;
	memcpy(line, data, size);
	line[size] = '\0';
	if (nlh_line_parse(line, size, &req, why, sizeof(why)) == 0) {
		/* A NUL byte never lets a prefix of the line through as a request. */
		nlh_fuzz_check(memchr(data, '\0', size) == NULL);
		nlh_fuzz_check(strlen(req.id) >= 1 && strlen(req.id) <= NLH_ID_MAX);
		nlh_fuzz_check(req.protocol >= -1 && req.protocol < NLH_PROTOCOL_COUNT);
		nlh_fuzz_check(req.timeout_ms >= 0 && req.timeout_ms <= NLH_TIMEOUT_MAX);
		nlh_fuzz_check(req.group_count <= NLH_GROUPS_MAX);
		if (req.msg) {
			nlh_fuzz_check(req.msg >= (uint8_t *)line && req.msg + req.msg_len <= (uint8_t *)line + size);
			nlh_fuzz_check(req.msg_len > 0);
		}
	} else {
		/* The reason and the id go out on one line: printable ASCII only. */
		for (i = 0; why[i]; i++)
			nlh_fuzz_check(why[i] >= 0x20 && why[i] < 0x7f);
		nlh_fuzz_check(strcmp(req.id, "-") == 0 || strlen(req.id) >= 1);
	}
	free(line);
}

static void nlh_fuzz_datagram(const uint8_t *data, size_t size)
{
	struct nlh_msg_status st;
	struct nlh_msg_iter it;
	struct nlh_msg msg;
	size_t seen = 0;
	uint8_t *copy;
	char *hex;
	size_t bad_at;

	nlh_msg_iter_init(&it, data, size);
	while (nlh_msg_next(&it, &msg)) {
		nlh_fuzz_check(msg.bytes >= data && msg.bytes + msg.len <= data + size);
		nlh_fuzz_check(msg.len >= sizeof(struct nlmsghdr));
		if (nlh_msg_status(&msg, &st))
			nlh_fuzz_check(st.error >= 0 && strlen(st.text) < NLH_EXTACK_MAX);
		seen++;
	}
	nlh_fuzz_check(seen == nlh_msg_count(data, size));
	nlh_fuzz_check(nlh_msg_iter_trailing(&it) <= size);

	/* Hex round trip. */
	hex = malloc(2 * size + 1);
	copy = malloc(size + 1);
	if (hex && copy) {
		nlh_hex_encode(data, size, hex);
		nlh_fuzz_check(nlh_hex_decode(hex, 2 * size, copy, &bad_at) == (long)size);
		nlh_fuzz_check(memcmp(copy, data, size) == 0);
	}
	free(hex);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nlh_fuzz_line(data, size);
	nlh_fuzz_datagram(data, size);
	return 0;
}
