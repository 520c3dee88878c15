// SPDX-License-Identifier: GPL-2.0
/*
 * nlreply - the reference netlink module of Netlink Workbench.
 *
 * Opens a kernel netlink socket on the protocol given by the `protocol`
 * parameter (default 31; a number the kernel or another module registered
 * is refused, see nlreply_check_pinned()). For every message user space
 * sends there it
 * counts and logs the message; when the message asks for an
 * acknowledgment (NLM_F_ACK) it answers with one NLMSG_DONE message from
 * port id 0 that echoes the request's sequence number and carries the text
 *
 *   "message from port <portid> processed by kernel[: <payload text>]"
 *
 * followed by a NUL. Messages without NLM_F_ACK get no reply. The wire
 * format is described for decoders in nlreply.yaml next to this file.
 *
 * Counters, read-only, in /sys/module/nlreply/parameters/:
 *   received          messages that passed header validation
 *   replied           replies handed to user space
 *   unicast_failures  replies nlmsg_unicast() could not deliver
 *   malformed         buffers that ended in bytes that are no message
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <linux/skbuff.h>
#include <linux/sysfs.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/sock.h>

/* Room for the reply text including its NUL; longer payloads are cut. */
#define NLREPLY_TEXT_MAX 256

static int protocol = 31;
module_param(protocol, int, 0444);
MODULE_PARM_DESC(protocol, "Netlink protocol number to serve (0-31 and free, default 31; fixed after load)");

static atomic_long_t nlreply_received = ATOMIC_LONG_INIT(0);
static atomic_long_t nlreply_replied = ATOMIC_LONG_INIT(0);
static atomic_long_t nlreply_unicast_failures = ATOMIC_LONG_INIT(0);
static atomic_long_t nlreply_malformed = ATOMIC_LONG_INIT(0);

static struct sock *nlreply_sock;

static int nlreply_counter_get(char *buffer, const struct kernel_param *kp)
{
	const atomic_long_t *counter = kp->arg;

	return sysfs_emit(buffer, "%ld\n", atomic_long_read(counter));
}

/*
 * The counters only count. insmod parses parameters by calling .set
 * without checking that it exists, so refuse "received=5" politely instead.
 */
static int nlreply_counter_set(const char *val, const struct kernel_param *kp)
{
	pr_err("%s is a read-only counter\n", kp->name);
	return -EPERM;
}

static const struct kernel_param_ops nlreply_counter_ops = {
	.set = nlreply_counter_set,
	.get = nlreply_counter_get,
};

module_param_cb(received, &nlreply_counter_ops, &nlreply_received, 0444);
MODULE_PARM_DESC(received, "Messages received (read-only counter)");
module_param_cb(replied, &nlreply_counter_ops, &nlreply_replied, 0444);
MODULE_PARM_DESC(replied, "Replies delivered (read-only counter)");
module_param_cb(unicast_failures, &nlreply_counter_ops,
		&nlreply_unicast_failures, 0444);
MODULE_PARM_DESC(unicast_failures, "Replies nlmsg_unicast() failed to deliver (read-only counter)");
module_param_cb(malformed, &nlreply_counter_ops, &nlreply_malformed, 0444);
MODULE_PARM_DESC(malformed, "Buffers with bytes that are not a valid message (read-only counter)");

/*
 * Append ": <payload>" to @text (of @size bytes, @used of them filled) and
 * return the new length. The payload comes from user space and is not
 * NUL-terminated: read at most @len bytes, stop at a NUL, and show bytes
 * that are not printable ASCII as '.', so the log and the reply stay text.
 */
static int nlreply_append_payload(char *text, int used, int size,
				  const u8 *payload, int len)
{
	int i;

	/* C senders often include the string's NUL: that is no text. */
	len = strnlen((const char *)payload, len);
	if (len == 0 || used + 3 > size)
		return used;
	text[used++] = ':';
	text[used++] = ' ';
	for (i = 0; i < len && used < size - 1; i++)
		text[used++] = isascii(payload[i]) && isprint(payload[i]) ?
			       payload[i] : '.';
	text[used] = '\0';
	return used;
}

static void nlreply_send_reply(struct sk_buff *in_skb,
			       const struct nlmsghdr *req)
{
	u32 portid = NETLINK_CB(in_skb).portid;
	char text[NLREPLY_TEXT_MAX];
	struct nlmsghdr *nlh;
	struct sk_buff *skb;
	int text_len;
	int err;

	text_len = scnprintf(text, sizeof(text),
			     "message from port %u processed by kernel", portid);
	text_len = nlreply_append_payload(text, text_len, sizeof(text),
					  nlmsg_data(req), nlmsg_len(req));
	/* Send the NUL too, so C readers can print the payload as is. */
	text_len++;

	skb = nlmsg_new(text_len, GFP_KERNEL);
	if (!skb) {
		pr_warn_ratelimited("no memory for the reply to port %u\n", portid);
		return;
	}

	nlh = nlmsg_put(skb, 0, req->nlmsg_seq, NLMSG_DONE, text_len, 0);
	if (!nlh) {
		pr_warn_ratelimited("reply to port %u does not fit\n", portid);
		goto err_free_reply;
	}
	memcpy(nlmsg_data(nlh), text, text_len);

	/*
	 * From here on netlink owns the skb on every path, including failure
	 * (unknown port, full receive buffer): freeing it again would be a
	 * double free.
	 */
	err = nlmsg_unicast(nlreply_sock, skb, portid);
	if (err < 0) {
		atomic_long_inc(&nlreply_unicast_failures);
		pr_warn_ratelimited("reply to port %u not delivered: %d\n",
				    portid, err);
		return;
	}
	atomic_long_inc(&nlreply_replied);
	return;

err_free_reply:
	/* Never handed to netlink, so still ours. */
	nlmsg_free(skb);
}

static void nlreply_rcv_msg(struct sk_buff *skb, const struct nlmsghdr *nlh)
{
	atomic_long_inc(&nlreply_received);
	pr_debug("port %u: type %u flags 0x%x seq %u len %u\n",
		 NETLINK_CB(skb).portid, nlh->nlmsg_type, nlh->nlmsg_flags,
		 nlh->nlmsg_seq, nlh->nlmsg_len);

	if (nlh->nlmsg_flags & NLM_F_ACK)
		nlreply_send_reply(skb, nlh);
}

/*
 * Called in the sender's context for each sendmsg(); one skb may carry
 * several messages. netlink frees @skb after this returns.
 */
static void nlreply_rcv(struct sk_buff *skb)
{
	struct nlmsghdr *nlh = nlmsg_hdr(skb);
	int remaining = skb->len;

	/* nlmsg_ok() checks 16 <= nlmsg_len <= remaining before we read more. */
	while (nlmsg_ok(nlh, remaining)) {
		nlreply_rcv_msg(skb, nlh);
		nlh = nlmsg_next(nlh, &remaining);
	}

	/*
	 * A last message without its alignment padding leaves remaining < 0;
	 * anything above 0 is a header that lies about its length or a tail
	 * too short to be a header.
	 */
	if (remaining > 0) {
		atomic_long_inc(&nlreply_malformed);
		pr_info_ratelimited("port %u: %d bytes that are not a valid message ignored\n",
				    NETLINK_CB(skb).portid, remaining);
	}
}

#ifdef CONFIG_MODULE_UNLOAD
/*
 * Every user socket of a protocol holds a reference on the module that
 * owns the protocol's netlink table entry (netlink_create() calls
 * try_module_get(nl_table[protocol].module), netlink_release() puts it).
 * That reference is what makes rmmod fail while a sender may still be
 * inside nlreply_rcv(). The entry belongs to whoever registered the number
 * first: netlink_kernel_create() on a number that already has an entry
 * without a kernel socket (NETLINK_USERSOCK, 2, registered by af_netlink
 * itself at boot) succeeds but leaves the entry's owner as it was, so user
 * sockets there would pin nothing of ours and rmmod would free our code
 * under a running sender. Open a socket as user space would and see
 * whether it takes a reference on us.
 */
static int nlreply_check_pinned(void)
{
	struct socket *probe;
	int before;
	int pinned;
	int err;

	before = module_refcount(THIS_MODULE);
	err = sock_create_kern(&init_net, PF_NETLINK, SOCK_RAW, protocol,
			       &probe);
	if (err) {
		pr_err("cannot open a socket on netlink protocol %d: %d\n",
		       protocol, err);
		return err;
	}
	pinned = module_refcount(THIS_MODULE) > before;
	sock_release(probe);
	if (!pinned) {
		pr_err("netlink protocol %d belongs to another module or to the kernel (2 is NETLINK_USERSOCK): its sockets would not hold nlreply, so rmmod could free it under a sender; choose a free number\n",
		       protocol);
		return -EBUSY;
	}
	return 0;
}
#else
/* A kernel without module unloading never frees us: nothing to pin. */
static int nlreply_check_pinned(void)
{
	return 0;
}
#endif

static int __init nlreply_init(void)
{
	struct netlink_kernel_cfg cfg = {
		.input = nlreply_rcv,
	};
	int err;

	if (protocol < 0 || protocol >= MAX_LINKS) {
		pr_err("protocol %d out of range 0-%d\n", protocol, MAX_LINKS - 1);
		return -EINVAL;
	}

	nlreply_sock = netlink_kernel_create(&init_net, protocol, &cfg);
	if (!nlreply_sock) {
		/* Fails when another kernel socket already serves the protocol. */
		pr_err("cannot open netlink protocol %d (in use?)\n", protocol);
		return -EBUSY;
	}

	err = nlreply_check_pinned();
	if (err) {
		netlink_kernel_release(nlreply_sock);
		return err;
	}

	pr_info("serving netlink protocol %d\n", protocol);
	return 0;
}

static void __exit nlreply_exit(void)
{
	netlink_kernel_release(nlreply_sock);
	pr_info("released netlink protocol %d\n", protocol);
}

module_init(nlreply_init);
module_exit(nlreply_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Netlink Workbench");
MODULE_DESCRIPTION("Reference netlink module: replies NLMSG_DONE with a text to NLM_F_ACK requests");
