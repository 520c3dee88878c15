// The builder's exchange history, kept per workspace (workspaceState): newest first, bounded in count and size
// so a long dump cannot bloat the workspace storage.
import type { HistoryEntry } from '../protocol/webview';

/** The part of vscode.Memento the history needs (workspaceState in the extension). */
export interface HistoryMemento {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

export const HISTORY_KEY = 'netlink.builder.history';
export const MAX_ENTRIES = 50;
/** Hex characters of replies kept per stored entry; later replies are dropped (and counted). */
export const MAX_STORED_REPLY_CHARS = 256 * 1024;

function isEntry(x: unknown): x is HistoryEntry {
  if (typeof x !== 'object' || x === null) return false;
  const e = x as Record<string, unknown>;
  return (
    typeof e['id'] === 'string' &&
    typeof e['time'] === 'number' &&
    typeof e['requestHex'] === 'string' &&
    typeof e['protocol'] === 'number' &&
    typeof e['summary'] === 'string' &&
    typeof e['result'] === 'object' &&
    e['result'] !== null
  );
}

/** The entry as stored: replies beyond the size budget dropped, their number added to droppedReplies. */
export function boundedEntry(entry: HistoryEntry): HistoryEntry {
  if (entry.result.kind !== 'replies') return entry;
  const kept: string[] = [];
  let chars = 0;
  for (const r of entry.result.replies) {
    if (chars + r.length > MAX_STORED_REPLY_CHARS) break;
    kept.push(r);
    chars += r.length;
  }
  const dropped = entry.result.replies.length - kept.length;
  if (dropped === 0) return entry;
  return {
    ...entry,
    result: { ...entry.result, replies: kept, droppedReplies: (entry.result.droppedReplies ?? 0) + dropped },
  };
}

export class BuilderHistory {
  constructor(private readonly memento: HistoryMemento) {}

  /** Entries newest first; whatever is stored in another shape is left out. */
  entries(): HistoryEntry[] {
    const stored = this.memento.get<unknown>(HISTORY_KEY);
    return Array.isArray(stored) ? stored.filter(isEntry) : [];
  }

  async add(entry: HistoryEntry): Promise<HistoryEntry[]> {
    const next = [boundedEntry(entry), ...this.entries().filter((e) => e.id !== entry.id)].slice(0, MAX_ENTRIES);
    await this.memento.update(HISTORY_KEY, next);
    return next;
  }

  async remove(id: string): Promise<HistoryEntry[]> {
    const next = this.entries().filter((e) => e.id !== id);
    await this.memento.update(HISTORY_KEY, next);
    return next;
  }

  async clear(): Promise<HistoryEntry[]> {
    await this.memento.update(HISTORY_KEY, []);
    return [];
  }
}
