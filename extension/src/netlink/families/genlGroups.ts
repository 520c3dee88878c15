// A generic netlink family's multicast groups from its CTRL_CMD_NEWFAMILY reply (the answer to CTRL_CMD_GETFAMILY):
// CTRL_ATTR_MCAST_GROUPS holds one nest per group with CTRL_ATTR_MCAST_GRP_NAME and CTRL_ATTR_MCAST_GRP_ID. The ids
// are given out by the kernel at registration, so they are read from the target, never kept.
import { decodeMessages } from '../decode';
import { NETLINK_GENERIC } from '../constants';
import type { DecodedAttr } from '../types';

export interface GenlGroup {
  readonly name: string;
  readonly id: number;
}

function child(a: DecodedAttr, name: string): DecodedAttr | undefined {
  return a.attrs?.find((x) => x.name === name);
}

/** The groups listed in the replies (empty when the family has none). */
export function genlGroupsFromReplies(replies: readonly Uint8Array[]): GenlGroup[] {
  const out: GenlGroup[] = [];
  for (const bytes of replies) {
    for (const m of decodeMessages(bytes, { protocol: NETLINK_GENERIC })) {
      const list = m.attrs.find((a) => a.name === 'CTRL_ATTR_MCAST_GROUPS');
      for (const g of list?.attrs ?? []) {
        const name = child(g, 'CTRL_ATTR_MCAST_GRP_NAME')?.value;
        const id = child(g, 'CTRL_ATTR_MCAST_GRP_ID')?.value;
        if (typeof name === 'string' && typeof id === 'number') out.push({ name, id });
      }
    }
  }
  return out;
}
