// Fixed headers and binary structs of rtnetlink (uapi rtnetlink.h, if_link.h, if_addr.h, neighbour.h,
// fib_rules.h, nexthop.h, netconf.h, if_link.h stats). Layouts are facts of the ABI.
import { struct } from '../define';
import type { StructFieldDef } from '../types';

const u8 = (name: string, enumName?: string): StructFieldDef => ({ name, kind: 'u8', ...(enumName ? { enumName } : {}) });
const u16 = (name: string, enumName?: string): StructFieldDef => ({ name, kind: 'u16', ...(enumName ? { enumName } : {}) });
const u32 = (name: string, enumName?: string): StructFieldDef => ({ name, kind: 'u32', ...(enumName ? { enumName } : {}) });
const s32 = (name: string): StructFieldDef => ({ name, kind: 's32' });
const u64 = (name: string): StructFieldDef => ({ name, kind: 'u64' });
const pad = (name: string, length: number): StructFieldDef => ({ name, kind: 'pad', length });
const hex32 = (name: string): StructFieldDef => ({ name, kind: 'u32', display: 'hex' });

export const ifinfomsg = struct('ifinfomsg', [
  u8('ifi_family', 'address-family'), pad('__ifi_pad', 1), u16('ifi_type', 'arphrd'), s32('ifi_index'),
  u32('ifi_flags', 'iff-flags'), { name: 'ifi_change', kind: 'u32', enumName: 'iff-flags' },
]);

export const ifaddrmsg = struct('ifaddrmsg', [
  u8('ifa_family', 'address-family'), u8('ifa_prefixlen'), u8('ifa_flags', 'ifa-flags'), u8('ifa_scope', 'rt-scope'),
  u32('ifa_index'),
]);

export const rtmsg = struct('rtmsg', [
  u8('rtm_family', 'address-family'), u8('rtm_dst_len'), u8('rtm_src_len'), u8('rtm_tos'), u8('rtm_table', 'rt-table'),
  u8('rtm_protocol', 'rt-protocol'), u8('rtm_scope', 'rt-scope'), u8('rtm_type', 'rtn-type'),
  u32('rtm_flags', 'rtm-flags'),
]);

export const ndmsg = struct('ndmsg', [
  u8('ndm_family', 'address-family'), pad('ndm_pad1', 1), pad('ndm_pad2', 2), s32('ndm_ifindex'),
  u16('ndm_state', 'nud-state'), u8('ndm_flags', 'ntf-flags'), u8('ndm_type', 'rtn-type'),
]);

export const fibRuleHdr = struct('fib_rule_hdr', [
  u8('family', 'address-family'), u8('dst_len'), u8('src_len'), u8('tos'), u8('table', 'rt-table'), pad('res1', 1),
  pad('res2', 1), u8('action', 'fr-action'), u32('flags', 'fib-rule-flags'),
]);

export const tcmsg = struct('tcmsg', [
  u8('tcm_family', 'address-family'), pad('tcm__pad1', 1), pad('tcm__pad2', 2), s32('tcm_ifindex'),
  hex32('tcm_handle'), hex32('tcm_parent'), hex32('tcm_info'),
]);

export const rtgenmsg = struct('rtgenmsg', [u8('rtgen_family', 'address-family'), pad('pad', 3)]);

export const nhmsg = struct('nhmsg', [
  u8('nh_family', 'address-family'), u8('nh_scope', 'rt-scope'), u8('nh_protocol', 'rt-protocol'), pad('resvd', 1),
  u32('nh_flags', 'rtm-flags'),
]);

export const ifStatsMsg = struct('if_stats_msg', [
  u8('family', 'address-family'), pad('pad1', 1), pad('pad2', 2), u32('ifindex'), hex32('filter_mask'),
]);

const STATS_FIELDS = [
  'rx_packets', 'tx_packets', 'rx_bytes', 'tx_bytes', 'rx_errors', 'tx_errors', 'rx_dropped', 'tx_dropped',
  'multicast', 'collisions', 'rx_length_errors', 'rx_over_errors', 'rx_crc_errors', 'rx_frame_errors',
  'rx_fifo_errors', 'rx_missed_errors', 'tx_aborted_errors', 'tx_carrier_errors', 'tx_fifo_errors',
  'tx_heartbeat_errors', 'tx_window_errors', 'rx_compressed', 'tx_compressed', 'rx_nohandler',
];

export const rtnlLinkStats = struct('rtnl_link_stats', STATS_FIELDS.map((n) => u32(n)));
export const rtnlLinkStats64 = struct('rtnl_link_stats64', [...STATS_FIELDS, 'rx_otherhost_dropped'].map(u64));

export const rtnlLinkIfmap = struct('rtnl_link_ifmap', [
  u64('mem_start'), u64('mem_end'), u64('base_addr'), u16('irq'), u8('dma'), u8('port'), pad('pad', 4),
]);

export const ifaCacheinfo = struct('ifa_cacheinfo', [u32('ifa_prefered'), u32('ifa_valid'), u32('cstamp'), u32('tstamp')]);

export const rtaCacheinfo = struct('rta_cacheinfo', [
  u32('rta_clntref'), u32('rta_lastuse'), s32('rta_expires'), u32('rta_error'), u32('rta_used'), u32('rta_id'),
  u32('rta_ts'), u32('rta_tsage'),
]);

export const ndaCacheinfo = struct('nda_cacheinfo', [u32('ndm_confirmed'), u32('ndm_used'), u32('ndm_updated'), u32('ndm_refcnt')]);

export const iflaCacheinfo = struct('ifla_cacheinfo', [u32('max_reasm_len'), u32('tstamp'), u32('reachable_time'), u32('retrans_time')]);

export const fibRuleUidRange = struct('fib_rule_uid_range', [u32('start'), u32('end')]);
export const fibRulePortRange = struct('fib_rule_port_range', [u16('start'), u16('end')]);

export const ROUTE_STRUCTS = [
  ifinfomsg, ifaddrmsg, rtmsg, ndmsg, fibRuleHdr, tcmsg, rtgenmsg, nhmsg, ifStatsMsg, rtnlLinkStats, rtnlLinkStats64,
  rtnlLinkIfmap, ifaCacheinfo, rtaCacheinfo, ndaCacheinfo, iflaCacheinfo, fibRuleUidRange, fibRulePortRange,
];
