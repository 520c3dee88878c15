// The live bytes as hex, 16 a row, coloured by what produced them. One byte is the cursor (keyboard: arrows,
// Home/End, Page keys; Enter jumps to the form field). The bytes of the field under the cursor, or of the form
// field that has focus, are highlighted: the two directions of the field ↔ bytes link.
import type { ByteMap } from '../model/byteMap';
import { h, setChildren } from './dom';

/** Bytes a row: 16, or 8 when the view is too narrow for 16 (sidebars usually are). */
const WIDE = 16;
const NARROW = 8;
const NARROW_BELOW_PX = 420;

/** A colour class for a span key: header, attribute header, value, padding. */
function partClass(key: string | undefined): string {
  if (key === undefined) return 'k-none';
  if (key.startsWith('nlmsghdr.')) return 'k-nlhdr';
  if (key.startsWith('genlmsghdr.')) return 'k-genl';
  if (key === 'pad' || key.endsWith('.pad') || key.includes('pad')) return 'k-pad';
  if (key.endsWith('.nla_len') || key.endsWith('.nla_type')) return 'k-attrhdr';
  if (key.startsWith('attr.') || key === 'payload') return 'k-value';
  return 'k-fixed';
}

export class HexView {
  readonly element: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly status: HTMLElement;
  private cells: HTMLElement[] = [];
  private map: ByteMap | undefined;
  private cursor = 0;
  private highlighted: { start: number; end: number } | undefined;
  private perRow = WIDE;

  constructor(
    /** The cursor moved onto a byte (by keys or a click). */
    private readonly onCursor: (offset: number, field: string | undefined) => void,
    /** Enter on a byte: go to its form field. */
    private readonly onActivate: (field: string) => void,
  ) {
    this.grid = h('div', {
      class: 'hex-grid',
      role: 'listbox',
      tabindex: 0,
      'aria-label': 'Message bytes: arrows move, Enter goes to the field',
      'data-testid': 'hex-view',
    });
    this.status = h('div', { class: 'hex-status', 'data-testid': 'hex-status', 'aria-live': 'polite' });
    this.element = h('div', { class: 'hex' }, this.grid, this.status);
    this.grid.addEventListener('keydown', (e) => this.key(e));
    this.grid.addEventListener('click', (e) => {
      const offset = (e.target as HTMLElement).closest<HTMLElement>('[data-offset]')?.dataset['offset'];
      if (offset !== undefined) this.moveTo(Number(offset), true);
    });
    // Focus (also the press of a click on a byte) marks the cursor without scrolling: a scroll between the press
    // and the release would put another byte under the pointer.
    this.grid.addEventListener('focus', () => this.moveTo(this.cursor, true, false));
  }

  setBytes(bytes: Uint8Array, map: ByteMap, invalid: boolean): void {
    this.map = map;
    this.cells = [];
    const width = this.element.getBoundingClientRect().width;
    this.perRow = width > 0 && width < NARROW_BELOW_PX ? NARROW : WIDE;
    const perRow = this.perRow;
    const rows: HTMLElement[] = [];
    for (let r = 0; r < bytes.length; r += perRow) {
      const cells: HTMLElement[] = [];
      for (let i = r; i < Math.min(bytes.length, r + perRow); i++) {
        const span = map.spanAt(i);
        const cell = h(
          'span',
          {
            class: `b ${partClass(span?.key)}`,
            id: `byte-${i}`,
            role: 'option',
            'aria-selected': 'false',
            'data-offset': i,
            'data-testid': `byte-${i}`,
            'aria-label': `byte ${i}: 0x${bytes[i]!.toString(16).padStart(2, '0')}${span ? `, ${span.label}` : ''}`,
          },
          bytes[i]!.toString(16).padStart(2, '0'),
        );
        this.cells.push(cell);
        cells.push(cell);
      }
      rows.push(
        h(
          'div',
          { class: 'hex-row' },
          h('span', { class: 'hex-offset', 'aria-hidden': 'true' }, r.toString(16).padStart(4, '0')),
          ...cells,
        ),
      );
    }
    setChildren(this.grid, ...rows);
    this.grid.classList.toggle('invalid', invalid);
    this.cursor = Math.min(this.cursor, Math.max(0, bytes.length - 1));
    const range = this.highlighted;
    this.highlighted = undefined;
    if (range) this.highlight(range);
    this.markCursor(false);
  }

  /**
   * Highlights bytes [start, end) (undefined clears). Never scrolls: it runs when a form field gets the focus (a
   * mouse press) and on every keystroke, and scrolling the view then moves the control away from under the
   * pointer (the click is lost) or the field being typed in out of sight. The cursor scrolls itself into view.
   */
  highlight(range: { start: number; end: number } | undefined): void {
    if (this.highlighted)
      for (let i = this.highlighted.start; i < this.highlighted.end; i++) this.cells[i]?.classList.remove('hl');
    this.highlighted = range;
    if (!range) return;
    for (let i = range.start; i < range.end; i++) this.cells[i]?.classList.add('hl');
  }

  /**
   * Moves the cursor (from outside: an ext-ack offset, a click in the decoded view). `notify`: highlight the
   * byte's field and tell the form; `reveal`: scroll the cursor into view (default: when notifying).
   */
  moveTo(offset: number, notify: boolean, reveal = notify): void {
    if (this.cells.length === 0) return;
    this.cursor = Math.max(0, Math.min(this.cells.length - 1, offset));
    this.markCursor(notify, reveal);
  }

  private markCursor(notify: boolean, reveal = notify): void {
    this.grid.querySelectorAll('.cur').forEach((c) => {
      c.classList.remove('cur');
      c.setAttribute('aria-selected', 'false');
    });
    const cell = this.cells[this.cursor];
    if (!cell) {
      this.status.textContent = 'no bytes';
      return;
    }
    cell.classList.add('cur');
    cell.setAttribute('aria-selected', 'true');
    this.grid.setAttribute('aria-activedescendant', cell.id);
    const span = this.map?.spanAt(this.cursor);
    const range = span ? this.map?.rangeOf(span.field) : undefined;
    this.status.textContent = `byte ${this.cursor} (0x${this.cursor.toString(16)}): ${span ? span.label : '—'}${range ? `, bytes ${range.start}-${range.end - 1}` : ''}`;
    if (reveal) cell.scrollIntoView({ block: 'nearest' });
    if (notify) {
      this.highlight(range);
      this.onCursor(this.cursor, span?.field);
    }
  }

  private key(e: KeyboardEvent): void {
    const perRow = this.perRow;
    const moves: Record<string, number> = {
      ArrowLeft: -1,
      ArrowRight: 1,
      ArrowUp: -perRow,
      ArrowDown: perRow,
      PageUp: -perRow * 8,
      PageDown: perRow * 8,
    };
    if (e.key in moves) this.moveTo(this.cursor + moves[e.key]!, true);
    else if (e.key === 'Home') this.moveTo(0, true);
    else if (e.key === 'End') this.moveTo(this.cells.length - 1, true);
    else if (e.key === 'Enter') {
      const field = this.map?.spanAt(this.cursor)?.field;
      if (field) this.onActivate(field);
    } else return;
    e.preventDefault();
  }
}
