// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nlh_info.h"
#include "nlh_ports.h"

/* Netlink sockets considered per resolve (rows of /proc/net/netlink); a busy system has a few hundred. */
#define NLH_PORTS_ROWS_MAX 65536

int nlh_ports_active(const struct nlh_ports *p)
{
	return p->fixed_count > 0 || nlh_ports_by_process(p);
}

int nlh_ports_by_process(const struct nlh_ports *p)
{
	return p->pid_count > 0 || p->comm[0];
}

static int nlh_ports_comm_is(long pid, const char *comm)
{
	char path[64];
	char have[NLH_COMM_MAX + 2];
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (!fgets(have, sizeof(have), f))
		have[0] = '\0';
	fclose(f);
	len = strlen(have);
	if (len && have[len - 1] == '\n')
		have[len - 1] = '\0';
	return strcmp(have, comm) == 0;
}

static int nlh_ports_wanted(const struct nlh_ports *p, long pid)
{
	size_t i;

	for (i = 0; i < p->pid_count; i++)
		if (p->pids[i] == pid)
			return 1;
	return p->comm[0] && nlh_ports_comm_is(pid, p->comm);
}

struct nlh_ports_rows {
	struct nlh_proc_row *rows;
	size_t count;
};

static void nlh_ports_add(struct nlh_ports *p, int protocol, uint32_t portid)
{
	size_t i;

	for (i = 0; i < p->found_count; i++)
		if (p->found[i].protocol == protocol && p->found[i].portid == portid)
			return;
	if (p->found_count == NLH_PORTS_MAX) {
		if (!p->overflow_said)
			fprintf(stderr, "nlhelper capture: more than %d netlink ports: the rest is not matched\n",
				NLH_PORTS_MAX);
		p->overflow_said = 1;
		return;
	}
	p->found[p->found_count].protocol = protocol;
	p->found[p->found_count].portid = portid;
	p->found_count++;
}

/* Every socket inode in /proc/@pid/fd that is a netlink socket of @rows becomes a port id. */
static void nlh_ports_scan_fds(struct nlh_ports *p, long pid, const struct nlh_ports_rows *r)
{
	char dir_path[64];
	struct dirent *e;
	DIR *d;

	snprintf(dir_path, sizeof(dir_path), "/proc/%ld/fd", pid);
	d = opendir(dir_path);
	if (!d)
		return;	/* gone, or not ours to look at */
	while ((e = readdir(d))) {
		char target[64];
		unsigned long inode;
		ssize_t n;
		size_t i;

		if (e->d_name[0] == '.')
			continue;
		n = readlinkat(dirfd(d), e->d_name, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (sscanf(target, "socket:[%lu]", &inode) != 1)
			continue;
		for (i = 0; i < r->count; i++)
			if (r->rows[i].inode == inode && r->rows[i].portid != 0)
				nlh_ports_add(p, r->rows[i].protocol, (uint32_t)r->rows[i].portid);
	}
	closedir(d);
}

static void nlh_ports_read_rows(struct nlh_ports_rows *r)
{
	struct nlh_proc_row row;
	char line[512];
	size_t cap = 0;
	FILE *f;

	r->rows = NULL;
	r->count = 0;
	f = fopen(NLH_PROC_NETLINK, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && r->count < NLH_PORTS_ROWS_MAX) {
		if (!nlh_proc_parse(line, &row))
			continue;
		if (r->count == cap) {
			size_t more = cap ? cap * 2 : 256;
			struct nlh_proc_row *grown = realloc(r->rows, more * sizeof(*grown));

			if (!grown)
				break;
			r->rows = grown;
			cap = more;
		}
		r->rows[r->count++] = row;
	}
	fclose(f);
}

size_t nlh_ports_resolve(struct nlh_ports *p)
{
	struct nlh_ports_rows rows;
	struct dirent *e;
	DIR *proc;

	p->found_count = 0;
	if (!nlh_ports_by_process(p))
		return 0;
	nlh_ports_read_rows(&rows);
	proc = opendir("/proc");
	if (proc) {
		while ((e = readdir(proc))) {
			char *end;
			long pid = strtol(e->d_name, &end, 10);

			if (*end || pid <= 0 || !nlh_ports_wanted(p, pid))
				continue;
			nlh_ports_scan_fds(p, pid, &rows);
		}
		closedir(proc);
	}
	free(rows.rows);
	return p->found_count;
}

static int nlh_ports_in(const struct nlh_port *list, size_t count, int protocol, uint32_t portid)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (list[i].portid == portid && (list[i].protocol < 0 || list[i].protocol == protocol))
			return 1;
	return 0;
}

int nlh_ports_match(const struct nlh_ports *p, int protocol, uint32_t portid)
{
	return nlh_ports_in(p->fixed, p->fixed_count, protocol, portid) ||
	       nlh_ports_in(p->found, p->found_count, protocol, portid);
}
