// rtnetlink attribute sets: IFLA_*, IFA_*, RTA_*, NDA_*, FRA_*, TCA_*, NHA_*, NETCONFA_*, NETNSA_*, IFLA_STATS_*.
// Numbers and payload types from the uapi headers; names exactly as the kernel spells them.
import { attrSet } from '../define';

const mac = { display: 'mac' } as const;
const ip = { display: 'ip' } as const;
const be = { bigEndian: true } as const;

export const linkAttrs = attrSet('link-attrs', {
  1: ['IFLA_ADDRESS', 'binary', mac], 2: ['IFLA_BROADCAST', 'binary', mac], 3: ['IFLA_IFNAME', 'string'],
  4: ['IFLA_MTU', 'u32'], 5: ['IFLA_LINK', 'u32'], 6: ['IFLA_QDISC', 'string'],
  7: ['IFLA_STATS', 'struct', { struct: 'rtnl_link_stats' }], 8: ['IFLA_COST', 'binary'], 9: ['IFLA_PRIORITY', 'binary'],
  10: ['IFLA_MASTER', 'u32'], 11: ['IFLA_WIRELESS', 'binary'], 12: ['IFLA_PROTINFO', 'nest', { nested: 'af-inet6' }],
  13: ['IFLA_TXQLEN', 'u32'], 14: ['IFLA_MAP', 'struct', { struct: 'rtnl_link_ifmap' }], 15: ['IFLA_WEIGHT', 'u32'],
  16: ['IFLA_OPERSTATE', 'u8', { enumName: 'operstate' }], 17: ['IFLA_LINKMODE', 'u8', { enumName: 'linkmode' }],
  18: ['IFLA_LINKINFO', 'nest', { nested: 'linkinfo-attrs' }], 19: ['IFLA_NET_NS_PID', 'u32'],
  20: ['IFLA_IFALIAS', 'string'], 21: ['IFLA_NUM_VF', 'u32'], 22: ['IFLA_VFINFO_LIST', 'nest'],
  23: ['IFLA_STATS64', 'struct', { struct: 'rtnl_link_stats64' }], 24: ['IFLA_VF_PORTS', 'nest'],
  25: ['IFLA_PORT_SELF', 'nest'], 26: ['IFLA_AF_SPEC', 'nest', { nested: 'af-spec-attrs' }], 27: ['IFLA_GROUP', 'u32'],
  28: ['IFLA_NET_NS_FD', 'u32'], 29: ['IFLA_EXT_MASK', 'u32', { display: 'hex' }], 30: ['IFLA_PROMISCUITY', 'u32'],
  31: ['IFLA_NUM_TX_QUEUES', 'u32'], 32: ['IFLA_NUM_RX_QUEUES', 'u32'], 33: ['IFLA_CARRIER', 'u8'],
  34: ['IFLA_PHYS_PORT_ID', 'binary'], 35: ['IFLA_CARRIER_CHANGES', 'u32'], 36: ['IFLA_PHYS_SWITCH_ID', 'binary'],
  37: ['IFLA_LINK_NETNSID', 's32'], 38: ['IFLA_PHYS_PORT_NAME', 'string'], 39: ['IFLA_PROTO_DOWN', 'u8'],
  40: ['IFLA_GSO_MAX_SEGS', 'u32'], 41: ['IFLA_GSO_MAX_SIZE', 'u32'], 42: ['IFLA_PAD', 'binary'],
  43: ['IFLA_XDP', 'nest', { nested: 'xdp-attrs' }], 44: ['IFLA_EVENT', 'u32'], 45: ['IFLA_NEW_NETNSID', 's32'],
  46: ['IFLA_TARGET_NETNSID', 's32'], 47: ['IFLA_CARRIER_UP_COUNT', 'u32'], 48: ['IFLA_CARRIER_DOWN_COUNT', 'u32'],
  49: ['IFLA_NEW_IFINDEX', 's32'], 50: ['IFLA_MIN_MTU', 'u32'], 51: ['IFLA_MAX_MTU', 'u32'],
  52: ['IFLA_PROP_LIST', 'nest', { nested: 'link-attrs' }], 53: ['IFLA_ALT_IFNAME', 'string', { multiAttr: true }],
  54: ['IFLA_PERM_ADDRESS', 'binary', mac], 55: ['IFLA_PROTO_DOWN_REASON', 'nest', { nested: 'proto-down-reason-attrs' }],
  56: ['IFLA_PARENT_DEV_NAME', 'string'], 57: ['IFLA_PARENT_DEV_BUS_NAME', 'string'], 58: ['IFLA_GRO_MAX_SIZE', 'u32'],
  59: ['IFLA_TSO_MAX_SIZE', 'u32'], 60: ['IFLA_TSO_MAX_SEGS', 'u32'], 61: ['IFLA_ALLMULTI', 'u32'],
  62: ['IFLA_DEVLINK_PORT', 'nest'], 63: ['IFLA_GSO_IPV4_MAX_SIZE', 'u32'], 64: ['IFLA_GRO_IPV4_MAX_SIZE', 'u32'],
  65: ['IFLA_DPLL_PIN', 'nest'], 66: ['IFLA_MAX_PACING_OFFLOAD_HORIZON', 'uint'], 67: ['IFLA_NETNS_IMMUTABLE', 'u8'],
  68: ['IFLA_HEADROOM', 'u16'], 69: ['IFLA_TAILROOM', 'u16'],
});

export const linkinfoAttrs = attrSet('linkinfo-attrs', {
  1: ['IFLA_INFO_KIND', 'string'], 2: ['IFLA_INFO_DATA', 'binary'], 3: ['IFLA_INFO_XSTATS', 'binary'],
  4: ['IFLA_INFO_SLAVE_KIND', 'string'], 5: ['IFLA_INFO_SLAVE_DATA', 'binary'],
});

export const afSpecAttrs = attrSet('af-spec-attrs', {
  2: ['AF_INET', 'nest', { nested: 'af-inet' }], 7: ['AF_BRIDGE', 'nest'], 10: ['AF_INET6', 'nest', { nested: 'af-inet6' }],
  28: ['AF_MPLS', 'nest'],
});

export const afInet = attrSet('af-inet', { 1: ['IFLA_INET_CONF', 'binary'] });

export const afInet6 = attrSet('af-inet6', {
  1: ['IFLA_INET6_FLAGS', 'u32', { display: 'hex' }], 2: ['IFLA_INET6_CONF', 'binary'], 3: ['IFLA_INET6_STATS', 'binary'],
  4: ['IFLA_INET6_MCAST', 'binary'], 5: ['IFLA_INET6_CACHEINFO', 'struct', { struct: 'ifla_cacheinfo' }],
  6: ['IFLA_INET6_ICMP6STATS', 'binary'], 7: ['IFLA_INET6_TOKEN', 'binary', { display: 'ipv6' }],
  8: ['IFLA_INET6_ADDR_GEN_MODE', 'u8', { enumName: 'in6-addr-gen-mode' }], 9: ['IFLA_INET6_RA_MTU', 'u32'],
});

export const xdpAttrs = attrSet('xdp-attrs', {
  1: ['IFLA_XDP_FD', 's32'], 2: ['IFLA_XDP_ATTACHED', 'u8'], 3: ['IFLA_XDP_FLAGS', 'u32', { display: 'hex' }],
  4: ['IFLA_XDP_PROG_ID', 'u32'], 5: ['IFLA_XDP_DRV_PROG_ID', 'u32'], 6: ['IFLA_XDP_SKB_PROG_ID', 'u32'],
  7: ['IFLA_XDP_HW_PROG_ID', 'u32'], 8: ['IFLA_XDP_EXPECTED_FD', 's32'],
});

export const protoDownReasonAttrs = attrSet('proto-down-reason-attrs', {
  1: ['IFLA_PROTO_DOWN_REASON_MASK', 'u32', { display: 'hex' }], 2: ['IFLA_PROTO_DOWN_REASON_VALUE', 'u32', { display: 'hex' }],
});

export const addrAttrs = attrSet('addr-attrs', {
  1: ['IFA_ADDRESS', 'binary', ip], 2: ['IFA_LOCAL', 'binary', ip], 3: ['IFA_LABEL', 'string'],
  4: ['IFA_BROADCAST', 'binary', ip], 5: ['IFA_ANYCAST', 'binary', ip],
  6: ['IFA_CACHEINFO', 'struct', { struct: 'ifa_cacheinfo' }], 7: ['IFA_MULTICAST', 'binary', ip],
  8: ['IFA_FLAGS', 'u32', { enumName: 'ifa-flags' }], 9: ['IFA_RT_PRIORITY', 'u32'], 10: ['IFA_TARGET_NETNSID', 's32'],
  11: ['IFA_PROTO', 'u8'],
});

export const routeAttrs = attrSet('route-attrs', {
  1: ['RTA_DST', 'binary', ip], 2: ['RTA_SRC', 'binary', ip], 3: ['RTA_IIF', 'u32'], 4: ['RTA_OIF', 'u32'],
  5: ['RTA_GATEWAY', 'binary', ip], 6: ['RTA_PRIORITY', 'u32'], 7: ['RTA_PREFSRC', 'binary', ip],
  8: ['RTA_METRICS', 'nest', { nested: 'metrics-attrs' }], 9: ['RTA_MULTIPATH', 'binary'], 10: ['RTA_PROTOINFO', 'binary'],
  11: ['RTA_FLOW', 'u32'], 12: ['RTA_CACHEINFO', 'struct', { struct: 'rta_cacheinfo' }], 13: ['RTA_SESSION', 'binary'],
  14: ['RTA_MP_ALGO', 'binary'], 15: ['RTA_TABLE', 'u32', { enumName: 'rt-table' }], 16: ['RTA_MARK', 'u32'],
  17: ['RTA_MFC_STATS', 'binary'], 18: ['RTA_VIA', 'binary'], 19: ['RTA_NEWDST', 'binary'], 20: ['RTA_PREF', 'u8'],
  21: ['RTA_ENCAP_TYPE', 'u16'], 22: ['RTA_ENCAP', 'nest'], 23: ['RTA_EXPIRES', 'u32'], 24: ['RTA_PAD', 'binary'],
  25: ['RTA_UID', 'u32'], 26: ['RTA_TTL_PROPAGATE', 'u8'], 27: ['RTA_IP_PROTO', 'u8'], 28: ['RTA_SPORT', 'u16', be],
  29: ['RTA_DPORT', 'u16', be], 30: ['RTA_NH_ID', 'u32'], 31: ['RTA_FLOWLABEL', 'u32', { ...be, display: 'hex' }],
});

export const metricsAttrs = attrSet('metrics-attrs', {
  1: ['RTAX_LOCK', 'u32'], 2: ['RTAX_MTU', 'u32'], 3: ['RTAX_WINDOW', 'u32'], 4: ['RTAX_RTT', 'u32'],
  5: ['RTAX_RTTVAR', 'u32'], 6: ['RTAX_SSTHRESH', 'u32'], 7: ['RTAX_CWND', 'u32'], 8: ['RTAX_ADVMSS', 'u32'],
  9: ['RTAX_REORDERING', 'u32'], 10: ['RTAX_HOPLIMIT', 'u32'], 11: ['RTAX_INITCWND', 'u32'], 12: ['RTAX_FEATURES', 'u32'],
  13: ['RTAX_RTO_MIN', 'u32'], 14: ['RTAX_INITRWND', 'u32'], 15: ['RTAX_QUICKACK', 'u32'], 16: ['RTAX_CC_ALGO', 'string'],
  17: ['RTAX_FASTOPEN_NO_COOKIE', 'u32'],
});

export const neighAttrs = attrSet('neigh-attrs', {
  1: ['NDA_DST', 'binary', ip], 2: ['NDA_LLADDR', 'binary', mac], 3: ['NDA_CACHEINFO', 'struct', { struct: 'nda_cacheinfo' }],
  4: ['NDA_PROBES', 'u32'], 5: ['NDA_VLAN', 'u16'], 6: ['NDA_PORT', 'u16', be], 7: ['NDA_VNI', 'u32'],
  8: ['NDA_IFINDEX', 'u32'], 9: ['NDA_MASTER', 'u32'], 10: ['NDA_LINK_NETNSID', 's32'], 11: ['NDA_SRC_VNI', 'u32'],
  12: ['NDA_PROTOCOL', 'u8'], 13: ['NDA_NH_ID', 'u32'], 14: ['NDA_FDB_EXT_ATTRS', 'nest'], 15: ['NDA_FLAGS_EXT', 'u32'],
  16: ['NDA_NDM_STATE_MASK', 'u16'], 17: ['NDA_NDM_FLAGS_MASK', 'u8'],
});

export const ruleAttrs = attrSet('rule-attrs', {
  1: ['FRA_DST', 'binary', ip], 2: ['FRA_SRC', 'binary', ip], 3: ['FRA_IIFNAME', 'string'], 4: ['FRA_GOTO', 'u32'],
  6: ['FRA_PRIORITY', 'u32'], 10: ['FRA_FWMARK', 'u32'], 11: ['FRA_FLOW', 'u32'], 12: ['FRA_TUN_ID', 'u64', be],
  13: ['FRA_SUPPRESS_IFGROUP', 'u32'], 14: ['FRA_SUPPRESS_PREFIXLEN', 'u32'], 15: ['FRA_TABLE', 'u32', { enumName: 'rt-table' }],
  16: ['FRA_FWMASK', 'u32', { display: 'hex' }], 17: ['FRA_OIFNAME', 'string'], 18: ['FRA_PAD', 'binary'],
  19: ['FRA_L3MDEV', 'u8'], 20: ['FRA_UID_RANGE', 'struct', { struct: 'fib_rule_uid_range' }], 21: ['FRA_PROTOCOL', 'u8', { enumName: 'rt-protocol' }],
  22: ['FRA_IP_PROTO', 'u8'], 23: ['FRA_SPORT_RANGE', 'struct', { struct: 'fib_rule_port_range' }],
  24: ['FRA_DPORT_RANGE', 'struct', { struct: 'fib_rule_port_range' }], 25: ['FRA_DSCP', 'u8'],
  26: ['FRA_FLOWLABEL', 'u32', { ...be, display: 'hex' }], 27: ['FRA_FLOWLABEL_MASK', 'u32', { ...be, display: 'hex' }],
  28: ['FRA_SPORT_MASK', 'u16'], 29: ['FRA_DPORT_MASK', 'u16'], 30: ['FRA_DSCP_MASK', 'u8'],
});

export const tcAttrs = attrSet('tc-attrs', {
  1: ['TCA_KIND', 'string'], 2: ['TCA_OPTIONS', 'binary'], 3: ['TCA_STATS', 'binary'], 4: ['TCA_XSTATS', 'binary'],
  5: ['TCA_RATE', 'binary'], 6: ['TCA_FCNT', 'u32'], 7: ['TCA_STATS2', 'nest'], 8: ['TCA_STAB', 'nest'],
  9: ['TCA_PAD', 'binary'], 10: ['TCA_DUMP_INVISIBLE', 'flag'], 11: ['TCA_CHAIN', 'u32'], 12: ['TCA_HW_OFFLOAD', 'u8'],
  13: ['TCA_INGRESS_BLOCK', 'u32'], 14: ['TCA_EGRESS_BLOCK', 'u32'], 15: ['TCA_DUMP_FLAGS', 'bitfield32'],
  16: ['TCA_EXT_WARN_MSG', 'string'],
});

export const nexthopAttrs = attrSet('nexthop-attrs', {
  1: ['NHA_ID', 'u32'], 2: ['NHA_GROUP', 'binary'], 3: ['NHA_GROUP_TYPE', 'u16'], 4: ['NHA_BLACKHOLE', 'flag'],
  5: ['NHA_OIF', 'u32'], 6: ['NHA_GATEWAY', 'binary', ip], 7: ['NHA_ENCAP_TYPE', 'u16'], 8: ['NHA_ENCAP', 'nest'],
  9: ['NHA_GROUPS', 'flag'], 10: ['NHA_MASTER', 'u32'], 11: ['NHA_FDB', 'flag'], 12: ['NHA_RES_GROUP', 'nest'],
  13: ['NHA_RES_BUCKET', 'nest'], 14: ['NHA_OP_FLAGS', 'u32', { display: 'hex' }], 15: ['NHA_GROUP_STATS', 'nest'],
  16: ['NHA_HW_STATS_ENABLE', 'u32'], 17: ['NHA_HW_STATS_USED', 'u32'],
});

export const netconfAttrs = attrSet('netconf-attrs', {
  1: ['NETCONFA_IFINDEX', 's32'], 2: ['NETCONFA_FORWARDING', 's32'], 3: ['NETCONFA_RP_FILTER', 's32'],
  4: ['NETCONFA_MC_FORWARDING', 's32'], 5: ['NETCONFA_PROXY_NEIGH', 's32'], 6: ['NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN', 's32'],
  7: ['NETCONFA_INPUT', 's32'], 8: ['NETCONFA_BC_FORWARDING', 's32'],
});

export const nsidAttrs = attrSet('nsid-attrs', {
  1: ['NETNSA_NSID', 's32'], 2: ['NETNSA_PID', 'u32'], 3: ['NETNSA_FD', 'u32'], 4: ['NETNSA_TARGET_NSID', 's32'],
  5: ['NETNSA_CURRENT_NSID', 's32'],
});

export const statsAttrs = attrSet('stats-attrs', {
  1: ['IFLA_STATS_LINK_64', 'struct', { struct: 'rtnl_link_stats64' }], 2: ['IFLA_STATS_LINK_XSTATS', 'nest'],
  3: ['IFLA_STATS_LINK_XSTATS_SLAVE', 'nest'], 4: ['IFLA_STATS_LINK_OFFLOAD_XSTATS', 'nest'], 5: ['IFLA_STATS_AF_SPEC', 'nest'],
});

export const ROUTE_ATTR_SETS = [
  linkAttrs, linkinfoAttrs, afSpecAttrs, afInet, afInet6, xdpAttrs, protoDownReasonAttrs, addrAttrs, routeAttrs,
  metricsAttrs, neighAttrs, ruleAttrs, tcAttrs, nexthopAttrs, netconfAttrs, nsidAttrs, statsAttrs,
];
