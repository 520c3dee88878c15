// The message builder's webview view (`netlink.builder`): serves the HTML, answers the webview's messages
// (protocol.ts), sends through the injected target's Exchanger and keeps the history. Holds no form state of its
// own: the webview keeps its draft with setState; the host re-sends catalog, history and target whenever the
// view (re)starts or becomes visible again.
import * as vscode from 'vscode';
import type { Exchanger } from '../exchange/exchanger';
import { fromHex, type FamilyRegistry } from '../netlink/index';
import type { HistoryEntry, HostToWebview, LoadRequest, SendResult, WebviewToHost } from '../protocol/webview';
import { checkWebviewMessage } from '../protocol/webview';
import { catalogOf } from './catalog';
import { runExchange } from './exchange';
import { BuilderHistory } from './history';
import { builderHtml } from './html';
import { resolveFamilyId } from './resolveFamily';
import { saveCProgram } from './saveCProgram';

export const BUILDER_VIEW_ID = 'netlink.builder';

/** How long a family id look-up may take. */
const RESOLVE_TIMEOUT_MS = 3000;

/** Where a Send goes: extension.ts hands in the active target's; the builder never imports target/. */
export interface BuilderTarget {
  /** The target's name as the user knows it ("lab", "user@host"). */
  readonly name: string;
  readonly exchanger: Exchanger;
}

export interface BuilderDeps {
  readonly extensionUri: vscode.Uri;
  readonly workspaceState: vscode.Memento;
  /** The families the decoder uses (the same registry, read on every use so spec reloads show). */
  readonly registry: () => FamilyRegistry;
  /** The active target, undefined when there is none. */
  readonly target: () => BuilderTarget | undefined;
  readonly log?: vscode.LogOutputChannel;
  /** Told of every Send that reached the exchange (the walkthrough's steps). */
  readonly onSent?: (protocol: number, requestHex: string, result: SendResult) => void;
}

export class BuilderViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private pendingLoad: LoadRequest | undefined;
  private readonly history: BuilderHistory;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly deps: BuilderDeps) {
    this.history = new BuilderHistory(deps.workspaceState);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const dist = vscode.Uri.joinPath(this.deps.extensionUri, 'dist');
    view.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    view.webview.html = builderHtml({
      cspSource: view.webview.cspSource,
      scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
    });
    this.disposables.push(
      view.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)),
      view.onDidChangeVisibility(() => {
        if (view.visible) this.refresh();
      }),
      view.onDidDispose(() => {
        if (this.view === view) this.view = undefined;
      }),
    );
  }

  /** Puts bytes into the form: now if the view is up, else when it starts. */
  load(request: LoadRequest): void {
    this.pendingLoad = request;
    if (this.view?.visible) this.flushLoad();
  }

  /** Re-sends what the host knows (after a spec reload or a target change). */
  refresh(): void {
    const registry = this.deps.registry();
    this.post({ type: 'catalog', catalog: catalogOf(registry) });
    this.post({ type: 'history', entries: this.history.entries() });
    this.post({ type: 'target', target: this.deps.target()?.name });
    this.flushLoad();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private flushLoad(): void {
    if (!this.pendingLoad || !this.view) return;
    void this.view.webview
      .postMessage({ type: 'load', load: this.pendingLoad } satisfies HostToWebview)
      .then((delivered) => {
        if (delivered) this.pendingLoad = undefined;
      });
  }

  private post(message: HostToWebview): void {
    void this.view?.webview.postMessage(message);
  }

  private async receive(raw: unknown): Promise<void> {
    const checked = checkWebviewMessage(raw);
    if ('error' in checked) {
      this.deps.log?.warn(`builder: ignored a message from the view: ${checked.error}`);
      return;
    }
    try {
      await this.handle(checked.message);
    } catch (e) {
      // Nothing the view sends may take the host down; say what happened.
      this.deps.log?.error(`builder: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }

  private async handle(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready': {
        const load = this.pendingLoad;
        this.pendingLoad = undefined;
        this.post({
          type: 'init',
          catalog: catalogOf(this.deps.registry()),
          history: this.history.entries(),
          target: this.deps.target()?.name,
          ...(load ? { load } : {}),
        });
        return;
      }
      case 'send': {
        const target = this.deps.target();
        const base = {
          id: `${Date.now().toString(36)}-${message.requestId}`,
          time: Date.now(),
          target: target?.name ?? '',
          protocol: message.protocol,
          requestHex: message.hex.toLowerCase(),
          summary: message.summary,
          ...(message.state ? { state: message.state } : {}),
        };
        const bytes = fromHex(message.hex); // checkWebviewMessage let only contiguous hex through
        if (!target || !bytes) {
          const why = !target
            ? 'no target to send to: add one in the netlink.targets setting or start the lab'
            : 'the request is not hex';
          const entry: HistoryEntry = { ...base, result: { kind: 'failed', message: why } };
          this.post({ type: 'sendResult', requestId: message.requestId, entry });
          return;
        }
        const result = await runExchange(target.exchanger, message.protocol, bytes, message.timeoutMs);
        this.deps.onSent?.(message.protocol, base.requestHex, result);
        const entry: HistoryEntry = { ...base, result };
        const entries = await this.history.add(entry);
        this.post({ type: 'sendResult', requestId: message.requestId, entry });
        this.post({ type: 'history', entries });
        return;
      }
      case 'resolveFamily': {
        const target = this.deps.target();
        const result = target
          ? await resolveFamilyId(target.exchanger, message.name, RESOLVE_TIMEOUT_MS)
          : { error: 'no target to ask: add one in the netlink.targets setting or start the lab' };
        this.post({ type: 'resolveFamilyResult', requestId: message.requestId, result });
        return;
      }
      case 'copy':
        await vscode.env.clipboard.writeText(message.text);
        vscode.window.setStatusBarMessage(`Netlink: copied the message as ${message.what}`, 3000);
        return;
      case 'exportC':
        await saveCProgram(message, this.deps.registry());
        return;
      case 'clearHistory':
        this.post({ type: 'history', entries: await this.history.clear() });
        return;
      case 'deleteHistory':
        this.post({ type: 'history', entries: await this.history.remove(message.id) });
        return;
    }
  }
}
