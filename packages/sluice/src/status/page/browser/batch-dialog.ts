import type { BatchDetailView } from './api-types.js';
import { getJson, type PageSettings } from './api-client.js';
import { BATCH_DEAD_LETTER_COLUMNS, RANGE_COLUMNS, TASK_COLUMNS } from './columns.js';
import { byId, setBadge, setText, show, syncChildren } from './dom.js';
import { batchState, fmtBytes, fmtInt, fmtMs, fmtRate, fmtTime, statusLabel } from './format.js';
import { SpecTable } from './table.js';

/** The batch detail dialog: opened on a row, loads /batches/{time}, returns focus on close. */
export class BatchDialog {
  private readonly dialog = byId<HTMLDialogElement>('detail');
  private readonly ranges = new SpecTable(byId<HTMLTableElement>('detail-ranges'), RANGE_COLUMNS);
  private readonly tasks = new SpecTable(byId<HTMLTableElement>('detail-tasks'), TASK_COLUMNS);
  private readonly deadLetters = new SpecTable(byId<HTMLTableElement>('detail-dead-letters'), BATCH_DEAD_LETTER_COLUMNS);
  private openTime: number | null = null;
  private seq = 0;

  constructor(private readonly settings: PageSettings, onClose: () => void) {
    byId('detail-close').addEventListener('click', () => this.dialog.close());
    this.dialog.addEventListener('close', () => {
      this.openTime = null;
      onClose();
    });
    this.dialog.addEventListener('click', (e) => {
      if (e.target === this.dialog) this.dialog.close();
    });
  }

  open(time: number): void {
    if (!Number.isFinite(time)) return;
    this.openTime = time;
    const seq = ++this.seq;
    const msg = byId('detail-message');
    setText(msg, `Loading batch ${fmtTime(time)}…`);
    show(msg, true);
    if (!this.dialog.open) this.dialog.showModal();
    getJson<BatchDetailView>(this.settings, `/batches/${time}`).then((d) => {
      if (seq !== this.seq || this.openTime !== time) return;
      show(msg, false);
      this.render(d);
    }, (err: unknown) => {
      if (seq !== this.seq) return;
      setText(msg, `Could not load this batch: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  private render(d: BatchDetailView): void {
    const b = d.batch;
    setText(byId('detail-title'), `Batch ${fmtTime(b.time)}`);
    setBadge(byId('detail-status'), batchState(b), statusLabel(batchState(b)));
    const items: [string, string][] = [
      ['Records', fmtInt(b.records)], ['Bytes', fmtBytes(b.bytes)], ['Input rate', fmtRate(b.inputRate)], ['Tasks', fmtInt(b.tasks)],
      ['Scheduling delay', fmtMs(b.schedulingDelayMs)], ['Processing time', fmtMs(b.processingMs)], ['Total delay', fmtMs(b.totalDelayMs)],
      ['Dead-lettered', fmtInt(b.deadLettered)], ['Allocated at', fmtTime(d.allocatedAt)], ['Started at', fmtTime(d.startedAt)],
      ['Completed at', fmtTime(d.completedAt)],
    ];
    if (d.failedAt != null) items.push(['Failed at', fmtTime(d.failedAt)]);
    if (b.attempts !== undefined) items.push(['Attempts', fmtInt(b.attempts)]);
    if (b.lateRecords !== undefined) items.push(['Late records', fmtInt(b.lateRecords)]);
    if (b.droppedDuplicates !== undefined) items.push(['Dropped duplicates', fmtInt(b.droppedDuplicates)]);
    const stats = byId('detail-stats');
    syncChildren(stats, items.length, () => {
      const div = document.createElement('div');
      div.append(document.createElement('dt'), document.createElement('dd'));
      return div;
    });
    items.forEach(([label, value], i) => {
      const item = stats.children[i]!;
      setText(item.firstElementChild!, label);
      setText(item.lastElementChild!, value);
    });
    const err = byId('detail-error');
    setText(err, b.error ? `${b.skipped ? 'Skipped after failing: ' : 'Failed: '}${b.error}` : '');
    show(err, !!b.error);

    this.ranges.render(d.ranges);
    this.tasks.render(d.tasks);
    show(byId('detail-no-tasks'), d.tasks.length === 0);
    const outs = byId('detail-outputs');
    syncChildren(outs, d.outputs.length, () => document.createElement('li'));
    d.outputs.forEach((o, i) => setText(outs.children[i]!, o));
    show(byId('detail-no-outputs'), d.outputs.length === 0);
    this.deadLetters.render(d.deadLetters);
    show(byId('detail-dl-block'), d.deadLetters.length > 0);
  }
}
