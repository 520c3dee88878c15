// One open capture in one viewer panel: the indexer, the open file, the filtered view, and the answers to the
// viewer's messages (protocol/captureViewer.ts). Knows nothing of VS Code: the provider hands it a way to post and
// the actions that need the editor (open in builder, export, copy, stop).
import { open, type FileHandle } from 'node:fs/promises';
import type { FamilyRegistry } from '../netlink/index';
import { toHex } from '../netlink/index';
import { checkViewerMessage, type HostToViewer, type ProgressJson, type ViewerToHost } from '../protocol/captureViewer';
import type { CatalogJson } from '../protocol/webview';
import { filterRows, parseFilter, type ParsedFilter } from './filterView';
import { FoldedView, groupFirstRow, isFoldable } from './foldView';
import { CaptureIndexer } from './indexer';
import { MAX_DETAIL_BYTES, readMessage, rowJson, rowsFor } from './rows';

export interface ViewerActions {
  openInBuilder(hex: string, protocol: number, source: string): Promise<void>;
  exportRows(rows: readonly { offset: number; length: number; time: number; protocol: number }[]): Promise<void>;
  copy(text: string, what: string): Promise<void>;
  stop(): Promise<void>;
  warn(message: string): void;
}

export interface ViewerSessionOptions {
  readonly path: string;
  /** A label for the file (its workspace-relative path). */
  readonly label: string;
  readonly workerScript: string;
  readonly follow: boolean;
  readonly registry: () => FamilyRegistry;
  readonly catalog: () => CatalogJson;
  readonly post: (m: HostToViewer) => void;
  readonly actions: ViewerActions;
}

/** Progress goes out at most this often while indexing. */
const PROGRESS_MS = 150;

export class ViewerSession {
  readonly indexer: CaptureIndexer;
  private file: Promise<FileHandle>;
  private live: boolean;
  /** The filtered view (undefined: every row). */
  private view: { filter: ParsedFilter; matches: Uint32Array; count: number; checked: number } | undefined;
  /** Folded dump groups, over the filtered view (or every row). */
  private readonly fold = new FoldedView();
  private filterGeneration = 0;
  private filtering = false;
  private lastProgress = 0;
  private progressTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly o: ViewerSessionOptions) {
    this.live = o.follow;
    this.file = open(o.path, 'r');
    this.file.catch(() => undefined); // reported by the indexer and by each request that needs it
    this.indexer = new CaptureIndexer(o.workerScript, { path: o.path, follow: o.follow }, () => this.changed());
  }

  /** The live capture stopped writing: read what is left and finish. */
  stopFollowing(): void {
    this.live = false;
    this.indexer.follow(false);
    this.o.post({ type: 'live', live: false });
  }

  async dispose(): Promise<void> {
    clearTimeout(this.progressTimer);
    this.filterGeneration++;
    await this.indexer.dispose();
    await (await this.file.catch(() => undefined))?.close();
  }

  /** A message from the viewer: checked, then answered; nothing it sends can throw into the host. */
  async receive(raw: unknown): Promise<void> {
    const checked = checkViewerMessage(raw);
    if ('error' in checked) {
      this.o.actions.warn(`capture viewer: ignored a message: ${checked.error}`);
      return;
    }
    try {
      await this.handle(checked.message);
    } catch (e) {
      this.o.actions.warn(`capture viewer: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  progress(): ProgressJson {
    const s = this.indexer.state;
    const index = this.indexer.index;
    return {
      rows: index.size,
      bytesRead: index.bytesRead,
      totalBytes: Math.max(s.totalBytes, index.bytesRead),
      indexed: s.atEnd,
      following: this.live && !s.done,
      problems: index.problems,
      ...(s.format ? { format: s.format } : {}),
      ...(s.failed ? { failed: s.failed } : {}),
    };
  }

  private baseRows(): number {
    return this.view ? this.view.count : this.indexer.index.size;
  }

  private baseRowAt(position: number): number | undefined {
    if (this.view) return position < this.view.count ? this.view.matches[position] : undefined;
    return position < this.indexer.index.size ? position : undefined;
  }

  private viewRows(): number {
    if (!this.fold.active) return this.baseRows();
    return this.fold.count(this.indexer.index, this.baseRows(), (p) => this.baseRowAt(p));
  }

  private rowAt(position: number): number | undefined {
    if (!this.fold.active) return this.baseRowAt(position);
    this.viewRows();
    return this.fold.rowAt(position);
  }

  private changed(): void {
    if (this.view && !this.filtering) void this.extendFilter();
    const now = Date.now();
    const s = this.indexer.state;
    const send = (): void => {
      this.progressTimer = undefined;
      this.lastProgress = Date.now();
      this.o.post({ type: 'progress', progress: this.progress(), viewRows: this.viewRows() });
    };
    if (s.atEnd || s.done || now - this.lastProgress >= PROGRESS_MS) {
      clearTimeout(this.progressTimer);
      send();
    } else this.progressTimer ??= setTimeout(send, PROGRESS_MS);
  }

  private async handle(m: ViewerToHost): Promise<void> {
    const index = this.indexer.index;
    switch (m.type) {
      case 'ready':
        this.o.post({ type: 'init', file: this.o.label, catalog: this.o.catalog(), live: this.live });
        this.o.post({ type: 'progress', progress: this.progress(), viewRows: this.viewRows() });
        return;
      case 'rows': {
        const rows: number[] = [];
        for (let p = m.start; p < m.start + m.count; p++) {
          const row = this.rowAt(p);
          if (row === undefined) break;
          rows.push(row);
        }
        const json = await rowsFor(await this.file, index, rows, this.o.registry(), (id) => this.fold.isFolded(id));
        this.o.post({ type: 'rows', requestId: m.requestId, start: m.start, rows: json });
        return;
      }
      case 'select': {
        if (m.row >= index.size) return;
        const kind = index.kind(m.row);
        const bytes =
          kind === 'message' ? await readMessage(await this.file, index, m.row, MAX_DETAIL_BYTES) : new Uint8Array(0);
        const [row] = await rowsFor(await this.file, index, [m.row], this.o.registry(), (id) => this.fold.isFolded(id));
        this.o.post({
          type: 'detail',
          requestId: m.requestId,
          row: row ?? rowJson(index, m.row, undefined),
          hex: toHex(bytes),
        });
        return;
      }
      case 'filter': {
        const generation = ++this.filterGeneration;
        this.fold.reset();
        if (m.query.text.trim() === '') {
          this.view = undefined;
          this.o.post({ type: 'filterResult', requestId: m.requestId, viewRows: this.viewRows() });
          return;
        }
        const parsed = parseFilter(m.query.text);
        if ('error' in parsed) {
          this.o.post({ type: 'filterResult', requestId: m.requestId, viewRows: this.viewRows(), error: parsed.error });
          return;
        }
        this.view = { filter: parsed, matches: new Uint32Array(1024), count: 0, checked: 0 };
        await this.extendFilter(generation);
        if (generation === this.filterGeneration)
          this.o.post({ type: 'filterResult', requestId: m.requestId, viewRows: this.viewRows() });
        return;
      }
      case 'goto': {
        const row = index.rowOfRecord(m.record);
        this.o.post({
          type: 'gotoResult',
          requestId: m.requestId,
          position: row === undefined ? undefined : this.positionOf(row),
        });
        return;
      }
      case 'fold': {
        const c = index.conversationOf(m.row)?.conversation;
        if (!c || !isFoldable(c)) return;
        this.fold.toggle(c.id);
        const first = groupFirstRow(c) ?? m.row;
        this.o.post({
          type: 'folded',
          requestId: m.requestId,
          viewRows: this.viewRows(),
          position: this.positionOf(first),
        });
        return;
      }
      case 'openInBuilder': {
        if (m.row >= index.size || index.kind(m.row) !== 'message') return;
        const bytes = await readMessage(await this.file, index, m.row, MAX_DETAIL_BYTES);
        const protocol = index.columns.protocol[m.row]!;
        await this.o.actions.openInBuilder(
          toHex(bytes),
          protocol < 0 ? 0 : protocol,
          `${this.o.label} record ${index.columns.record[m.row]!}`,
        );
        return;
      }
      case 'export': {
        const c = index.columns;
        const rows = m.rows.filter((r) => r < index.size && index.kind(r) === 'message');
        await this.o.actions.exportRows(
          rows.map((r) => ({ offset: c.offset[r]!, length: c.length[r]!, time: c.time[r]!, protocol: c.protocol[r]! })),
        );
        return;
      }
      case 'copy':
        await this.o.actions.copy(m.text, m.what);
        return;
      case 'stop':
        await this.o.actions.stop();
        return;
    }
  }

  /** The first position of the view holding row `row` or a later one. */
  private positionOf(row: number): number | undefined {
    if (this.fold.active) {
      this.viewRows();
      return this.fold.positionOf(row);
    }
    if (!this.view) return row < this.indexer.index.size ? row : undefined;
    for (let p = 0; p < this.view.count; p++) if (this.view.matches[p]! >= row) return p;
    return undefined;
  }

  /** Runs the current filter over the rows indexed since it last ran (the index grows while it is read). */
  private async extendFilter(generation = this.filterGeneration): Promise<void> {
    const view = this.view;
    if (!view) return;
    this.filtering = true;
    try {
      const file = await this.file;
      const result = await filterRows(
        this.indexer.index,
        view.filter,
        file,
        this.o.registry(),
        () => generation !== this.filterGeneration,
        (matches, count) => {
          if (generation !== this.filterGeneration) return;
          view.matches = matches;
          view.count = count;
        },
        view.checked,
        { matches: view.matches, count: view.count },
      );
      if (generation !== this.filterGeneration) return;
      view.matches = result.matches;
      view.count = result.count;
      view.checked = result.checked;
      this.o.post({ type: 'progress', progress: this.progress(), viewRows: this.viewRows() });
    } finally {
      this.filtering = false;
    }
    // Rows that came in while this pass ran.
    if (generation === this.filterGeneration && this.view === view && view.checked < this.indexer.index.size)
      await this.extendFilter(generation);
  }
}
