// "Export selection as pcap": the chosen messages read back from the capture and written as a classic pcap
// (LINKTYPE_NETLINK, one record a message) with the codec's pcap writer, to a file the user picks.
import * as vscode from 'vscode';
import { open } from 'node:fs/promises';
import { pcapRecord, pcapGlobalHeader } from '../netlink/capture/pcapWriter';

export interface ExportRow {
  readonly offset: number;
  readonly length: number;
  readonly time: number;
  readonly protocol: number;
}

/** Writes `rows` of `source` to `target` as pcap, one record a message. */
export async function writeRowsAsPcap(source: string, rows: readonly ExportRow[], target: string): Promise<void> {
  const input = await open(source, 'r');
  try {
    const output = await open(target, 'w');
    try {
      await output.write(pcapGlobalHeader());
      for (const r of rows) {
        const bytes = new Uint8Array(r.length);
        await input.read(bytes, 0, r.length, r.offset);
        await output.write(
          pcapRecord({ time: Number.isNaN(r.time) ? 0 : r.time, protocol: Math.max(0, r.protocol), bytes }),
        );
      }
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}

/** Asks where to save, then writes. */
export async function exportRowsAsPcap(source: vscode.Uri, rows: readonly ExportRow[]): Promise<void> {
  if (rows.length === 0) {
    void vscode.window.showInformationMessage('Netlink: select messages to export first');
    return;
  }
  const target = await vscode.window.showSaveDialog({
    defaultUri: source.with({ path: source.path.replace(/\.pcap(ng)?$/i, '') + '-selection.pcap' }),
    filters: { 'pcap capture': ['pcap'] },
  });
  if (!target) return;
  await writeRowsAsPcap(source.fsPath, rows, target.fsPath);
  vscode.window.setStatusBarMessage(
    `Netlink: exported ${rows.length} messages to ${vscode.workspace.asRelativePath(target)}`,
    5000,
  );
}
