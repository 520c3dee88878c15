/* SPDX-License-Identifier: MIT */
/*
 * Untrusted text (request lines, command-line arguments, ext-ack messages) shown in an error or reply line: every
 * byte outside printable ASCII becomes '?', so a line stays one line and no control byte reaches a terminal.
 * The serve protocol and the one-shot commands escape the same way. Pure: no I/O, no allocation.
 */
#ifndef NLH_TEXT_H
#define NLH_TEXT_H

#include <stddef.h>

/* @c as it may be shown: itself when printable ASCII, else '?'. */
char nlh_text_char(char c);

/* Make the NUL-terminated @s printable, in place. */
void nlh_text_printable(char *s);

/*
 * @len bytes at @s (NUL bytes included) quoted for a message, into @out: at most 32 bytes, made printable, "..."
 * appended when cut. Returns @out.
 */
#define NLH_TEXT_QUOTE_SIZE 40
const char *nlh_text_quote(const char *s, size_t len, char out[NLH_TEXT_QUOTE_SIZE]);

#endif
