// The capture viewer: a read-only custom editor for *.pcap and *.pcapng (package.json customEditors). Each panel
// gets a ViewerSession (the index worker, the file, the viewer's requests); the webview is dist/captureViewer.js.
import * as vscode from 'vscode';
import { builderHtml } from '../builder/html';
import type { FamilyRegistry } from '../netlink/index';
import type { HostToViewer } from '../protocol/captureViewer';
import type { CatalogJson } from '../protocol/webview';
import { exportRowsAsPcap } from './exportRows';
import { ViewerSession } from './viewerSession';

export const CAPTURE_VIEWER_ID = 'netlink.captureViewer';

export interface CaptureViewerDeps {
  readonly extensionUri: vscode.Uri;
  readonly registry: () => FamilyRegistry;
  readonly catalog: () => CatalogJson;
  readonly log: vscode.LogOutputChannel;
  /** Whether a capture this window runs is writing the file (then the viewer follows it). */
  readonly isLive: (path: string) => boolean;
  readonly stopLive: (path: string) => Promise<void>;
}

class CaptureDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
}

export class CaptureViewerProvider implements vscode.CustomReadonlyEditorProvider<CaptureDocument> {
  private readonly sessions = new Map<string, Set<ViewerSession>>();

  constructor(private readonly deps: CaptureViewerDeps) {}

  openCustomDocument(uri: vscode.Uri): CaptureDocument {
    return new CaptureDocument(uri);
  }

  /** The live capture writing `path` stopped: its viewers read the rest and finish. */
  stopped(path: string): void {
    for (const s of this.sessions.get(path) ?? []) s.stopFollowing();
  }

  resolveCustomEditor(document: CaptureDocument, panel: vscode.WebviewPanel): void {
    const dist = vscode.Uri.joinPath(this.deps.extensionUri, 'dist');
    panel.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    panel.webview.html = builderHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'captureViewer.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'captureViewer.css')).toString(),
      title: 'Netlink capture',
      rootTestId: 'capture-root',
    });
    const path = document.uri.fsPath;
    const label = vscode.workspace.asRelativePath(document.uri);
    const post = (m: HostToViewer): void => void panel.webview.postMessage(m);
    const session = new ViewerSession({
      path,
      label,
      workerScript: vscode.Uri.joinPath(dist, 'captureIndex.js').fsPath,
      follow: this.deps.isLive(path),
      registry: this.deps.registry,
      catalog: this.deps.catalog,
      post,
      actions: {
        openInBuilder: async (hex, protocol, source) => {
          await vscode.commands.executeCommand('netlink.openInBuilder', { hex, protocol, source });
        },
        exportRows: (rows) => exportRowsAsPcap(document.uri, rows),
        copy: async (text, what) => {
          await vscode.env.clipboard.writeText(text);
          vscode.window.setStatusBarMessage(`Netlink: copied the message as ${what}`, 3000);
        },
        stop: () => this.deps.stopLive(path),
        warn: (message) => this.deps.log.warn(message),
      },
    });
    const set = this.sessions.get(path) ?? new Set<ViewerSession>();
    set.add(session);
    this.sessions.set(path, set);
    const subscription = panel.webview.onDidReceiveMessage((m: unknown) => void session.receive(m));
    panel.onDidDispose(() => {
      subscription.dispose();
      set.delete(session);
      if (set.size === 0) this.sessions.delete(path);
      void session.dispose();
    });
  }
}

export function registerCaptureViewer(deps: CaptureViewerDeps): {
  provider: CaptureViewerProvider;
  disposable: vscode.Disposable;
} {
  const provider = new CaptureViewerProvider(deps);
  const disposable = vscode.window.registerCustomEditorProvider(CAPTURE_VIEWER_ID, provider, {
    webviewOptions: { retainContextWhenHidden: true },
    supportsMultipleEditorsPerDocument: true,
  });
  return { provider, disposable };
}
