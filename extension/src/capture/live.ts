// Live captures: "Capture on Target" and "Monitor Multicast" start the helper's stream on the active target
// (extension.ts hands in how), write it into captures/<target>-<time>.pcap (.pcapng for the monitor) in the
// workspace, and open that file in the capture viewer, which follows it as it grows. "Stop Capture" (or the
// viewer's Stop button) stops the helper and keeps the file.
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import * as vscode from 'vscode';
import { CAPTURE_VIEWER_ID } from './provider';

/** The helper's stream as the target hands it over (target/captureStream.ts CaptureStream). */
export interface LiveStream {
  onData(listener: (chunk: Uint8Array) => void): void;
  stop(deadlineMs?: number): Promise<void>;
  readonly done: Promise<{ code: number | null; stderr: string }>;
}

export interface MonitorRequest {
  readonly protocol: number;
  readonly family?: string;
  /** Group names (RTNLGRP_LINK, a generic family's group) or numbers. */
  readonly groups: readonly string[];
}

export interface LiveDeps {
  /** Starts `nlhelper capture` on the active target (after the trust gate); its name for the file. */
  startCapture(): Promise<{ target: string; stream: LiveStream }>;
  startMonitor(request: MonitorRequest): Promise<{ target: string; stream: LiveStream }>;
  /** The stream writing `path` ended: its viewers read the rest and finish. */
  stopped(path: string): void;
  readonly log: vscode.LogOutputChannel;
}

interface Running {
  readonly stream: LiveStream;
  readonly out: WriteStream;
  readonly label: string;
  stopping: boolean;
}

/** A name part safe in a file name. */
function fileSafe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || 'target';
}

function stamp(d = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class LiveCaptures implements vscode.Disposable {
  private readonly running = new Map<string, Running>();

  constructor(private readonly deps: LiveDeps) {}

  isLive(path: string): boolean {
    return this.running.has(path);
  }

  /** netlink.captureOnTarget */
  async captureOnTarget(): Promise<void> {
    const folder = this.folder();
    if (!folder) return;
    try {
      const started = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Netlink: starting the capture on the target' },
        () => this.deps.startCapture(),
      );
      await this.record(folder, started.target, 'pcap', started.stream, `capture on ${started.target}`);
    } catch (e) {
      void vscode.window.showErrorMessage(`Netlink: the capture did not start: ${message(e)}`);
    }
  }

  /** netlink.monitorMulticast: asks the protocol, the family (generic netlink) and the groups by name. */
  async monitorMulticast(): Promise<void> {
    const folder = this.folder();
    if (!folder) return;
    const choice = await vscode.window.showQuickPick(
      [
        { label: 'rtnetlink (NETLINK_ROUTE)', protocol: 0 },
        { label: 'generic netlink (NETLINK_GENERIC)', protocol: 16 },
      ],
      // Kept open when the focus moves (all three questions): a live viewer or the builder updating in the
      // background took it once and the question closed by itself, between the protocol and the groups.
      { title: 'Netlink: Monitor Multicast — protocol', ignoreFocusOut: true },
    );
    if (!choice) return;
    let family: string | undefined;
    if (choice.protocol === 16) {
      family = await vscode.window.showInputBox({
        title: 'Netlink: Monitor Multicast — generic netlink family',
        prompt: 'The family whose multicast groups to join (its nlctrl reply on the target names them)',
        value: 'nlctrl',
        ignoreFocusOut: true,
      });
      if (!family) return;
    }
    const groups = await vscode.window.showInputBox({
      title: 'Netlink: Monitor Multicast — groups',
      prompt: 'Group names or numbers, separated by spaces or commas',
      value: choice.protocol === 0 ? 'RTNLGRP_LINK' : 'notify',
      ignoreFocusOut: true,
    });
    if (!groups?.trim()) return;
    const request: MonitorRequest = {
      protocol: choice.protocol,
      ...(family ? { family } : {}),
      groups: groups.split(/[\s,]+/).filter((g) => g !== ''),
    };
    try {
      const started = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Netlink: starting the multicast monitor' },
        () => this.deps.startMonitor(request),
      );
      await this.record(folder, `${started.target}-monitor`, 'pcapng', started.stream, `monitor on ${started.target}`);
    } catch (e) {
      void vscode.window.showErrorMessage(`Netlink: the monitor did not start: ${message(e)}`);
    }
  }

  /** netlink.stopCapture: the capture writing `arg` (a path, from the viewer's Stop), the only one, or a pick. */
  async stopCapture(arg?: unknown): Promise<void> {
    let path = typeof arg === 'string' && this.running.has(arg) ? arg : undefined;
    if (!path) {
      const paths = [...this.running.keys()];
      if (paths.length === 0) {
        void vscode.window.showInformationMessage('Netlink: no capture is running');
        return;
      }
      path =
        paths.length === 1
          ? paths[0]
          : (
              await vscode.window.showQuickPick(
                paths.map((p) => ({
                  label: this.running.get(p)!.label,
                  description: vscode.workspace.asRelativePath(p),
                  path: p,
                })),
                { title: 'Netlink: Stop Capture' },
              )
            )?.path;
      if (!path) return;
    }
    const r = this.running.get(path);
    if (!r) return;
    r.stopping = true;
    await r.stream.stop();
  }

  dispose(): void {
    for (const r of this.running.values()) {
      r.stopping = true;
      void r.stream.stop().catch(() => undefined);
    }
  }

  private folder(): vscode.WorkspaceFolder | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder)
      void vscode.window.showErrorMessage('Netlink: open a folder first: captures are kept in its captures/ folder');
    return folder;
  }

  private async record(
    folder: vscode.WorkspaceFolder,
    name: string,
    ext: 'pcap' | 'pcapng',
    stream: LiveStream,
    label: string,
  ): Promise<void> {
    const uri = vscode.Uri.joinPath(folder.uri, 'captures', `${fileSafe(name)}-${stamp()}.${ext}`);
    const path = uri.fsPath;
    let out: WriteStream;
    try {
      await mkdir(vscode.Uri.joinPath(folder.uri, 'captures').fsPath, { recursive: true });
      out = createWriteStream(path, { flags: 'wx' });
      await once(out, 'open');
    } catch (e) {
      await stream.stop().catch(() => undefined);
      throw e;
    }
    const r: Running = { stream, out, label, stopping: false };
    this.running.set(path, r);
    out.on('error', (e) => {
      this.deps.log.error(`capture: writing ${path}: ${e.message}`);
      void this.stopCapture(path);
    });
    stream.onData((chunk) => out.write(chunk));
    void stream.done.then((end) => {
      this.running.delete(path);
      out.end(() => this.deps.stopped(path));
      if (!r.stopping && end.code !== 0) {
        const said = end.stderr.trim().split('\n').slice(-1)[0] ?? '';
        void vscode.window.showWarningMessage(
          `Netlink: the ${label} ended (exit ${end.code ?? 'by signal'})${said ? `: ${said}` : ''}; the file keeps what came`,
        );
      }
    });
    this.deps.log.info(`capture: ${label} into ${path}`);
    await vscode.commands.executeCommand('vscode.openWith', uri, CAPTURE_VIEWER_ID);
  }
}
