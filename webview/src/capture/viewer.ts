// The capture viewer: a virtualized table of the capture's rows (only the rows on screen exist, asked from the
// host as the table scrolls), the filter box and go-to, and for the selected message its decoded tree and bytes
// with the field <-> byte highlight of the builder (decodedView, HexView). Rows, names and flags come from the
// host; the selected message's bytes are decoded here with the same codec and the host's families.
import { decodeMessages, escapeText, fromHex, type FamilyRegistry } from '../../../extension/src/netlink/index';
import type { HostToViewer, ProgressJson, RowJson, ViewerToHost } from '../../../extension/src/protocol/captureViewer';
import { registryFromCatalog } from '../model/catalog';
import { COPY_FORMATS, copyAs, type CopyFormat } from '../model/copyAs';
import { loadMessage } from '../model/load';
import { decodedView } from '../ui/decodedView';
import { h, setChildren } from '../ui/dom';
import { HexView } from '../ui/hexView';
import { decodedByteMap } from './byteSpans';

export interface VsCodeApi {
  postMessage(message: ViewerToHost): void;
}

const ROW_PX = 22;
/** Browsers stop growing an element's height somewhere above 30M px: beyond this the scroll position is scaled. */
const MAX_SPACER_PX = 8_000_000;
const BLOCK = 100;
/** Rows on screen are asked again at most this often while the capture grows. */
const REFRESH_MS = 500;

const COLUMNS: readonly (readonly [string, (r: RowJson) => string])[] = [
  ['#', (r) => String(r.record)],
  ['time', (r) => (r.time === undefined ? '' : timeText(r.time))],
  ['dir', (r) => (r.direction === 'to-kernel' ? 'user → kernel' : r.direction === 'to-user' ? 'kernel → user' : '')],
  ['protocol', (r) => r.protocolName ?? ''],
  ['family', (r) => r.family ?? ''],
  ['type', (r) => (r.kind === 'message' ? (r.typeName ?? '') : r.kind)],
  ['flags', (r) => r.flags ?? ''],
  ['seq', (r) => (r.seq === undefined ? '' : String(r.seq))],
  ['port', (r) => (r.pid === undefined ? '' : String(r.pid))],
  ['len', (r) => (r.length === undefined ? '' : String(r.length))],
  ['error', (r) => r.error ?? ''],
  ['conversation', (r) => conversationText(r)],
];

function timeText(t: number): string {
  const d = new Date(t * 1000);
  const us = Math.round((t - Math.floor(t)) * 1e6);
  return `${d.toISOString().slice(11, 19)}.${String(us).padStart(6, '0')}`;
}

function conversationText(r: RowJson): string {
  if (r.kind !== 'message') return escapeText(r.text ?? '');
  const c = r.conversation;
  if (!c) return '';
  const parts = [`#${c.id} ${c.role}`];
  if (c.role === 'request') parts.push(`${c.size - 1} repl${c.size === 2 ? 'y' : 'ies'}`);
  if (c.latencyMs !== undefined) parts.push(`${c.latencyMs.toFixed(3)} ms`);
  for (const f of c.flags) parts.push(f === 'no-done' ? 'no DONE' : f === 'dump-intr' ? 'DUMP_INTR' : f);
  if (c.group?.folded && c.firstRow === r.row) parts.push(`folded: ${c.size - 1} rows`);
  return parts.join(' · ');
}

export class CaptureViewer {
  private registry: FamilyRegistry | undefined;
  private viewRows = 0;
  private progress: ProgressJson | undefined;
  private readonly cache = new Map<number, RowJson>();
  private readonly pending = new Set<number>();
  private requestId = 0;
  private generation = 0;
  private selected: number | undefined;
  private readonly marked = new Set<number>();
  private detail: { row: RowJson; bytes: Uint8Array } | undefined;
  private filterTimer: ReturnType<typeof setTimeout> | undefined;
  private live = false;

  private readonly title = h('div', { class: 'cap-title', 'data-testid': 'capture-title' });
  private readonly status = h('div', { class: 'cap-status', 'data-testid': 'capture-status', 'aria-live': 'polite' });
  private readonly filter = h('input', {
    type: 'text',
    class: 'cap-filter',
    placeholder: 'filter: proto:route type:RTM_NEWLINK family:nlctrl port:N seq:N error words…',
    'aria-label': 'Filter',
    'data-testid': 'capture-filter',
  });
  private readonly filterError = h('span', { class: 'field-error', 'data-testid': 'capture-filter-error' });
  private readonly goto = h('input', {
    type: 'text',
    class: 'cap-goto',
    placeholder: 'go to #',
    'aria-label': 'Go to record',
    'data-testid': 'capture-goto',
  });
  private readonly openButton = h(
    'button',
    { type: 'button', 'data-testid': 'capture-open-builder', disabled: true },
    'Open in Builder',
  );
  private readonly exportButton = h(
    'button',
    { type: 'button', 'data-testid': 'capture-export', disabled: true },
    'Export selection as pcap',
  );
  private readonly copyFormat = h('select', { 'aria-label': 'Copy format', 'data-testid': 'capture-copy-format' });
  private readonly copyButton = h(
    'button',
    { type: 'button', 'data-testid': 'capture-copy', disabled: true },
    'Copy as',
  );
  private readonly stopButton = h('button', { type: 'button', 'data-testid': 'capture-stop', hidden: true }, 'Stop');
  private readonly header = h('div', { class: 'cap-row cap-head', role: 'row' });
  private readonly spacer = h('div', { class: 'cap-spacer' });
  private readonly body = h('div', { class: 'cap-body', role: 'rowgroup' });
  private readonly viewport = h(
    'div',
    {
      class: 'cap-viewport',
      role: 'grid',
      tabindex: 0,
      'aria-label': 'Capture messages',
      'data-testid': 'capture-table',
    },
    this.spacer,
    this.body,
  );
  private readonly decoded = h('div', { class: 'cap-decoded', 'data-testid': 'capture-detail' });
  private readonly hexView: HexView;

  constructor(
    root: HTMLElement,
    private readonly vscode: VsCodeApi,
  ) {
    for (const f of COPY_FORMATS) this.copyFormat.append(h('option', { value: f.format }, f.label));
    this.hexView = new HexView(
      (offset) => this.markTreeAt(offset),
      () => undefined,
    );
    for (const [name] of COLUMNS) this.header.append(h('span', { class: `c c-${name}`, role: 'columnheader' }, name));
    setChildren(
      root,
      h(
        'div',
        { class: 'cap-toolbar' },
        this.title,
        this.filter,
        this.goto,
        this.openButton,
        this.exportButton,
        this.copyFormat,
        this.copyButton,
        this.stopButton,
      ),
      this.filterError,
      this.status,
      this.header,
      this.viewport,
      h('div', { class: 'cap-detail' }, this.decoded, this.hexView.element),
    );
    root.removeAttribute('aria-busy');
    this.viewport.addEventListener('scroll', () => this.render());
    this.viewport.addEventListener('click', (e) => this.click(e));
    this.viewport.addEventListener('keydown', (e) => this.key(e));
    this.filter.addEventListener('input', () => {
      clearTimeout(this.filterTimer);
      this.filterTimer = setTimeout(() => this.sendFilter(), 250);
    });
    this.goto.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      const n = Number(this.goto.value.trim().replace(/^#/, ''));
      if (Number.isInteger(n) && n >= 0) this.post({ type: 'goto', requestId: ++this.requestId, record: n });
    });
    this.openButton.addEventListener('click', () => {
      if (this.selected !== undefined) this.post({ type: 'openInBuilder', row: this.selected });
    });
    this.exportButton.addEventListener('click', () => {
      const rows = [...this.marked].sort((a, b) => a - b);
      if (rows.length > 0) this.post({ type: 'export', rows });
    });
    this.copyButton.addEventListener('click', () => this.copy());
    this.stopButton.addEventListener('click', () => this.post({ type: 'stop' }));
    window.addEventListener('message', (e: MessageEvent<HostToViewer>) => this.receive(e.data));
    window.addEventListener('resize', () => this.render());
    this.post({ type: 'ready' });
  }

  private post(m: ViewerToHost): void {
    this.vscode.postMessage(m);
  }

  private receive(m: HostToViewer): void {
    switch (m.type) {
      case 'init':
        this.title.textContent = m.file;
        this.registry = registryFromCatalog(m.catalog);
        this.setLive(m.live);
        return;
      case 'catalog':
        this.registry = registryFromCatalog(m.catalog);
        return;
      case 'live':
        this.setLive(m.live);
        return;
      case 'progress': {
        const grew = m.progress.rows !== this.progress?.rows;
        this.progress = m.progress;
        this.setViewRows(m.viewRows, false);
        this.showStatus();
        if (grew) this.refreshSoon();
        return;
      }
      case 'rows':
        if (m.requestId !== this.generation) return; // rows of an earlier filter
        m.rows.forEach((r, i) => {
          this.cache.set(m.start + i, r);
          this.pending.delete(m.start + i);
        });
        this.render();
        return;
      case 'filterResult':
        this.filterError.textContent = m.error ?? '';
        this.setViewRows(m.viewRows, true);
        return;
      case 'gotoResult':
        if (m.position === undefined) {
          this.filterError.textContent = `no record ${this.goto.value.trim()} in this view`;
          return;
        }
        this.filterError.textContent = '';
        this.scrollTo(m.position);
        return;
      case 'detail':
        this.showDetail(m.row, m.hex);
        return;
      case 'folded':
        if (m.requestId !== this.generation) return;
        // Rows before the group's first are as they were, so the scroll position stays; the rest are asked again.
        this.cache.clear();
        this.pending.clear();
        this.viewRows = m.viewRows;
        this.spacer.style.height = `${Math.min(m.viewRows * ROW_PX, MAX_SPACER_PX)}px`;
        this.showStatus();
        this.render();
        return;
    }
  }

  private setLive(live: boolean): void {
    this.live = live;
    this.stopButton.hidden = !live;
    this.showStatus();
  }

  private showStatus(): void {
    const p = this.progress;
    if (!p) return;
    const pct = p.totalBytes > 0 ? Math.floor((100 * p.bytesRead) / p.totalBytes) : 100;
    const state = p.failed
      ? `could not read the file: ${p.failed}`
      : p.following
        ? 'following the capture'
        : p.indexed
          ? 'indexed'
          : `indexing ${pct}%`;
    const shown = this.viewRows === p.rows ? `${p.rows} rows` : `${this.viewRows} of ${p.rows} rows`;
    this.status.textContent =
      `${p.format ?? ''} ${shown} · ${p.problems} problem${p.problems === 1 ? '' : 's'} · ${state}${this.live ? ' (live)' : ''}`.trim();
    this.status.dataset['indexed'] = String(p.indexed);
  }

  private setViewRows(n: number, reset: boolean): void {
    if (reset) {
      this.generation = ++this.requestId;
      this.cache.clear();
      this.pending.clear();
      this.viewport.scrollTop = 0;
    }
    this.viewRows = n;
    this.spacer.style.height = `${Math.min(n * ROW_PX, MAX_SPACER_PX)}px`;
    this.showStatus();
    this.render();
  }

  private sendFilter(): void {
    this.generation = ++this.requestId;
    this.post({ type: 'filter', requestId: this.generation, query: { text: this.filter.value } });
  }

  /** The first row on screen: the scroll position, scaled when the rows are too many for one element's height. */
  private firstVisible(): number {
    const full = this.viewRows * ROW_PX;
    const top = this.viewport.scrollTop;
    if (full <= MAX_SPACER_PX) return Math.floor(top / ROW_PX);
    const room = MAX_SPACER_PX - this.viewport.clientHeight;
    return Math.floor((top / Math.max(1, room)) * Math.max(0, this.viewRows - this.visibleCount()));
  }

  private visibleCount(): number {
    return Math.ceil(Math.max(this.viewport.clientHeight, ROW_PX * 10) / ROW_PX) + 1;
  }

  private scrollTo(position: number): void {
    const full = this.viewRows * ROW_PX;
    if (full <= MAX_SPACER_PX) this.viewport.scrollTop = position * ROW_PX;
    else {
      const room = MAX_SPACER_PX - this.viewport.clientHeight;
      this.viewport.scrollTop = (position / Math.max(1, this.viewRows - this.visibleCount())) * room;
    }
    this.render();
    const r = this.cache.get(position);
    if (r) this.select(r.row, false);
    else this.selectWhenLoaded = position;
  }

  private selectWhenLoaded: number | undefined;

  /**
   * While the capture grows, the rows on screen are asked for again (at most every REFRESH_MS): a request's row
   * counts its replies, a dump's its parts and flags, and those change as more of the capture comes in.
   */
  private refreshSoon(): void {
    this.refreshTimer ??= setTimeout(() => {
      this.refreshTimer = undefined;
      const first = this.firstVisible();
      const count = Math.min(this.visibleCount(), Math.max(0, this.viewRows - first));
      for (let b = Math.floor(first / BLOCK) * BLOCK; b < first + count; b += BLOCK) {
        if (this.pending.has(b)) continue;
        this.pending.add(b);
        this.post({ type: 'rows', requestId: this.generation, start: b, count: Math.min(BLOCK, this.viewRows - b) });
      }
    }, REFRESH_MS);
  }

  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  private render(): void {
    const first = this.firstVisible();
    const count = Math.min(this.visibleCount(), Math.max(0, this.viewRows - first));
    // Ask for the blocks on screen that are neither here nor asked for.
    for (let b = Math.floor(first / BLOCK) * BLOCK; b < first + count; b += BLOCK) {
      if (this.pending.has(b) || (this.cache.has(b) && this.cache.has(Math.min(this.viewRows, b + BLOCK) - 1)))
        continue;
      this.pending.add(b);
      this.post({ type: 'rows', requestId: this.generation, start: b, count: Math.min(BLOCK, this.viewRows - b) });
    }
    const rows: HTMLElement[] = [];
    for (let p = first; p < first + count; p++) {
      const r = this.cache.get(p);
      if (!r) {
        rows.push(h('div', { class: 'cap-row loading', role: 'row' }, '…'));
        continue;
      }
      if (this.selectWhenLoaded === p) {
        this.selectWhenLoaded = undefined;
        this.select(r.row, false);
      }
      rows.push(this.rowElement(r));
    }
    const offset = this.viewRows * ROW_PX <= MAX_SPACER_PX ? first * ROW_PX : this.viewport.scrollTop;
    this.body.style.transform = `translateY(${offset}px)`;
    setChildren(this.body, ...rows);
    // Drop far-away rows: the cache holds a few screens, not the capture.
    if (this.cache.size > 20 * BLOCK)
      for (const k of this.cache.keys()) if (Math.abs(k - first) > 10 * BLOCK) this.cache.delete(k);
  }

  private rowElement(r: RowJson): HTMLElement {
    const c = r.conversation;
    const classes = ['cap-row', `kind-${r.kind}`];
    if (r.direction) classes.push(r.direction);
    if (r.error && r.error !== 'ACK') classes.push('has-error');
    if (c?.flags.some((f) => f !== 'open')) classes.push('flagged');
    if (r.row === this.selected) classes.push('selected');
    if (this.marked.has(r.row)) classes.push('marked');
    const el = h('div', {
      class: classes.join(' '),
      role: 'row',
      'data-row': r.row,
      'data-testid': `capture-row-${r.row}`,
      'aria-selected': r.row === this.selected ? 'true' : 'false',
    });
    for (const [name, text] of COLUMNS) el.append(h('span', { class: `c c-${name}`, role: 'gridcell' }, text(r)));
    const group = c?.group;
    if (group && c.firstRow === r.row) {
      // The group's first row folds it: its first cell is the toggle (the triangle is drawn by CSS, so the cell's
      // text stays the record number).
      el.classList.add('group-head');
      if (group.folded) el.classList.add('folded');
      const toggle = el.firstElementChild as HTMLElement;
      toggle.classList.add('cap-fold');
      toggle.setAttribute('role', 'button');
      toggle.setAttribute('aria-expanded', String(!group.folded));
      toggle.setAttribute('title', group.folded ? 'Unfold this dump' : 'Fold this dump to this row');
      toggle.dataset['testid'] = `capture-fold-${r.row}`;
      toggle.dataset['fold'] = String(r.row);
    } else if (group) el.classList.add('in-group');
    return el;
  }

  private click(e: MouseEvent): void {
    const fold = (e.target as HTMLElement).closest<HTMLElement>('[data-fold]');
    if (fold) {
      this.generation = ++this.requestId;
      this.post({ type: 'fold', requestId: this.generation, row: Number(fold.dataset['fold']) });
      return;
    }
    const el = (e.target as HTMLElement).closest<HTMLElement>('[data-row]');
    if (!el) return;
    const row = Number(el.dataset['row']);
    if (e.ctrlKey || e.metaKey) {
      if (this.marked.has(row)) this.marked.delete(row);
      else this.marked.add(row);
      this.render();
      this.exportButton.disabled = this.marked.size === 0;
      return;
    }
    this.select(row, true);
  }

  private select(row: number, resetMarks: boolean): void {
    this.selected = row;
    if (resetMarks) this.marked.clear();
    this.marked.add(row);
    this.exportButton.disabled = false;
    this.post({ type: 'select', requestId: ++this.requestId, row });
    this.render();
  }

  private key(e: KeyboardEvent): void {
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      // On a dump's first row: Left folds the group, Right unfolds it (as in a tree).
      const r = [...this.cache.values()].find((x) => x.row === this.selected);
      const group = r?.conversation?.group;
      if (!r || !group || r.conversation?.firstRow !== r.row || group.folded === (e.key === 'ArrowLeft')) return;
      e.preventDefault();
      this.generation = ++this.requestId;
      this.post({ type: 'fold', requestId: this.generation, row: r.row });
      return;
    }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const positions = [...this.cache.entries()];
    const at = positions.find(([, r]) => r.row === this.selected)?.[0] ?? this.firstVisible();
    const next = Math.max(0, Math.min(this.viewRows - 1, at + (e.key === 'ArrowDown' ? 1 : -1)));
    this.scrollTo(next);
  }

  private showDetail(row: RowJson, hex: string): void {
    const bytes = fromHex(hex) ?? new Uint8Array(0);
    this.detail = { row, bytes };
    const isMessage = row.kind === 'message' && bytes.length > 0;
    this.openButton.disabled = !isMessage;
    this.copyButton.disabled = !isMessage;
    if (!isMessage || !this.registry) {
      setChildren(
        this.decoded,
        h(
          'div',
          { class: `cap-problem kind-${row.kind}`, 'data-testid': 'capture-problem' },
          `${row.kind} at offset ${row.offset}: ${escapeText(row.text ?? '')}`,
        ),
      );
      this.hexView.setBytes(new Uint8Array(0), decodedByteMapEmpty(), false);
      return;
    }
    const messages = decodeMessages(bytes, { protocol: row.protocol ?? 0, registry: this.registry, maxMessages: 1 });
    const c = row.conversation;
    setChildren(
      this.decoded,
      c
        ? h(
            'div',
            { class: 'cap-conversation', 'data-testid': 'capture-conversation' },
            `conversation ${conversationText(row)} (starts at row ${c.firstRow})`,
          )
        : null,
      decodedView(messages, { testid: 'capture-decoded', open: true, onOffset: (o) => this.hexView.moveTo(o, true) }),
    );
    const first = messages[0];
    this.hexView.setBytes(bytes, first ? decodedByteMap(first, bytes.length) : decodedByteMapEmpty(), false);
  }

  /** Bytes -> tree: the attribute whose bytes hold the cursor is marked in the decoded tree. */
  private markTreeAt(offset: number): void {
    this.decoded.querySelectorAll('.linked').forEach((el) => el.classList.remove('linked'));
    let best: HTMLElement | undefined;
    let bestStart = -1;
    this.decoded.querySelectorAll<HTMLElement>('.offset-link[data-offset]').forEach((el) => {
      const start = Number(el.dataset['offset']);
      if (start <= offset && start > bestStart) {
        best = el;
        bestStart = start;
      }
    });
    best?.closest('.attr-line')?.classList.add('linked');
  }

  private copy(): void {
    const d = this.detail;
    if (!d || !this.registry) return;
    const format = this.copyFormat.value as CopyFormat;
    const protocol = d.row.protocol ?? 0;
    const loaded = loadMessage(d.bytes, protocol, this.registry);
    if ('error' in loaded) {
      this.filterError.textContent = `cannot copy: ${loaded.error}`;
      return;
    }
    const text = copyAs(format, loaded.state, this.registry, d.bytes, protocol);
    const label = COPY_FORMATS.find((f) => f.format === format)?.label ?? format;
    if (text === undefined) {
      this.filterError.textContent = `${label} needs a family described by a YNL spec`;
      return;
    }
    this.post({ type: 'copy', text, what: label });
  }
}

function decodedByteMapEmpty(): ReturnType<typeof decodedByteMap> {
  return decodedByteMap(
    { offset: 0, length: 0, type: 0, typeName: '', flags: 0, flagNames: [], seq: 0, pid: 0, attrs: [], problems: [] },
    0,
  );
}
