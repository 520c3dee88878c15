// SPDX-License-Identifier: MIT
#include <string.h>

#include "nlh_text.h"

#define NLH_TEXT_QUOTE_MAX 32

char nlh_text_char(char c)
{
	return (unsigned char)c >= 0x20 && (unsigned char)c < 0x7f ? c : '?';
}

void nlh_text_printable(char *s)
{
	for (; *s; s++)
		*s = nlh_text_char(*s);
}

const char *nlh_text_quote(const char *s, size_t len, char out[NLH_TEXT_QUOTE_SIZE])
{
	size_t n = len > NLH_TEXT_QUOTE_MAX ? NLH_TEXT_QUOTE_MAX : len;
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = nlh_text_char(s[i]);
	if (n < len)
		memcpy(out + n, "...", 4);
	else
		out[n] = '\0';
	return out;
}
