/* SPDX-License-Identifier: MIT */
/* Hex codec: netlink bytes travel as lowercase contiguous hex on the command line and in the serve protocol. */
#ifndef NLH_HEX_H
#define NLH_HEX_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decode @len hex digits at @hex (upper or lower case, no separators) into @out, which may be @hex itself
 * (every output byte lands before the digits it came from). Returns the number of bytes written, or -1 with
 * *@bad_at set to the offset of the first offending digit (or @len when the count of digits is odd).
 */
long nlh_hex_decode(const char *hex, size_t len, uint8_t *out, size_t *bad_at);

/* Write 2 * @len lowercase digits and a NUL to @out (room for 2 * @len + 1 chars). */
void nlh_hex_encode(const uint8_t *bytes, size_t len, char *out);

#endif
