// The link-layer pseudo-headers a netlink capture's records start with, by pcap link type. Each tells how long it
// is and where it keeps the netlink protocol (the sending socket's protocol: 0 route, 16 generic, ...).
export interface LinkLayer {
  readonly name: string;
  readonly headerLength: number;
  /** The netlink protocol from the pseudo-header that starts at `p`. */
  protocol(b: Uint8Array, p: number): number | undefined;
}

export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_NETLINK = 253;
export const LINKTYPE_LINUX_SLL2 = 276;

const be16 = (b: Uint8Array, p: number): number => (b[p]! << 8) | b[p + 1]!;

// LINKTYPE_NETLINK is the Linux cooked header of nlmon: packet type, ARPHRD_NETLINK (824), address length,
// 8 address bytes, then the protocol field, which for ARPHRD_NETLINK holds the netlink protocol (big endian).
const NETLINK: LinkLayer = { name: 'NETLINK', headerLength: 16, protocol: (b, p) => be16(b, p + 14) };
// LINUX_SLL is the same 16-byte layout (what a capture on "any" or an older libpcap writes for nlmon).
const SLL: LinkLayer = { name: 'LINUX_SLL', headerLength: 16, protocol: (b, p) => be16(b, p + 14) };
// LINUX_SLL2 puts the protocol first: protocol, reserved, interface index, ARPHRD type, packet type, address
// length, 8 address bytes: 20 bytes.
const SLL2: LinkLayer = { name: 'LINUX_SLL2', headerLength: 20, protocol: (b, p) => be16(b, p) };

export function linkLayer(linkType: number): LinkLayer | undefined {
  switch (linkType) {
    case LINKTYPE_NETLINK:
      return NETLINK;
    case LINKTYPE_LINUX_SLL:
      return SLL;
    case LINKTYPE_LINUX_SLL2:
      return SLL2;
    default:
      return undefined;
  }
}
