// The Netlink Sockets view: the active target's /proc/net/netlink, protocol by name, port id, groups and the
// owning process, refreshed on demand. Reads through the target session like every other remote command.
import * as vscode from 'vscode';
import { attachOwners, OWNER_SCRIPT, parseProcNetNetlink, type NetlinkSocket } from './netlinkSockets';
import type { TargetsService } from './vscodeTargets';

type Node =
  | { kind: 'protocol'; label: string; sockets: NetlinkSocket[] }
  | { kind: 'socket'; socket: NetlinkSocket }
  | { kind: 'message'; text: string };

class SocketsProvider implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: Node[] = [{ kind: 'message', text: "Refresh to read the active target's /proc/net/netlink" }];

  constructor(
    private readonly targets: TargetsService,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Reads the sockets again (netlink.refreshSockets: the command table's trust gate comes first). */
  async refresh(): Promise<void> {
    try {
      const session = this.targets.activeSession();
      const list = await session.exec(['cat', '/proc/net/netlink'], { timeoutMs: 15_000 });
      if (list.code !== 0) throw new Error(`cat /proc/net/netlink exited ${String(list.code)}: ${list.stderr.trim()}`);
      const { sockets, problems } = parseProcNetNetlink(list.stdout);
      for (const p of problems) this.log.warn(`/proc/net/netlink on ${session.target.name}: ${p}`);
      const owners = await session.exec(['sh', '-c', OWNER_SCRIPT], { timeoutMs: 30_000, privileged: true });
      attachOwners(sockets, owners.stdout);
      const byProtocol = new Map<string, NetlinkSocket[]>();
      for (const s of sockets) byProtocol.set(s.protocolName, [...(byProtocol.get(s.protocolName) ?? []), s]);
      this.roots = [...byProtocol].map(([label, list]) => ({ kind: 'protocol', label, sockets: list }));
      if (this.roots.length === 0) this.roots = [{ kind: 'message', text: 'no netlink sockets' }];
    } catch (e) {
      this.roots = [{ kind: 'message', text: `cannot read the sockets: ${(e as Error).message}` }];
    }
    this.changed.fire();
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.roots;
    return node.kind === 'protocol' ? node.sockets.map((socket) => ({ kind: 'socket', socket })) : [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'message') return new vscode.TreeItem(node.text);
    if (node.kind === 'protocol') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = `${node.sockets.length} socket${node.sockets.length === 1 ? '' : 's'}`;
      return item;
    }
    const s = node.socket;
    const item = new vscode.TreeItem(`port ${s.portId}`);
    item.description = [
      s.owner,
      s.groups.length > 0 ? `groups ${s.groups.join(',')}` : '',
      s.drops > 0 ? `${s.drops} drops` : '',
    ]
      .filter(Boolean)
      .join(' · ');
    item.tooltip = `${s.protocolName}, port id ${s.portId}\nowner: ${s.owner ?? 'unknown'}\ngroups: ${s.groups.join(', ') || 'none'}\nrmem ${s.rmem}, wmem ${s.wmem}, drops ${s.drops}, inode ${s.inode}`;
    return item;
  }
}

/** One row of the view as VS Code renders it, with the rows under it (for tests: a tree view cannot be read back). */
export interface SocketsViewRow {
  readonly label: string;
  readonly description: string;
  readonly children: readonly SocketsViewRow[];
}

function rowsOf(provider: SocketsProvider, nodes: readonly Node[]): SocketsViewRow[] {
  return nodes.map((n) => {
    const item = provider.getTreeItem(n);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    const description = typeof item.description === 'string' ? item.description : '';
    return { label, description, children: rowsOf(provider, provider.getChildren(n)) };
  });
}

export interface SocketsView {
  /** netlink.refreshSockets */
  refreshSockets(): Promise<void>;
  /** The rows it shows now. */
  rows(): SocketsViewRow[];
}

/** Registers the view. */
export function registerSocketsView(
  context: vscode.ExtensionContext,
  targets: TargetsService,
  log: vscode.LogOutputChannel,
): SocketsView {
  const provider = new SocketsProvider(targets, log);
  context.subscriptions.push(vscode.window.registerTreeDataProvider('netlink.sockets', provider));
  return { refreshSockets: () => provider.refresh(), rows: () => rowsOf(provider, provider.getChildren()) };
}
