// SPDX-License-Identifier: MIT
#include "nlh_hex.h"

static int nlh_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long nlh_hex_decode(const char *hex, size_t len, uint8_t *out, size_t *bad_at)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		int hi = nlh_hex_digit(hex[i]);
		int lo = nlh_hex_digit(hex[i + 1]);

		if (hi < 0 || lo < 0) {
			*bad_at = hi < 0 ? i : i + 1;
			return -1;
		}
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	if (len % 2) {
		*bad_at = nlh_hex_digit(hex[len - 1]) < 0 ? len - 1 : len;
		return -1;
	}
	return (long)(len / 2);
}

void nlh_hex_encode(const uint8_t *bytes, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 0xf];
	}
	out[2 * len] = '\0';
}
