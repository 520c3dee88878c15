// Protocol names users type (settings, CLI, builder): "route", "generic", "module", a number, or a
// NETLINK_* name; each mapped to its protocol number with a clear error otherwise.
import { NETLINK_GENERIC, NETLINK_NLREPLY, NETLINK_ROUTE, PROTOCOL_NAMES } from './constants';

const ALIASES: Readonly<Record<string, number>> = {
  route: NETLINK_ROUTE,
  rtnetlink: NETLINK_ROUTE,
  rtnl: NETLINK_ROUTE,
  generic: NETLINK_GENERIC,
  genl: NETLINK_GENERIC,
  genetlink: NETLINK_GENERIC,
  module: NETLINK_NLREPLY,
  nlreply: NETLINK_NLREPLY,
};

/** MAX_LINKS in the kernel: protocol numbers are 0..31. */
const MAX_PROTOCOL = 31;

export function parseProtocol(text: string): { protocol: number } | { error: string } {
  const t = text
    .trim()
    .toLowerCase()
    .replace(/^netlink_/, '');
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    return n <= MAX_PROTOCOL ? { protocol: n } : { error: `protocol ${n} is out of range (0-${MAX_PROTOCOL})` };
  }
  if (t in ALIASES) return { protocol: ALIASES[t]! };
  for (const [n, name] of PROTOCOL_NAMES) if (name === t) return { protocol: n };
  return {
    error: `unknown protocol "${text}" (route, generic, module, a NETLINK_* name or a number 0-${MAX_PROTOCOL})`,
  };
}

export function protocolName(protocol: number): string {
  if (protocol === NETLINK_NLREPLY) return 'nlreply (31)';
  const name = PROTOCOL_NAMES.get(protocol);
  return name === undefined ? `protocol ${protocol}` : `${name} (${protocol})`;
}

/** A protocol setting (settings, CLI): `auto` or what parseProtocol takes. */
export function parseProtocolSetting(text: string): { protocol: number | 'auto' } | { error: string } {
  if (text.trim().toLowerCase() === 'auto') return { protocol: 'auto' };
  const p = parseProtocol(text);
  return 'error' in p ? { error: p.error.replace('(route,', '(auto, route,') } : p;
}

/** How a run's protocol was chosen, for the hover's and the report's header line. */
export function choiceLabel(choice: {
  readonly protocol: number;
  readonly how: 'named' | 'setting' | 'word' | 'inferred';
  readonly runnerUp?: number;
  readonly ambiguous?: boolean;
}): string {
  const name = protocolName(choice.protocol);
  switch (choice.how) {
    case 'named':
      return `${name}, as the text says`;
    case 'setting':
      return name;
    case 'word':
      return `${name}, from a word near the hex`;
    case 'inferred': {
      const other = choice.runnerUp === undefined ? '' : `; runner-up ${protocolName(choice.runnerUp)}`;
      return choice.ambiguous
        ? `${name}, guessed: the bytes fit other protocols as well${other}`
        : `${name}, inferred from the bytes${other}`;
    }
  }
}
