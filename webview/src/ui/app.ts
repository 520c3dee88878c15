// The builder view: the form, the live bytes and their decoding, copy-as, send and replies, history, loading
// bytes. Owns the state; persists it with the webview API's setState after every change (drafts survive hiding
// and reloads); talks to the host only through protocol.ts messages.
import { NETLINK_GENERIC, decodeMessages, fromHex, toHex } from '../../../extension/src/netlink/index';
import type { DecodedMessage, FamilyRegistry } from '../../../extension/src/netlink/index';
import { ByteMap } from '../model/byteMap';
import { registryFromCatalog } from '../model/catalog';
import { COPY_FORMATS, copyAs, type CopyFormat } from '../model/copyAs';
import { advanceSeq } from '../model/edit';
import { buildMessage, type BuildResult } from '../model/encode';
import { loadMessage } from '../model/load';
import { parseLoadText } from '../model/loadText';
import { parseIntLiteral } from '../model/numbers';
import { protocolOf } from '../model/schema';
import { cloneState, initialState, isBuilderState, type BuilderState } from '../model/state';
import { summarize } from '../model/summary';
import type {
  CatalogJson,
  HistoryEntry,
  HostToWebview,
  LoadRequest,
  WebviewToHost,
} from '../../../extension/src/protocol/webview';
import { DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS } from '../../../extension/src/protocol/webview';
import { button, row, select, textArea, textField, type ButtonElement, type TextAreaElement } from './controls';
import { decodedView } from './decodedView';
import { cssValue, fieldOf, h, setChildren } from './dom';
import { renderForm } from './form';
import { HexView } from './hexView';

export interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}

interface UiState {
  timeoutMs: string;
  copyFormat: CopyFormat;
  /** History entry whose replies are shown. */
  lastEntryId?: string;
  /** Sections the user closed. */
  closed: string[];
  loadText: string;
}

interface SavedState {
  readonly version: 1;
  readonly form: BuilderState;
  readonly ui: UiState;
}

function restore(saved: unknown): { form: BuilderState; ui: UiState } {
  const ui: UiState = {
    timeoutMs: String(DEFAULT_TIMEOUT_MS),
    copyFormat: 'hex',
    closed: ['history', 'load'],
    loadText: '',
  };
  if (typeof saved !== 'object' || saved === null) return { form: initialState(), ui };
  const s = saved as Partial<SavedState>;
  const u = (s.ui ?? {}) as Partial<UiState>;
  return {
    form: isBuilderState(s.form) ? s.form : initialState(),
    ui: {
      timeoutMs: typeof u.timeoutMs === 'string' ? u.timeoutMs : ui.timeoutMs,
      copyFormat: COPY_FORMATS.some((f) => f.format === u.copyFormat) ? u.copyFormat! : ui.copyFormat,
      ...(typeof u.lastEntryId === 'string' ? { lastEntryId: u.lastEntryId } : {}),
      closed: Array.isArray(u.closed) ? u.closed.filter((c): c is string => typeof c === 'string') : ui.closed,
      loadText: typeof u.loadText === 'string' ? u.loadText : '',
    },
  };
}

/** Hex from the host or the stored history as bytes; anything else (a hand-edited workspace state) as none. */
function bytesOf(hex: string): Uint8Array {
  return fromHex(hex) ?? new Uint8Array(0);
}

/** The text and selection of the input inside a focused text control, to restore after a rebuild. */
function textSelection(host: HTMLElement | undefined): { value: string; start: number; end: number } | undefined {
  const inner = host?.shadowRoot?.activeElement;
  if (!(inner instanceof HTMLInputElement || inner instanceof HTMLTextAreaElement)) return undefined;
  return {
    value: inner.value,
    start: inner.selectionStart ?? inner.value.length,
    end: inner.selectionEnd ?? inner.value.length,
  };
}

/** How long typing must pause before the host may rebuild the form. */
const TYPING_PAUSE_MS = 600;

export class App {
  private state: BuilderState;
  private readonly ui: UiState;
  private catalog: CatalogJson | undefined;
  private registry: FamilyRegistry | undefined;
  private history: HistoryEntry[] = [];
  private target: string | undefined;
  private lastEntry: HistoryEntry | undefined;
  private build: BuildResult | undefined;
  private map: ByteMap | undefined;
  private kernelIssue: { field: string; path: string; message: string } | undefined;
  private nextRequestId = 1;
  private sendingId: number | undefined;
  private resolvingId: number | undefined;
  private resolveStatus = '';
  private reshapeQueued = false;
  /** When the last keystroke changed a form field (performance.now()). */
  private lastTyped = -Infinity;
  private hostRebuild: ReturnType<typeof setTimeout> | undefined;

  private readonly formHost = h('div', { class: 'form-host' });
  private readonly issuesList = h('ul', {
    class: 'issues',
    'data-testid': 'issues',
    'aria-label': 'Problems to fix before sending',
  });
  private readonly hexView: HexView;
  private readonly lengthLine = h('div', { class: 'muted', 'data-testid': 'bytes-length' });
  private readonly decodedHost = h('div', { class: 'decoded-host' });
  private readonly copyPreview = h('pre', { class: 'copy-preview', 'data-testid': 'copy-preview', tabindex: 0 });
  private readonly copyHost = h('div', { class: 'copy-host' });
  private readonly targetLine = h('div', { class: 'target', 'data-testid': 'target-name' });
  private readonly sendStatus = h('div', { class: 'send-status', 'data-testid': 'send-status', role: 'status' });
  private readonly repliesHost = h('div', { class: 'replies-host', 'data-testid': 'replies-host' });
  private readonly historyHost = h('div', { class: 'history-host' });
  private readonly loadNotes = h('div', { class: 'load-notes', 'data-testid': 'load-notes', role: 'status' });
  /** Why the pasted text was not loaded, next to the box it was pasted into (the form above stays as it was). */
  private readonly loadError = h('div', { class: 'field-error', 'data-testid': 'load-error', role: 'alert' });
  /** Why Send is disabled, next to the button: a disabled button alone does not say what to fix. */
  private readonly sendBlocked = h('div', { class: 'field-error', 'data-testid': 'send-blocked', role: 'status' });
  private loadBox: TextAreaElement | undefined;
  private readonly sendButton: ButtonElement;
  private readonly copyButton: ButtonElement;
  private readonly exportCButton: ButtonElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly vscode: VsCodeApi,
  ) {
    const saved = restore(vscode.getState());
    this.state = saved.form;
    this.ui = saved.ui;
    this.hexView = new HexView(
      (_offset, field) => this.markLinked(field),
      (field) => this.focusField(field),
    );
    this.sendButton = button({
      testid: 'send-button',
      label: 'Send',
      title: 'Send the message to the target and show the replies',
      onClick: () => this.send(),
    });
    this.copyButton = button({
      testid: 'copy-button',
      label: 'Copy',
      title: 'Copy the message in the chosen form',
      secondary: true,
      onClick: () => this.copy(),
    });
    this.exportCButton = button({
      testid: 'export-c-button',
      label: 'Export as C Program',
      title: 'Save a C program that sends this message and prints every reply',
      secondary: true,
      onClick: () => this.exportC(),
    });
    this.layout();
    window.addEventListener('message', (e: MessageEvent<HostToWebview>) => this.receive(e.data));
    this.post({ type: 'ready' });
  }

  // -------------------------------------------------------------------------------------------
  // Layout.

  private section(id: string, title: string, ...body: (HTMLElement | null)[]): HTMLElement {
    const details = h(
      'details',
      { class: 'section', 'data-testid': `section-${id}`, open: !this.ui.closed.includes(id) },
      h('summary', {}, title),
      ...body,
    );
    details.addEventListener('toggle', () => {
      this.ui.closed = this.ui.closed.filter((c) => c !== id);
      if (!(details as HTMLDetailsElement).open) this.ui.closed.push(id);
      this.save();
    });
    return details;
  }

  private layout(): void {
    this.formHost.addEventListener(
      'input',
      () => {
        this.lastTyped = performance.now();
      },
      true,
    );
    this.formHost.addEventListener('focusin', (e) => {
      const field = fieldOf(e.target);
      this.hexView.highlight(field === undefined ? undefined : this.map?.rangeOf(field));
    });
    const timeout = textField({
      testid: 'timeout-ms',
      label: 'Reply timeout in milliseconds',
      value: this.ui.timeoutMs,
      placeholder: 'ms',
      onInput: (v) => {
        this.ui.timeoutMs = v;
        this.save();
      },
    });
    const loadText = textArea({
      testid: 'load-hex',
      label: 'Bytes to load into the form',
      value: this.ui.loadText,
      rows: 3,
      placeholder: 'hex in any form: 20 00 00 00 ..., {0x20, 0x00, ...}, "\\x20\\x00..."',
      onInput: (v) => {
        this.ui.loadText = v;
        this.showLoadError(undefined);
        this.save();
      },
    });
    this.loadBox = loadText;
    setChildren(
      this.root,
      this.targetLine,
      this.section('message', 'Message', this.loadNotes, this.formHost, this.issuesList),
      this.section('bytes', 'Bytes', this.hexView.element, this.lengthLine),
      this.section('decoded', 'Decoded', this.decodedHost),
      this.section('copy', 'Copy as', this.copyHost, this.copyPreview),
      this.section(
        'send',
        'Send',
        row('Timeout', timeout, this.sendButton),
        this.sendBlocked,
        this.sendStatus,
        this.repliesHost,
      ),
      this.section('history', 'History', this.historyHost),
      this.section(
        'load',
        'Load bytes',
        loadText,
        this.loadError,
        button({ testid: 'load-button', label: 'Load into form', secondary: true, onClick: () => this.loadFromText() }),
      ),
    );
    this.root.removeAttribute('aria-busy');
    this.formHost.append(h('p', { class: 'muted' }, 'Waiting for the extension…'));
    this.renderTarget();
  }

  // -------------------------------------------------------------------------------------------
  // Host messages.

  private post(message: WebviewToHost): void {
    this.vscode.postMessage(message);
  }

  private receive(m: HostToWebview): void {
    switch (m.type) {
      case 'init':
        this.setCatalog(m.catalog);
        this.history = [...m.history];
        this.target = m.target;
        this.lastEntry = this.history.find((e) => e.id === this.ui.lastEntryId);
        this.renderTarget();
        this.renderHistory();
        this.renderReplies();
        if (m.load) this.applyLoad(m.load);
        else this.renderForm();
        return;
      case 'catalog':
        // The host re-sends the catalog each time the view is shown: rebuilding the form for the same catalog
        // would only disturb whoever is typing in it.
        if (this.catalog !== undefined && JSON.stringify(this.catalog) === JSON.stringify(m.catalog)) return;
        this.setCatalog(m.catalog);
        this.renderFormBetweenKeystrokes();
        return;
      case 'history':
        this.history = [...m.entries];
        this.renderHistory();
        return;
      case 'target':
        this.target = m.target;
        this.renderTarget();
        this.refreshDerived();
        return;
      case 'load':
        this.applyLoad(m.load);
        return;
      case 'sendResult':
        if (m.requestId === this.sendingId) this.onSendResult(m.entry);
        return;
      case 'resolveFamilyResult':
        if (m.requestId !== this.resolvingId) return;
        this.resolvingId = undefined;
        if ('id' in m.result) {
          this.state.genlFamilyId = String(m.result.id);
          this.registry?.bindGenlId(m.result.id, this.state.genlFamily);
          this.resolveStatus = `id ${m.result.id} on ${this.target ?? 'the target'}`;
        } else this.resolveStatus = m.result.error;
        this.save();
        this.renderForm();
        return;
    }
  }

  private setCatalog(catalog: CatalogJson): void {
    this.catalog = catalog;
    this.registry = registryFromCatalog(catalog);
  }

  // -------------------------------------------------------------------------------------------
  // Form and everything derived from it.

  private save(): void {
    const saved: SavedState = { version: 1, form: this.state, ui: this.ui };
    this.vscode.setState(saved);
  }

  /** The state changed: re-derive now, rebuild the form soon (after the event that caused it, keeping focus). */
  private changed(reshape: boolean): void {
    this.kernelIssue = undefined;
    this.save();
    if (!reshape) {
      this.refreshDerived();
      return;
    }
    if (this.reshapeQueued) return;
    this.reshapeQueued = true;
    setTimeout(() => {
      this.reshapeQueued = false;
      this.renderForm();
    }, 0);
  }

  /**
   * A rebuild the host asked for (a spec file or setting changed the catalog) waits until the user pauses typing:
   * replacing the field under their fingers loses the keystrokes that arrive while the new one draws itself.
   */
  private renderFormBetweenKeystrokes(): void {
    const wait = TYPING_PAUSE_MS - (performance.now() - this.lastTyped);
    if (wait <= 0 || !this.formHost.contains(document.activeElement)) {
      if (this.hostRebuild !== undefined) clearTimeout(this.hostRebuild);
      this.hostRebuild = undefined;
      this.renderForm();
      return;
    }
    if (this.hostRebuild !== undefined) return;
    this.hostRebuild = setTimeout(() => {
      this.hostRebuild = undefined;
      this.renderFormBetweenKeystrokes();
    }, wait);
  }

  private renderForm(): void {
    if (!this.catalog || !this.registry) return;
    const activeHost = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    const active = activeHost?.dataset['testid'];
    const caret = textSelection(activeHost);
    setChildren(
      this.formHost,
      renderForm({
        state: this.state,
        registry: this.registry,
        catalog: this.catalog,
        changed: (reshape) => this.changed(reshape),
        resolveFamily: (name) => this.resolveFamily(name),
        resolveStatus: this.resolveStatus,
      }),
    );
    const next =
      active === undefined
        ? null
        : this.root.querySelector<HTMLElement & { updateComplete?: Promise<unknown> }>(
            `[data-testid=${cssValue(active)}]`,
          );
    if (next) {
      next.focus();
      // A control renders its inside after it is attached: focus it again if that was too early, and put the
      // caret and selection back where they were (a rebuild in the middle of typing must not eat keystrokes).
      void Promise.resolve(next.updateComplete).then(() => {
        if (document.activeElement !== next) next.focus();
        const input = next.shadowRoot?.querySelector('input, textarea');
        if (
          caret &&
          (input instanceof HTMLInputElement || input instanceof HTMLTextAreaElement) &&
          input.value === caret.value
        ) {
          input.setSelectionRange(caret.start, caret.end);
        }
      });
    }
    this.refreshDerived();
  }

  /** A registry for decoding: the catalog's, plus the genl id typed in the form. */
  private decodeRegistry(): FamilyRegistry | undefined {
    if (!this.registry) return undefined;
    const id = parseIntLiteral(this.state.genlFamilyId);
    if (id === undefined || this.state.genlFamily === '' || id < 0n || id > 0xffffn) return this.registry;
    const fork = this.registry.fork();
    fork.bindGenlId(Number(id), this.state.genlFamily);
    return fork;
  }

  private refreshDerived(): void {
    const registry = this.registry;
    if (!registry) return;
    const build = buildMessage(this.state, registry);
    this.build = build;
    this.map = new ByteMap(build.bytes.length, build.spans);
    const issues = this.kernelIssue ? [...build.issues, this.kernelIssue] : build.issues;
    this.hexView.setBytes(build.bytes, this.map, build.issues.length > 0);
    this.lengthLine.textContent = `${build.bytes.length} bytes${build.issues.length > 0 ? `, not sendable: ${build.issues.length} problem${build.issues.length === 1 ? '' : 's'}` : ''}`;

    // Field errors next to their controls, and the list of all of them.
    this.formHost.querySelectorAll<HTMLElement>('[data-error-for]').forEach((el) => {
      el.textContent = '';
    });
    this.formHost.querySelectorAll<HTMLElement & { invalid?: boolean }>('[data-field]').forEach((el) => {
      if ('invalid' in el) el.invalid = false;
    });
    for (const issue of issues) {
      const slot = this.formHost.querySelector<HTMLElement>(`[data-error-for=${cssValue(issue.field)}]`);
      if (slot) slot.textContent = slot.textContent ? `${slot.textContent}; ${issue.message}` : issue.message;
      this.formHost
        .querySelectorAll<HTMLElement & { invalid?: boolean }>(`[data-field=${cssValue(issue.field)}]`)
        .forEach((el) => {
          el.invalid = true;
        });
    }
    setChildren(
      this.issuesList,
      ...issues.map((issue, i) => {
        const b = h(
          'button',
          { class: 'link', type: 'button', 'data-testid': `issue-${i}` },
          `${issue.path}: ${issue.message}`,
        );
        b.addEventListener('click', () => this.focusField(issue.field));
        return h('li', {}, b);
      }),
    );

    const protocol = build.protocol ?? 0;
    const decoded = decodeMessages(build.bytes, { protocol, registry: this.decodeRegistry() ?? registry });
    setChildren(
      this.decodedHost,
      decodedView(decoded, { testid: 'decoded-preview', open: true, onOffset: (o) => this.hexView.moveTo(o, true) }),
    );
    this.renderCopy();
    this.updateSendButton();
  }

  private markLinked(field: string | undefined): void {
    this.formHost.querySelectorAll('.linked').forEach((el) => el.classList.remove('linked'));
    if (field === undefined) return;
    const els = this.formHost.querySelectorAll<HTMLElement>(`[data-field=${cssValue(field)}]`);
    els.forEach((el) => el.classList.add('linked'));
    els[0]?.scrollIntoView({ block: 'nearest' });
  }

  private focusField(field: string): void {
    const el =
      this.formHost.querySelector<HTMLElement>(`[data-field=${cssValue(field)}]`) ??
      this.formHost.querySelector<HTMLElement>(`[data-field=${cssValue(field.replace(/\.value$/, ''))}]`);
    const section = this.root.querySelector<HTMLDetailsElement>('[data-testid="section-message"]');
    if (section) section.open = true;
    el?.focus();
    el?.scrollIntoView({ block: 'nearest' });
  }

  // -------------------------------------------------------------------------------------------
  // Copy as.

  private renderCopy(): void {
    if (!this.build || !this.registry) return;
    const available = COPY_FORMATS.filter(
      (f) => copyAs(f.format, this.state, this.registry!, this.build!.bytes, this.build!.protocol ?? 0) !== undefined,
    );
    if (!available.some((f) => f.format === this.ui.copyFormat)) this.ui.copyFormat = 'hex';
    const picker = select({
      testid: 'copy-format',
      label: 'Copy the message as',
      value: this.ui.copyFormat,
      options: available.map((f) => ({ value: f.format, label: f.label })),
      onChange: (v) => {
        this.ui.copyFormat = v as CopyFormat;
        this.save();
        this.renderCopy();
      },
    });
    const hadFocus = this.copyHost.contains(document.activeElement);
    setChildren(this.copyHost, row('Format', picker, this.copyButton), row('Program', this.exportCButton));
    if (hadFocus) picker.focus();
    this.copyPreview.textContent = this.copyText() ?? '';
    this.copyButton.disabled = this.build.issues.length > 0;
    this.exportCButton.disabled = this.build.issues.length > 0;
  }

  private copyText(): string | undefined {
    if (!this.build || !this.registry) return undefined;
    return copyAs(this.ui.copyFormat, this.state, this.registry, this.build.bytes, this.build.protocol ?? 0);
  }

  private copy(): void {
    const text = this.copyText();
    if (text === undefined || !this.build || this.build.issues.length > 0) return;
    this.post({
      type: 'copy',
      text,
      what: COPY_FORMATS.find((f) => f.format === this.ui.copyFormat)?.label ?? this.ui.copyFormat,
    });
  }

  /** The program's default timeout: the form's send timeout when it is valid. */
  private exportTimeout(): number {
    const t = parseIntLiteral(this.ui.timeoutMs);
    return t !== undefined && t >= 0n && t <= BigInt(MAX_TIMEOUT_MS) ? Number(t) : DEFAULT_TIMEOUT_MS;
  }

  /** "Export as C Program" for the form's message; the host asks where to save it. */
  private exportC(): void {
    const build = this.build;
    if (!build || !this.registry || build.issues.length > 0) return;
    const protocol = build.protocol ?? 0;
    this.post({
      type: 'exportC',
      protocol,
      hex: toHex(build.bytes),
      summary: summarize(build.bytes, protocol, this.decodeRegistry()!),
      ...(protocol === NETLINK_GENERIC && this.state.genlFamily.trim() !== ''
        ? { genlFamily: this.state.genlFamily.trim() }
        : {}),
      origin: 'the message builder',
      timeoutMs: this.exportTimeout(),
    });
  }

  private exportHistoryC(e: HistoryEntry): void {
    // A stored form of another shape (an older version's) gives no name: the program then uses the id.
    const family =
      e.protocol === NETLINK_GENERIC && e.state && isBuilderState(e.state) ? e.state.genlFamily.trim() : undefined;
    this.post({
      type: 'exportC',
      protocol: e.protocol,
      hex: e.requestHex,
      summary: e.summary,
      ...(family ? { genlFamily: family } : {}),
      origin: `the builder's history (sent ${new Date(e.time).toLocaleString()} to ${e.target || 'no target'})`,
      timeoutMs: this.exportTimeout(),
    });
  }

  // -------------------------------------------------------------------------------------------
  // Send and replies.

  private renderTarget(): void {
    this.targetLine.textContent = this.target
      ? `Target: ${this.target}`
      : 'No target: sending needs one (the lab, or a target in netlink.targets)';
    this.targetLine.classList.toggle('none', !this.target);
  }

  private updateSendButton(): void {
    const issues = this.build?.issues ?? [];
    this.sendButton.disabled =
      this.sendingId !== undefined || !this.build || issues.length > 0 || this.build.protocol === undefined;
    const first = issues[0];
    this.sendBlocked.textContent =
      first === undefined
        ? ''
        : `Not sendable until fixed: ${first.path}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length === 2 ? '' : 's'} above)` : ''}`;
    this.sendButton.setAttribute(
      'title',
      first === undefined ? 'Send the message to the target and show the replies' : this.sendBlocked.textContent,
    );
  }

  private send(): void {
    const build = this.build;
    if (!build || !this.registry) return;
    if (build.issues.length > 0) {
      this.sendStatus.textContent = `Fix ${build.issues.length} problem${build.issues.length === 1 ? '' : 's'} first.`;
      this.focusField(build.issues[0]!.field);
      return;
    }
    const timeout = parseIntLiteral(this.ui.timeoutMs);
    if (timeout === undefined || timeout < 0n || timeout > BigInt(MAX_TIMEOUT_MS)) {
      this.sendStatus.textContent = `The timeout must be 0-${MAX_TIMEOUT_MS} ms.`;
      return;
    }
    const requestId = this.nextRequestId++;
    this.sendingId = requestId;
    this.updateSendButton();
    this.sendStatus.textContent = `Sending ${build.bytes.length} bytes to ${this.target ?? 'the target'}…`;
    this.post({
      type: 'send',
      requestId,
      protocol: build.protocol!,
      hex: toHex(build.bytes),
      timeoutMs: Number(timeout),
      summary: summarize(build.bytes, build.protocol!, this.decodeRegistry()!),
      state: cloneState(this.state),
    });
  }

  private onSendResult(entry: HistoryEntry): void {
    this.sendingId = undefined;
    this.lastEntry = entry;
    this.ui.lastEntryId = entry.id;
    const r = entry.result;
    if (r.kind === 'failed') this.sendStatus.textContent = `Not sent: ${r.message}`;
    else {
      this.sendStatus.textContent =
        `${r.replies.length} repl${r.replies.length === 1 ? 'y' : 'ies'} from ${entry.target} in ${r.elapsedMs} ms` +
        `${r.outcome === 'timeout' ? ' (timed out waiting for the rest)' : ''}${r.droppedReplies ? `; ${r.droppedReplies} more not kept` : ''}.`;
      this.kernelIssue = this.kernelProblem(entry);
      advanceSeq(this.state);
    }
    this.save();
    this.renderReplies();
    this.renderForm();
    const kernelIssue = this.kernelIssue;
    if (kernelIssue) this.markLinked(kernelIssue.field);
  }

  private decodeReplies(entry: HistoryEntry): DecodedMessage[] {
    if (entry.result.kind !== 'replies') return [];
    const registry = this.decodeRegistry() ?? this.registry;
    return entry.result.replies.flatMap((hex) =>
      decodeMessages(bytesOf(hex), { protocol: entry.protocol, ...(registry ? { registry } : {}) }),
    );
  }

  /** An error reply whose ext-ack offset points into the request as it is in the form: mark that field. */
  private kernelProblem(entry: HistoryEntry): { field: string; path: string; message: string } | undefined {
    if (!this.build || !this.map || entry.requestHex !== toHex(this.build.bytes)) return undefined;
    for (const m of this.decodeReplies(entry)) {
      const e = m.error;
      if (!e || e.code === 0 || e.offset === undefined) continue;
      const span = this.map.spanAt(e.offset);
      if (!span) continue;
      return {
        field: span.field,
        path: e.attrPath ?? span.label,
        message: `kernel: ${e.name}${e.message ? `: ${e.message}` : ''}`,
      };
    }
    return undefined;
  }

  private renderReplies(): void {
    const entry = this.lastEntry;
    if (!entry) {
      setChildren(this.repliesHost);
      return;
    }
    if (entry.result.kind === 'failed') {
      setChildren(
        this.repliesHost,
        h('div', { class: 'error-text', 'data-testid': 'replies-failed' }, entry.result.message),
      );
      return;
    }
    const messages = this.decodeReplies(entry);
    setChildren(
      this.repliesHost,
      h(
        'div',
        { class: 'muted' },
        `${entry.summary} → ${messages.length} message${messages.length === 1 ? '' : 's'}${entry.result.outcome === 'timeout' ? ', timed out' : ''}`,
      ),
      decodedView(messages, { testid: 'replies', open: messages.length <= 3 }),
    );
  }

  private resolveFamily(name: string): void {
    if (name.trim() === '') {
      this.resolveStatus = 'choose a family first';
      this.renderForm();
      return;
    }
    const requestId = this.nextRequestId++;
    this.resolvingId = requestId;
    this.resolveStatus = `asking ${this.target ?? 'the target'}…`;
    const status = this.root.querySelector('[data-testid="genl-resolve-status"]');
    if (status) status.textContent = this.resolveStatus;
    this.post({ type: 'resolveFamily', requestId, name });
  }

  // -------------------------------------------------------------------------------------------
  // History and loading.

  private renderHistory(): void {
    if (this.history.length === 0) {
      setChildren(this.historyHost, h('p', { class: 'muted', 'data-testid': 'history-empty' }, 'No exchanges yet.'));
      return;
    }
    const items = this.history.map((e, i) => {
      const outcome =
        e.result.kind === 'failed'
          ? `failed: ${e.result.message}`
          : `${e.result.replies.length} repl${e.result.replies.length === 1 ? 'y' : 'ies'}${e.result.outcome === 'timeout' ? ', timeout' : ''}`;
      return h(
        'li',
        { 'data-testid': `history-item-${i}` },
        h('div', {}, h('span', { class: 'muted' }, `${new Date(e.time).toLocaleTimeString()} ${e.target} `), e.summary),
        h('div', { class: 'muted' }, outcome),
        h(
          'div',
          { class: 'history-tools' },
          button({
            testid: `history-restore-${i}`,
            label: 'Restore',
            title: 'Put this request back into the form',
            secondary: true,
            onClick: () => this.restoreEntry(e),
          }),
          button({
            testid: `history-replies-${i}`,
            label: 'Replies',
            title: 'Show the replies of this exchange',
            secondary: true,
            onClick: () => {
              this.lastEntry = e;
              this.ui.lastEntryId = e.id;
              this.save();
              this.renderReplies();
              const send = this.root.querySelector<HTMLDetailsElement>('[data-testid="section-send"]');
              if (send) send.open = true;
              this.repliesHost.scrollIntoView({ block: 'nearest' });
            },
          }),
          button({
            testid: `history-export-c-${i}`,
            label: 'Export C',
            title: 'Save a C program that sends this request and prints every reply',
            secondary: true,
            onClick: () => this.exportHistoryC(e),
          }),
          button({
            testid: `history-delete-${i}`,
            label: 'Delete',
            title: 'Remove from the history',
            secondary: true,
            onClick: () => this.post({ type: 'deleteHistory', id: e.id }),
          }),
        ),
      );
    });
    setChildren(
      this.historyHost,
      h('ol', { class: 'history', 'data-testid': 'history-list' }, ...items),
      button({
        testid: 'history-clear',
        label: 'Clear history',
        secondary: true,
        onClick: () => this.post({ type: 'clearHistory' }),
      }),
    );
  }

  private restoreEntry(e: HistoryEntry): void {
    if (e.state && isBuilderState(e.state)) {
      this.state = cloneState(e.state);
      this.loadNotes.textContent = `Restored the request sent at ${new Date(e.time).toLocaleTimeString()}.`;
    } else this.loadOrNote(bytesOf(e.requestHex), e.protocol, 'history');
    this.save();
    this.renderForm();
    this.focusField('messageType');
  }

  private loadFromText(): void {
    const parsed = parseLoadText(this.ui.loadText);
    if ('error' in parsed) {
      this.showLoadError(`Not loaded: ${parsed.error}. The form is unchanged.`);
      return;
    }
    const error = this.loadBytes(parsed.bytes, protocolOf(this.state) ?? 0, 'the text below');
    if (error !== undefined) {
      this.showLoadError(`Not loaded: ${error}. The form is unchanged.`);
      return;
    }
    this.showLoadError(undefined);
    this.save();
    this.renderForm();
    // The result is in the form at the top of the view: show it (the load box is at the bottom).
    this.root.querySelector('[data-testid="section-message"]')?.scrollIntoView({ block: 'start' });
  }

  /** Show (or clear, with undefined) the load box's error, and mark the box invalid while there is one. */
  private showLoadError(message: string | undefined): void {
    this.loadError.textContent = message ?? '';
    if (this.loadBox) this.loadBox.invalid = message !== undefined;
  }

  private applyLoad(load: LoadRequest): void {
    this.loadOrNote(bytesOf(load.hex), load.protocol ?? protocolOf(this.state) ?? 0, load.source);
    const section = this.root.querySelector<HTMLDetailsElement>('[data-testid="section-message"]');
    if (section) section.open = true;
    this.save();
    this.renderForm();
  }

  private loadOrNote(bytes: Uint8Array, protocol: number, source: string): void {
    const error = this.loadBytes(bytes, protocol, source);
    if (error !== undefined) this.loadNotes.textContent = `Not loaded from ${source}: ${error}.`;
  }

  /** Replaces the form with the first message of `bytes`; on failure leaves it and returns why. */
  private loadBytes(bytes: Uint8Array, protocol: number, source: string): string | undefined {
    if (!this.registry) return 'the builder has not received its definitions yet';
    const r = loadMessage(bytes, protocol, this.registry);
    if ('error' in r) return r.error;
    this.state = r.state;
    const genl = protocol === NETLINK_GENERIC ? ' (generic netlink)' : '';
    this.loadNotes.textContent = `Loaded ${bytes.length} bytes from ${source} as protocol ${protocol}${genl}.${r.notes.length ? ` ${r.notes.join('. ')}.` : ''}`;
    return undefined;
  }
}
