// Multicast groups chosen by name, as numbers to join (the monitor's --group): rtnetlink's RTNLGRP_* from the
// codec's table; a generic family's groups from its nlctrl reply on the target (ids are per boot); a classic
// family's from its definition (a YNL spec lists them by number). A decimal number is always taken as it is.
import { getFamilyRequest } from '../builder/resolveFamily';
import type { Exchanger } from '../exchange/exchanger';
import { NETLINK_GENERIC, NETLINK_ROUTE, type FamilyDef } from '../netlink/index';
import { genlGroupsFromReplies, type GenlGroup } from '../netlink/families/genlGroups';
import { RTNL_GROUPS, rtnlGroupNumber } from '../netlink/families/route-groups';
import { TargetError } from './errors';

export interface GroupRequest {
  protocol: number;
  /** Generic netlink: the family whose groups are named ("nlctrl", "nlreply"...). */
  family?: string;
  /** Names or numbers. */
  groups: readonly string[];
}

export interface GroupLookup {
  /** Asks nlctrl on the target (generic families). */
  exchanger?: Exchanger;
  timeoutMs?: number;
  /** A classic family's definition (built in or from a YNL spec): its mcastGroups by number. */
  classic?: FamilyDef;
}

const NUMBER = /^[1-9]\d{0,6}$/;

function unknown(i: number, name: string, known: readonly string[]): TargetError {
  const list = known.filter((k) => k.length > 0);
  return new TargetError(
    'config',
    `groups[${i}]: "${name}" is not a multicast group here${list.length ? ` (known: ${list.join(', ')})` : ''}`,
  );
}

/** A generic family's groups, asked from the target's nlctrl through the Exchanger. */
export async function genlFamilyGroups(exchanger: Exchanger, family: string, timeoutMs = 5_000): Promise<GenlGroup[]> {
  if (!/^[\w.-]{1,15}$/.test(family))
    throw new TargetError('config', `family: "${family}" is not a generic netlink family name`);
  const r = await exchanger.exchange(NETLINK_GENERIC, getFamilyRequest(family, 1), { timeoutMs });
  if (r.kernelError)
    throw new TargetError(
      'config',
      `family "${family}": ${r.kernelError.name === 'ENOENT' ? 'the target kernel has no such family' : r.kernelError.name}`,
    );
  if (r.outcome === 'timeout') throw new TargetError('timeout', `family "${family}": nlctrl did not answer`);
  return genlGroupsFromReplies(r.replies);
}

/** The group numbers for @req; a name that is none is a located error. */
export async function resolveMulticastGroups(req: GroupRequest, lookup: GroupLookup = {}): Promise<number[]> {
  if (req.groups.length === 0) throw new TargetError('config', 'groups: name at least one multicast group');
  if (req.protocol === NETLINK_ROUTE) {
    return req.groups.map((g, i) => {
      const n = rtnlGroupNumber(g);
      if (n === undefined) throw unknown(i, g, RTNL_GROUPS.slice(1));
      return n;
    });
  }
  if (req.protocol === NETLINK_GENERIC && req.family) {
    const needsNames = req.groups.some((g) => !NUMBER.test(g.trim()));
    const known = needsNames
      ? lookup.exchanger
        ? await genlFamilyGroups(lookup.exchanger, req.family, lookup.timeoutMs)
        : []
      : [];
    return req.groups.map((g, i) => {
      if (NUMBER.test(g.trim())) return Number(g.trim());
      const hit = known.find((k) => k.name === g.trim());
      if (!hit)
        throw unknown(
          i,
          g,
          known.map((k) => k.name),
        );
      return hit.id;
    });
  }
  const byNumber = lookup.classic?.genl === false ? (lookup.classic.mcastGroups ?? []) : [];
  return req.groups.map((g, i) => {
    if (NUMBER.test(g.trim())) return Number(g.trim());
    const n = byNumber.indexOf(g.trim());
    if (n <= 0) throw unknown(i, g, byNumber.slice(1));
    return n;
  });
}
