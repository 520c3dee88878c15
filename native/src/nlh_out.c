// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nlh_hex.h"
#include "nlh_out.h"

#define NLH_HEX_CHUNK 4096

void nlh_out_hex_line(FILE *out, const char *prefix, const uint8_t *bytes, size_t len)
{
	char hex[2 * NLH_HEX_CHUNK + 1];
	size_t done = 0;

	fputs(prefix, out);
	while (done < len) {
		size_t n = len - done < NLH_HEX_CHUNK ? len - done : NLH_HEX_CHUNK;

		nlh_hex_encode(bytes + done, n, hex);
		fwrite(hex, 1, 2 * n, out);
		done += n;
	}
	fputc('\n', out);
}

void nlh_out_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

void nlh_out_flush(FILE *out)
{
	if (fflush(out) != 0 || ferror(out)) {
		fprintf(stderr, "nlhelper: cannot write output: %s\n", strerror(errno));
		exit(1);
	}
}
