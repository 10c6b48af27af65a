import type { Column } from './columns.js';
import { setAttr, setBadge, setText, show } from './dom.js';
import { statusLabel } from './format.js';

/**
 * Renders a table body from its column spec: rows are kept and reused across refreshes (a row's
 * cells are built once), and every cell is found by its column, never by a position kept elsewhere.
 * Optional columns (and their header) show while any row has their field.
 */
export class SpecTable<R> {
  private readonly body: HTMLTableSectionElement;
  private readonly headers: Map<string, HTMLTableCellElement>;

  constructor(private readonly table: HTMLTableElement, private readonly columns: readonly Column<R>[]) {
    const body = table.tBodies[0];
    if (!body) throw new Error(`table #${table.id} has no body`);
    this.body = body;
    this.headers = new Map(columns.map((c) => {
      const th = table.querySelector<HTMLTableCellElement>(`thead th[data-col="${c.key}"]`);
      if (!th) throw new Error(`table #${table.id} has no header for column "${c.key}"`);
      return [c.key, th];
    }));
  }

  get rows(): HTMLCollectionOf<HTMLTableRowElement> {
    return this.body.rows;
  }

  get tbody(): HTMLTableSectionElement {
    return this.body;
  }

  /** The cell of a column in a row. */
  cell(tr: HTMLTableRowElement, key: string): HTMLTableCellElement {
    const i = this.columns.findIndex((c) => c.key === key);
    const cell = tr.cells[i];
    if (i < 0 || !cell) throw new Error(`table #${this.table.id} has no column "${key}"`);
    return cell;
  }

  render(rows: readonly R[], decorate?: (tr: HTMLTableRowElement, row: R, index: number) => void): void {
    while (this.body.rows.length < rows.length) this.buildRow(this.body.insertRow());
    while (this.body.rows.length > rows.length) this.body.deleteRow(-1);
    const visible = this.columns.map((c) => !c.optional || rows.some(c.optional));
    this.columns.forEach((c, i) => show(this.headers.get(c.key)!, visible[i]!));
    rows.forEach((row, r) => {
      const tr = this.body.rows[r]!;
      this.columns.forEach((column, i) => {
        const td = tr.cells[i]!;
        show(td, visible[i]!);
        fill(td, column, column.cell(row));
      });
      decorate?.(tr, row, r);
    });
  }

  private buildRow(tr: HTMLTableRowElement): void {
    this.columns.forEach((c, i) => {
      const td = document.createElement(i === 0 ? 'th' : 'td');
      if (i === 0) (td as HTMLTableCellElement).scope = 'row';
      td.dataset['col'] = c.key;
      if (c.numeric) td.classList.add('num');
      if (c.wrap) td.classList.add('wrap');
      if (c.className) td.classList.add(...c.className.split(' '));
      if (c.content === 'badge') td.appendChild(document.createElement('span')).className = 'badge';
      if (c.content === 'link') td.appendChild(document.createElement('a'));
      if (c.content === 'details') {
        const hint = td.appendChild(document.createElement('span'));
        hint.className = 'view';
        hint.setAttribute('aria-hidden', 'true');
        hint.textContent = 'Details ›';
      }
      tr.appendChild(td);
    });
  }
}

function fill<R>(td: HTMLTableCellElement, column: Column<R>, value: ReturnType<Column<R>['cell']>): void {
  const inner = td.firstElementChild as HTMLElement | null;
  if (column.content === 'badge' && inner) {
    show(inner, !value.hidden);
    if (!value.hidden) setBadge(inner, value.text, statusLabel(value.text));
    titled(inner, value.title);
  } else if (column.content === 'link' && inner) {
    setAttr(inner, 'href', value.href ?? '#');
    setText(inner, value.text);
  } else if (column.content !== 'details') {
    setText(td, value.text);
    titled(td, value.title);
  }
  for (const [name, on] of Object.entries(value.flags ?? {})) td.classList.toggle(name, on);
}

function titled(el: Element, title: string | undefined): void {
  if (title === undefined) return;
  setAttr(el, 'title', title);
}
