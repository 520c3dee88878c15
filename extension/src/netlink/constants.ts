// Netlink wire constants (include/uapi/linux/netlink.h). Values are facts of the ABI; see netlink-facts.md.

export const NLMSG_ALIGNTO = 4;
export const NLMSG_HDRLEN = 16;
export const NLA_HDRLEN = 4;
export const GENL_HDRLEN = 4;

export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLMSG_OVERRUN = 4;
export const NLMSG_MIN_TYPE = 0x10;

export const NLM_F_REQUEST = 0x1;
export const NLM_F_MULTI = 0x2;
export const NLM_F_ACK = 0x4;
export const NLM_F_ECHO = 0x8;
export const NLM_F_DUMP_INTR = 0x10;
export const NLM_F_DUMP_FILTERED = 0x20;
export const NLM_F_ROOT = 0x100;
export const NLM_F_MATCH = 0x200;
export const NLM_F_ATOMIC = 0x400;
export const NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
export const NLM_F_REPLACE = 0x100;
export const NLM_F_EXCL = 0x200;
export const NLM_F_CREATE = 0x400;
export const NLM_F_APPEND = 0x800;
export const NLM_F_NONREC = 0x100;
export const NLM_F_BULK = 0x200;
export const NLM_F_CAPPED = 0x100;
export const NLM_F_ACK_TLVS = 0x200;

export const NLA_F_NESTED = 0x8000;
export const NLA_F_NET_BYTEORDER = 0x4000;
export const NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

export const NLMSGERR_ATTR_MSG = 1;
export const NLMSGERR_ATTR_OFFS = 2;
export const NLMSGERR_ATTR_COOKIE = 3;
export const NLMSGERR_ATTR_POLICY = 4;
export const NLMSGERR_ATTR_MISS_TYPE = 5;
export const NLMSGERR_ATTR_MISS_NEST = 6;

export const NETLINK_ROUTE = 0;
export const NETLINK_GENERIC = 16;
/** The reference module's default protocol (kmod/ `protocol` parameter). */
export const NETLINK_NLREPLY = 31;

// nlctrl, the generic netlink controller (include/uapi/linux/genetlink.h): its fixed id, and what a family
// lookup needs.
export const GENL_ID_CTRL = 0x10;
export const CTRL_CMD_NEWFAMILY = 1;
export const CTRL_CMD_GETFAMILY = 3;
export const CTRL_CMD_GETPOLICY = 10;
export const CTRL_ATTR_FAMILY_ID = 1;
export const CTRL_ATTR_FAMILY_NAME = 2;

/** Nesting deeper than this is reported, not followed: bounds work on hostile input. */
export const MAX_ATTR_DEPTH = 16;

/** Round up to the 4-byte netlink alignment (NLMSG_ALIGN / NLA_ALIGN). */
export function nlAlign(len: number): number {
  // Arithmetic, not bit masks: nlmsg_len is a u32 and masks would turn lengths >= 2^31 negative.
  return len + ((NLMSG_ALIGNTO - (len % NLMSG_ALIGNTO)) % NLMSG_ALIGNTO);
}

/** Protocol numbers by name (include/uapi/linux/netlink.h), for settings, the CLI and /proc/net/netlink. */
export const PROTOCOL_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'route'],
  [1, 'unused'],
  [2, 'usersock'],
  [3, 'firewall'],
  [4, 'sock_diag'],
  [5, 'nflog'],
  [6, 'xfrm'],
  [7, 'selinux'],
  [8, 'iscsi'],
  [9, 'audit'],
  [10, 'fib_lookup'],
  [11, 'connector'],
  [12, 'netfilter'],
  [13, 'ip6_fw'],
  [14, 'dnrtmsg'],
  [15, 'kobject_uevent'],
  [16, 'generic'],
  [18, 'scsitransport'],
  [19, 'ecryptfs'],
  [20, 'rdma'],
  [21, 'crypto'],
  [22, 'smc'],
]);
