// rtnetlink's multicast groups (enum rtnetlink_groups, include/uapi/linux/rtnetlink.h): the index is the group
// number a socket joins with NETLINK_ADD_MEMBERSHIP. Checked against the 6.1 and 6.12 uapi headers (both end at
// RTNLGRP_STATS); '' marks numbers without a group (RTNLGRP_NOP2, RTNLGRP_NOP4 are placeholders).
export const RTNL_GROUPS: readonly string[] = [
  'RTNLGRP_NONE',
  'RTNLGRP_LINK',
  'RTNLGRP_NOTIFY',
  'RTNLGRP_NEIGH',
  'RTNLGRP_TC',
  'RTNLGRP_IPV4_IFADDR',
  'RTNLGRP_IPV4_MROUTE',
  'RTNLGRP_IPV4_ROUTE',
  'RTNLGRP_IPV4_RULE',
  'RTNLGRP_IPV6_IFADDR',
  'RTNLGRP_IPV6_MROUTE',
  'RTNLGRP_IPV6_ROUTE',
  'RTNLGRP_IPV6_IFINFO',
  'RTNLGRP_DECnet_IFADDR',
  'RTNLGRP_NOP2',
  'RTNLGRP_DECnet_ROUTE',
  'RTNLGRP_DECnet_RULE',
  'RTNLGRP_NOP4',
  'RTNLGRP_IPV6_PREFIX',
  'RTNLGRP_IPV6_RULE',
  'RTNLGRP_ND_USEROPT',
  'RTNLGRP_PHONET_IFADDR',
  'RTNLGRP_PHONET_ROUTE',
  'RTNLGRP_DCB',
  'RTNLGRP_IPV4_NETCONF',
  'RTNLGRP_IPV6_NETCONF',
  'RTNLGRP_MDB',
  'RTNLGRP_MPLS_ROUTE',
  'RTNLGRP_NSID',
  'RTNLGRP_MPLS_NETCONF',
  'RTNLGRP_IPV4_MROUTE_R',
  'RTNLGRP_IPV6_MROUTE_R',
  'RTNLGRP_NEXTHOP',
  'RTNLGRP_BRVLAN',
  'RTNLGRP_MCTP_IFADDR',
  'RTNLGRP_TUNNEL',
  'RTNLGRP_STATS',
];

/**
 * The group number of an rtnetlink group name: "RTNLGRP_LINK", case-insensitive, the prefix optional ("link");
 * a decimal number is taken as it is. undefined for anything else (RTNLGRP_NONE is no group to join).
 */
export function rtnlGroupNumber(name: string): number | undefined {
  const t = name.trim();
  if (/^[1-9]\d{0,6}$/.test(t)) return Number(t);
  const want = (t.toUpperCase().startsWith('RTNLGRP_') ? t : `RTNLGRP_${t}`).toUpperCase();
  const i = RTNL_GROUPS.findIndex((g) => g.toUpperCase() === want);
  return i > 0 ? i : undefined;
}
