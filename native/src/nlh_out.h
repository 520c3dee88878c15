/* SPDX-License-Identifier: MIT */
/* Writing result lines: hex of messages, JSON strings. Everything goes through stdio; callers flush. */
#ifndef NLH_OUT_H
#define NLH_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Write @prefix (may be ""), the bytes as lowercase hex, and a newline, without building the line in memory. */
void nlh_out_hex_line(FILE *out, const char *prefix, const uint8_t *bytes, size_t len);

/* Write @s as a JSON string literal (quotes included); bytes outside printable ASCII are escaped. */
void nlh_out_json_string(FILE *out, const char *s);

/* Flush @out; on failure (a closed pipe) report on stderr and exit 1: nobody is listening any more. */
void nlh_out_flush(FILE *out);

#endif
