// SPDX-License-Identifier: MIT
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "nlh_exchange.h"
#include "nlh_link.h"
#include "nlh_socket.h"

#define NLH_LINK_MSG_MAX 256

struct nlh_link_req {
	uint8_t buf[NLH_LINK_MSG_MAX];
	size_t len;
};

static struct nlmsghdr *nlh_link_start(struct nlh_link_req *r, uint16_t type, uint16_t flags, int ifindex,
				       unsigned int ifi_flags, unsigned int ifi_change)
{
	struct nlmsghdr *h = (struct nlmsghdr *)r->buf;
	struct ifinfomsg *ifi = (struct ifinfomsg *)(r->buf + NLMSG_HDRLEN);

	memset(r->buf, 0, sizeof(r->buf));
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	h->nlmsg_seq = 1;
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = ifi_flags;
	ifi->ifi_change = ifi_change;
	r->len = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*ifi));
	h->nlmsg_len = (uint32_t)r->len;
	return h;
}

/* Append an attribute (the buffer is sized for the few this file sends). Returns its offset, for nesting. */
static size_t nlh_link_attr(struct nlh_link_req *r, uint16_t type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)(r->buf + r->len);
	size_t at = r->len;

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	r->len += RTA_SPACE(len);
	((struct nlmsghdr *)r->buf)->nlmsg_len = (uint32_t)r->len;
	return at;
}

static void nlh_link_nest_end(struct nlh_link_req *r, size_t at)
{
	((struct rtattr *)(r->buf + at))->rta_len = (unsigned short)(r->len - at);
}

/* Send @r and wait for its ack. Returns 0, or a positive errno with @err->text filled (@what first). */
static int nlh_link_exchange(const struct nlh_link_req *r, const char *what, struct nlh_link_error *err)
{
	struct nlh_exchange_result res;
	struct nlh_socket s;
	int e = nlh_socket_open(&s, NETLINK_ROUTE, 0);

	if (e < 0) {
		err->error = -e;
		snprintf(err->text, sizeof(err->text), "%s: socket(AF_NETLINK, NETLINK_ROUTE): %s", what,
			 strerror(-e));
		return err->error;
	}
	nlh_exchange(&s, r->buf, r->len, NLH_LINK_TIMEOUT_MS, NULL, NULL, NULL, &res);
	nlh_socket_close(&s);
	switch (res.end) {
	case NLH_END_DONE:
		return 0;
	case NLH_END_TIMEOUT:
		err->error = ETIMEDOUT;
		snprintf(err->text, sizeof(err->text), "%s: rtnetlink did not answer within %d ms", what,
			 NLH_LINK_TIMEOUT_MS);
		return err->error;
	case NLH_END_KERNEL_ERROR:
		err->error = res.error;
		snprintf(err->text, sizeof(err->text), "%s: %s%s%s", what, strerror(res.error),
			 res.text[0] ? ": " : "", res.text);
		return err->error;
	case NLH_END_SYSTEM_ERROR:
	case NLH_END_CLIENT_GONE:
		break;
	}
	err->error = res.error ? res.error : EIO;
	snprintf(err->text, sizeof(err->text), "%s: %s", what, res.text);
	return err->error;
}

/* Whether interface @name is an nlmon interface (its hardware type is ARPHRD_NETLINK). */
static int nlh_link_is_nlmon(const char *name)
{
	char path[64];
	FILE *f;
	int type = -1;

	snprintf(path, sizeof(path), "/sys/class/net/%s/type", name);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fscanf(f, "%d", &type) != 1)
		type = -1;
	fclose(f);
	return type == 824;
}

int nlh_link_nlmon_up(const char *name, int *created, struct nlh_link_error *err)
{
	struct nlh_link_req r;
	size_t linkinfo;
	int ifindex;
	int e;

	nlh_link_start(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, 0, 0);
	nlh_link_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
	linkinfo = nlh_link_attr(&r, IFLA_LINKINFO, NULL, 0);
	nlh_link_attr(&r, IFLA_INFO_KIND, "nlmon", sizeof("nlmon"));
	nlh_link_nest_end(&r, linkinfo);
	e = nlh_link_exchange(&r, "creating the nlmon interface", err);
	*created = e == 0;
	if (e == EEXIST && !nlh_link_is_nlmon(name)) {
		snprintf(err->text, sizeof(err->text),
			 "interface %s exists and is not an nlmon interface: remove or rename it", name);
		return -1;
	}
	if (e && e != EEXIST)
		return -1;
	ifindex = (int)if_nametoindex(name);
	if (ifindex <= 0) {
		err->error = errno ? errno : ENODEV;
		snprintf(err->text, sizeof(err->text), "interface %s vanished after it was created: %s", name,
			 strerror(err->error));
		return -1;
	}
	nlh_link_start(&r, RTM_NEWLINK, 0, ifindex, IFF_UP, IFF_UP);
	if (nlh_link_exchange(&r, "setting the nlmon interface up", err)) {
		if (*created) {
			struct nlh_link_error ignored;

			nlh_link_delete(ifindex, &ignored);
		}
		return -1;
	}
	return ifindex;
}

int nlh_link_delete(int ifindex, struct nlh_link_error *err)
{
	struct nlh_link_req r;

	nlh_link_start(&r, RTM_DELLINK, 0, ifindex, 0, 0);
	return nlh_link_exchange(&r, "removing the nlmon interface", err) ? -1 : 0;
}
