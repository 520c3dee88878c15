// A target's netlink sockets from /proc/net/netlink (net/netlink/af_netlink.c netlink_seq_show: sk, Eth
// (protocol), Pid (port id), Groups (first 32 groups, hex), Rmem, Wmem, Dump, Locks, Drops, Inode), with the
// protocol named and the owning process found by inode in /proc/*/fd. Pure parsing here; the view runs the
// commands through the target's connection.
import { NETLINK_NLREPLY, PROTOCOL_NAMES } from '../netlink/constants';

export interface NetlinkSocket {
  readonly protocol: number;
  readonly protocolName: string;
  readonly portId: number;
  /** Multicast groups as numbers (bit i of the mask → group i + 1). */
  readonly groups: readonly number[];
  readonly rmem: number;
  readonly wmem: number;
  readonly drops: number;
  readonly inode: number;
  /** "pid comm" of the process holding it, when found. */
  owner?: string;
}

export interface ParsedSockets {
  readonly sockets: NetlinkSocket[];
  /** "line N: reason" for lines that are not sockets. */
  readonly problems: string[];
}

function protocolLabel(protocol: number): string {
  if (protocol === NETLINK_NLREPLY) return 'nlreply (31)';
  return `${PROTOCOL_NAMES.get(protocol) ?? 'protocol'} (${protocol})`;
}

export function parseProcNetNetlink(text: string): ParsedSockets {
  const sockets: NetlinkSocket[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    const cols = line.trim().split(/\s+/);
    if (line.trim() === '' || cols[0] === 'sk') return;
    if (cols.length < 10 || !cols.slice(1).every((c) => /^[0-9a-fA-F]+$/.test(c))) {
      problems.push(`line ${i + 1}: not a socket line: ${line.slice(0, 80)}`);
      return;
    }
    const mask = parseInt(cols[3]!, 16);
    const groups: number[] = [];
    for (let bit = 0; bit < 32; bit++) if ((mask >>> bit) & 1) groups.push(bit + 1);
    const protocol = Number(cols[1]);
    sockets.push({
      protocol,
      protocolName: protocolLabel(protocol),
      portId: Number(cols[2]),
      groups,
      rmem: Number(cols[4]),
      wmem: Number(cols[5]),
      drops: Number(cols[8]),
      inode: Number(cols[9]),
    });
  });
  return { sockets, problems };
}

/**
 * The remote script listing every process's fds and names in two processes (not one per fd: a busy machine has
 * thousands), for `attachOwners`. Passed as an argument vector (`sh -c SCRIPT`), never built from user input;
 * busybox's ls and head understand it too.
 */
export const OWNER_SCRIPT = 'ls -l /proc/[0-9]*/fd 2>/dev/null; echo =====; head -n 1 /proc/[0-9]*/comm 2>/dev/null';

/** Fills `owner` ("pid comm") from OWNER_SCRIPT's output; kernel sockets (port 0) are the kernel's. */
export function attachOwners(sockets: NetlinkSocket[], ownerOutput: string): void {
  const [fds = '', comms = ''] = ownerOutput.split('\n=====\n');
  const pidByInode = new Map<number, number>();
  let pid: number | undefined;
  for (const line of fds.split('\n')) {
    const dir = /^\/proc\/(\d+)\/fd:$/.exec(line.trim());
    if (dir) {
      pid = Number(dir[1]);
      continue;
    }
    const sock = /-> socket:\[(\d+)\]\s*$/.exec(line);
    if (sock && pid !== undefined && !pidByInode.has(Number(sock[1]))) pidByInode.set(Number(sock[1]), pid);
  }
  const commByPid = new Map<number, string>();
  let current: number | undefined;
  for (const line of comms.split('\n')) {
    const head = /^==> \/proc\/(\d+)\/comm <==$/.exec(line.trim());
    if (head) current = Number(head[1]);
    else if (current !== undefined && line.trim() !== '') {
      commByPid.set(current, line.trim());
      current = undefined;
    }
  }
  for (const s of sockets) {
    const owner = s.inode === 0 ? undefined : pidByInode.get(s.inode);
    if (owner !== undefined) s.owner = `${owner} ${commByPid.get(owner) ?? ''}`.trim();
    else if (s.portId === 0) s.owner = 'kernel';
  }
}
