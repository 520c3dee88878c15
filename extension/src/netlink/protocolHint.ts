// The protocol a hex run was sent on, when the text right before it says so: "protocol=16", "protocol: generic",
// "proto=31" or a NETLINK_* constant, on the run's first line before the hex or on the line just above. Prose
// such as "loaded, protocol 31" does not count (no = or :), and nothing further away is read.
import { NETLINK_GENERIC, NETLINK_ROUTE } from './constants';
import { parseProtocol } from './protocols';

const HINT = /\b(?:netlink[_ ]?protocol|protocol|proto)\s*[=:]\s*(NETLINK_\w+|\w+)|\b(NETLINK_[A-Z_]+)\b/gi;

/** Longest stretch read before the run: a hint is a short label, not a paragraph. */
const WINDOW = 400;

/** Protocol named on the run's first line (before it) or the line above, or undefined. */
export function protocolHint(text: string, runStart: number): number | undefined {
  const ownLine = text.lastIndexOf('\n', runStart - 1);
  const lineAbove = ownLine <= 0 ? 0 : text.lastIndexOf('\n', ownLine - 1) + 1;
  const window = text.slice(Math.max(lineAbove, runStart - WINDOW), runStart);
  let found: number | undefined;
  for (const m of window.matchAll(HINT)) {
    const p = parseProtocol(m[1] ?? m[2] ?? '');
    if (!('error' in p)) found = p.protocol; // the nearest mention wins
  }
  return found;
}

/**
 * Words that say which protocol hex belongs to without the `protocol=` form: a log line such as
 * `netlink reply from genl:` or `rtnetlink dump:`, or a generic family's name (`nl80211 event`). Read in the
 * same short window as the hint above; the nearest word wins. Used only when the protocol setting is `auto`.
 */
const ROUTE_WORDS = /^(?:rtnl|rtnetlink|route)$/i;
const GENERIC_WORDS = /^(?:genl|generic|genetlink)$/i;
/** Generic families of the kernel's tree (and of its specs) whose names are words in logs. */
const KNOWN_GENL_FAMILIES = [
  'nl80211',
  'ethtool',
  'devlink',
  'netdev',
  'nlctrl',
  'taskstats',
  'thermal',
  'team',
  'wireguard',
  'mptcp_pm',
  'dpll',
  'handshake',
  'nfsd',
  'tcp_metrics',
  'ovs_datapath',
  'ovs_flow',
  'ovs_vport',
  'psample',
  'macsec',
  'fou',
  'seg6',
  'ioam6',
  'ncsi',
  'tipc',
  'smc_pnet',
  'NLBL_MGMT',
];

export function protocolWord(text: string, runStart: number, genlFamilies: Iterable<string> = []): number | undefined {
  const ownLine = text.lastIndexOf('\n', runStart - 1);
  const lineAbove = ownLine <= 0 ? 0 : text.lastIndexOf('\n', ownLine - 1) + 1;
  const window = text.slice(Math.max(lineAbove, runStart - WINDOW), runStart);
  const families = new Set([...KNOWN_GENL_FAMILIES, ...genlFamilies].map((n) => n.toLowerCase()));
  let found: number | undefined;
  for (const m of window.matchAll(/[A-Za-z][\w-]*/g)) {
    const word = m[0];
    if (ROUTE_WORDS.test(word)) found = NETLINK_ROUTE;
    else if (GENERIC_WORDS.test(word) || families.has(word.toLowerCase())) found = NETLINK_GENERIC;
  }
  return found;
}
