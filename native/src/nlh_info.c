// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "nlh_info.h"
#include "nlh_line.h"
#include "nlh_out.h"

int nlh_proc_parse(const char *line, struct nlh_proc_row *row)
{
	int dump;
	int locks;

	return sscanf(line, "%*s %d %lu %15s %ld %ld %d %d %ld %lu", &row->protocol, &row->portid, row->groups,
		      &row->rmem, &row->wmem, &dump, &locks, &row->drops, &row->inode) == 9;
}

static void nlh_info_write_netlink(FILE *out)
{
	int kernel[NLH_PROTOCOL_COUNT] = { 0 };
	struct nlh_proc_row row;
	char line[512];
	int first = 1;
	FILE *f;
	int i;

	f = fopen(NLH_PROC_NETLINK, "r");
	if (!f) {
		fputs(",\"kernelProtocols\":[],\"netlink\":[],\"netlinkError\":", out);
		nlh_out_json_string(out, strerror(errno));
		return;
	}
	fputs(",\"netlink\":[", out);
	/* The first line is the column header; it does not parse as a row. */
	while (fgets(line, sizeof(line), f)) {
		if (!nlh_proc_parse(line, &row))
			continue;
		if (row.portid == 0 && row.protocol >= 0 && row.protocol < NLH_PROTOCOL_COUNT)
			kernel[row.protocol] = 1;
		fprintf(out, "%s{\"protocol\":%d,\"portid\":%lu,\"groups\":", first ? "" : ",", row.protocol,
			row.portid);
		nlh_out_json_string(out, row.groups);
		fprintf(out, ",\"rmem\":%ld,\"wmem\":%ld,\"drops\":%ld,\"inode\":%lu}", row.rmem, row.wmem,
			row.drops, row.inode);
		first = 0;
	}
	fclose(f);
	fputs("],\"kernelProtocols\":[", out);
	first = 1;
	for (i = 0; i < NLH_PROTOCOL_COUNT; i++) {
		if (!kernel[i])
			continue;
		fprintf(out, "%s%d", first ? "" : ",", i);
		first = 0;
	}
	fputc(']', out);
}

void nlh_info_write(FILE *out, const struct nlh_info_socket *sockets, size_t socket_count)
{
	struct utsname u;
	size_t i;

	fprintf(out, "{\"helper\":\"nlhelper\",\"version\":%d,\"pid\":%ld,\"uid\":%ld", NLH_PROTOCOL_VERSION,
		(long)getpid(), (long)getuid());
	if (uname(&u) == 0) {
		fputs(",\"uname\":{\"sysname\":", out);
		nlh_out_json_string(out, u.sysname);
		fputs(",\"release\":", out);
		nlh_out_json_string(out, u.release);
		fputs(",\"version\":", out);
		nlh_out_json_string(out, u.version);
		fputs(",\"machine\":", out);
		nlh_out_json_string(out, u.machine);
		fputc('}', out);
	}
	nlh_info_write_netlink(out);
	fputs(",\"sockets\":[", out);
	for (i = 0; i < socket_count; i++) {
		fprintf(out, "%s{\"protocol\":%d,\"portid\":%lu,\"role\":", i ? "," : "", sockets[i].protocol,
			(unsigned long)sockets[i].portid);
		nlh_out_json_string(out, sockets[i].role);
		fputc('}', out);
	}
	fputs("]}", out);
}
