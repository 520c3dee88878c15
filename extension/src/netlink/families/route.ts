// NETLINK_ROUTE: message types RTM_* in groups of four (NEW, DEL, GET, SET), each group with its fixed header
// and attribute set. Kind by type % 4 (netlink-facts.md): 0 NEW, 1 DEL, 2 GET; SET changes like NEW.
import { family, message } from '../define';
import type { FamilyDef, MessageDef, MessageKind } from '../types';
import { NETLINK_ROUTE } from '../constants';
import { ROUTE_ATTR_SETS } from './route-attrs';
import { ROUTE_ENUMS } from './route-enums';
import { ROUTE_STRUCTS } from './route-structs';
import { RTNL_GROUPS } from './route-groups';

/** [first type, group name, header struct, attribute set] */
const GROUPS: readonly (readonly [number, string, string?, string?])[] = [
  [16, 'LINK', 'ifinfomsg', 'link-attrs'],
  [20, 'ADDR', 'ifaddrmsg', 'addr-attrs'],
  [24, 'ROUTE', 'rtmsg', 'route-attrs'],
  [28, 'NEIGH', 'ndmsg', 'neigh-attrs'],
  [32, 'RULE', 'fib_rule_hdr', 'rule-attrs'],
  [36, 'QDISC', 'tcmsg', 'tc-attrs'],
  [40, 'TCLASS', 'tcmsg', 'tc-attrs'],
  [44, 'TFILTER', 'tcmsg', 'tc-attrs'],
  [48, 'ACTION'],
  [52, 'PREFIX'],
  [56, 'MULTICAST', 'ifaddrmsg', 'addr-attrs'],
  [60, 'ANYCAST', 'ifaddrmsg', 'addr-attrs'],
  [64, 'NEIGHTBL', 'rtgenmsg'],
  [68, 'NDUSEROPT'],
  [72, 'ADDRLABEL'],
  [76, 'DCB'],
  [80, 'NETCONF', 'rtgenmsg', 'netconf-attrs'],
  [84, 'MDB'],
  [88, 'NSID', 'rtgenmsg', 'nsid-attrs'],
  [92, 'STATS', 'if_stats_msg', 'stats-attrs'],
  [96, 'CACHEREPORT'],
  [100, 'CHAIN', 'tcmsg', 'tc-attrs'],
  [104, 'NEXTHOP', 'nhmsg', 'nexthop-attrs'],
  [108, 'LINKPROP', 'ifinfomsg', 'link-attrs'],
  [112, 'VLAN'],
  [116, 'NEXTHOPBUCKET'],
  [120, 'TUNNEL'],
];

const VERBS: readonly (readonly [string, MessageKind])[] = [
  ['NEW', 'new'],
  ['DEL', 'del'],
  ['GET', 'get'],
  ['SET', 'new'],
];

function routeMessages(): MessageDef[] {
  const out: MessageDef[] = [];
  for (const [base, name, header, attrs] of GROUPS) {
    VERBS.forEach(([verb, kind], i) => out.push(message(base + i, `RTM_${verb}${name}`, kind, header, attrs)));
  }
  return out;
}

export const routeFamily: FamilyDef = family({
  name: 'rtnetlink',
  protocol: NETLINK_ROUTE,
  genl: false,
  messages: routeMessages(),
  attrSets: ROUTE_ATTR_SETS,
  structs: ROUTE_STRUCTS,
  enums: ROUTE_ENUMS,
  mcastGroups: RTNL_GROUPS,
});
