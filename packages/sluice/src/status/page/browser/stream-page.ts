import type { BatchPageView, BatchRowView, DeadLetterReportView, ReceiverReportView, StreamStatusView } from './api-types.js';
import { getJson, poller, type PageSettings } from './api-client.js';
import { BatchDialog } from './batch-dialog.js';
import { makeChart, type ChartUpdate, type MetricSpec } from './charts.js';
import { BATCH_COLUMNS, DEAD_LETTER_COLUMNS, RECEIVER_COLUMNS } from './columns.js';
import { byId, setAttr, setBadge, setText, show, syncChildren } from './dom.js';
import { batchState, fmtBytes, fmtInt, fmtMs, fmtRate, fmtTime, statusLabel } from './format.js';
import { SpecTable } from './table.js';

const METRICS: MetricSpec[] = [
  { key: 'input-rate', label: 'Input rate', value: (b) => b.inputRate, format: fmtRate },
  { key: 'scheduling-delay', label: 'Scheduling delay', value: (b) => b.schedulingDelayMs ?? 0, format: fmtMs },
  { key: 'processing-time', label: 'Processing time', value: (b) => b.processingMs ?? 0, format: fmtMs, threshold: true },
  { key: 'total-delay', label: 'Total delay', value: (b) => b.totalDelayMs ?? 0, format: fmtMs },
];

const HEALTH_TITLES: Record<string, string> = {
  healthy: 'Healthy: batches finish within the batch interval.',
  degraded: 'Needs attention:',
  failing: 'Failing:',
  stopped: 'Stopped:',
  unknown: 'Driver state unknown; the figures below come from storage.',
};

/** Sets a list's items to the given texts, reusing its li elements. */
function setItems(list: HTMLElement, texts: readonly string[]): void {
  syncChildren(list, texts.length, () => document.createElement('li'));
  texts.forEach((t, i) => setText(list.children[i]!, t));
}

/** A stat of the header that exists only for some streams: hidden while the API leaves it out. */
function optionalStat(id: string, value: string | undefined, title?: string): void {
  show(byId(`${id}-item`), value !== undefined);
  setText(byId(id), value ?? '—');
  if (title !== undefined) setAttr(byId(id), 'title', title);
}

function renderStatus(s: StreamStatusView): void {
  setBadge(byId('state'), s.state, statusLabel(s.state));
  setText(byId('state-since'), s.since != null ? `since ${fmtTime(s.since)}` : '');
  const reason = byId('state-reason');
  // A stopped or failed driver's reason already leads the health list.
  const reasonShown = !!s.reason && s.state !== 'stopped' && s.state !== 'failed';
  setText(reason, reasonShown ? s.reason : '');
  show(reason, reasonShown);
  setAttr(byId('health'), 'data-level', s.health.level);
  setText(byId('health-title'), HEALTH_TITLES[s.health.level] ?? s.health.level);
  setItems(byId('health-problems'), s.health.problems);

  const retrying = byId('retrying');
  const r = s.retrying;
  setText(retrying, r ? `Retrying batch ${fmtTime(r.batchTime)}: attempt ${fmtInt(r.attempt)}, next at ${fmtTime(r.nextAt)}, last error: ${r.lastError}` : '');
  setAttr(retrying, 'title', r ? `Retrying since ${fmtTime(r.since)}` : '');
  show(retrying, !!r);

  const gaps = s.gaps && s.gaps.total > 0 ? s.gaps : undefined;
  setText(byId('gaps-title'), gaps ? `Data loss: ${fmtInt(gaps.total)} ${gaps.total === 1 ? 'sequence range' : 'sequence ranges'} the event hub no longer held when a receiver read ${gaps.total === 1 ? 'it' : 'them'}${gaps.latest.length < gaps.total ? `; the newest ${gaps.latest.length} are listed` : ''}.` : '');
  setItems(byId('gaps-list'), (gaps?.latest ?? []).map((g) => `${g.source}/${g.partition}: sequence numbers ${fmtInt(g.from)} – ${fmtInt(g.to)} (${fmtInt(g.count)} ${g.count === 1 ? 'event' : 'events'}), detected ${fmtTime(g.detectedAt)}`));
  show(byId('gaps'), !!gaps);

  setText(byId('s-uptime'), s.uptimeMs != null ? fmtMs(s.uptimeMs) : '—');
  setText(byId('s-batch'), fmtMs(s.batchIntervalMs));
  setText(byId('s-block'), fmtMs(s.blockIntervalMs));
  const mode = byId('s-mode');
  setText(mode, s.receiverMode === 'reliable' ? 'Reliable' : 'Unreliable');
  setAttr(mode, 'title', s.receiverMode === 'reliable' ? 'Receivers return only after blocks, WAL records and checkpoint are durable' : 'Receivers buffer in memory and flush every block interval; a crash loses the buffer');
  const completed = byId('s-completed');
  setText(completed, fmtInt(s.completedBatches));
  setAttr(completed, 'title', s.completedBatchesExact ? 'Counted over the whole history' : 'Counted from the batch schedule: batches skipped before the newest ones shown are not subtracted');
  setText(byId('s-processed'), fmtInt(s.recordsProcessed));
  setText(byId('s-received'), fmtInt(s.recordsReceived));
  setText(byId('s-active'), fmtInt(s.activeBatches));
  optionalStat('s-backlog', s.backlog ? `${fmtInt(s.backlog.events)} events · ${fmtBytes(s.backlog.bytes)}` : undefined, 'Events the receivers stored that no batch has taken yet');
  optionalStat('s-watermark', s.eventTime ? fmtTime(s.eventTime.watermark) : undefined);
  optionalStat('s-watermark-lag', s.eventTime ? fmtMs(s.eventTime.lagMs) : undefined, 'Batch time less the event-time watermark');
}

/** The stream page: header, charts, receivers, batches (paged, keyboard navigable), dead letters. */
export function streamPage(settings: PageSettings): void {
  const charts = byId('charts');
  const updaters: { spec: MetricSpec; update: ChartUpdate }[] = METRICS.map((spec) => ({ spec, update: makeChart(charts, spec) }));
  const batches = new SpecTable(byId<HTMLTableElement>('batch-table'), BATCH_COLUMNS);
  const receivers = new SpecTable(byId<HTMLTableElement>('receivers'), RECEIVER_COLUMNS);
  const deadLetters = new SpecTable(byId<HTMLTableElement>('dead-letters'), DEAD_LETTER_COLUMNS);
  const batchBody = batches.tbody;

  // Paging: a stack of cursors, so "Newer" returns exactly to the page before.
  let cursor: number | null = null;
  let older: (number | null)[] = [];
  let focusIndex = 0;
  let lastPage: BatchPageView | null = null;
  const dialog = new BatchDialog(settings, () => (batchBody.rows[focusIndex] as HTMLElement | undefined)?.focus());

  function renderCharts(page: BatchPageView): void {
    const done = page.batches.filter((b) => b.processingMs != null).sort((a, b) => a.time - b.time);
    for (const u of updaters) u.update(done, u.spec.threshold ? page.batchIntervalMs : null);
    setText(byId('charts-sub'), `Last ${done.length} completed of the newest ${page.batches.length} batches`);
  }

  function renderBatches(page: BatchPageView): void {
    lastPage = page;
    if (focusIndex >= page.batches.length) focusIndex = Math.max(0, page.batches.length - 1);
    batches.render(page.batches, (tr: HTMLTableRowElement, b: BatchRowView, i: number) => {
      setAttr(tr, 'data-time', b.time);
      setAttr(tr, 'tabindex', i === focusIndex ? 0 : -1);
      setAttr(tr, 'data-status', batchState(b));
      tr.classList.toggle('is-over', b.processingMs != null && b.processingMs > page.batchIntervalMs);
    });
    show(byId('batches-empty'), page.batches.length === 0);
    byId<HTMLButtonElement>('page-older').disabled = page.paging.next == null;
    byId<HTMLButtonElement>('page-newer').disabled = cursor == null;
    byId<HTMLButtonElement>('page-newest').disabled = cursor == null;
    setText(byId('page-label'), `Page ${older.length + 1}`);
  }

  function renderReceivers(r: ReceiverReportView): void {
    receivers.render(r.receivers);
    show(byId('receivers-empty'), r.receivers.length === 0);
    setText(byId('receivers-sub'), r.rateWindow.batches ? `Rates over the newest ${r.rateWindow.batches} batches` : '');
  }

  function renderDeadLetters(d: DeadLetterReportView): void {
    const count = byId('dl-count');
    setText(count, fmtInt(d.count));
    count.classList.toggle('has', d.count > 0);
    setText(byId('dl-sub'), d.window.batches ? `In the newest ${d.window.batches} batches` : '');
    deadLetters.render(d.entries);
    show(byId('dl-empty'), d.entries.length === 0);
  }

  async function refresh(): Promise<void> {
    const q = `?limit=${settings.pageSize}${cursor != null ? `&before=${cursor}` : ''}`;
    const [status, chartPage, page, recv, dead] = await Promise.all([
      getJson<StreamStatusView>(settings, ''),
      getJson<BatchPageView>(settings, `/batches?limit=${settings.chartBatches}`),
      getJson<BatchPageView>(settings, `/batches${q}`),
      getJson<ReceiverReportView>(settings, '/receivers'),
      getJson<DeadLetterReportView>(settings, '/deadletters?limit=10'),
    ]);
    renderStatus(status);
    renderCharts(chartPage);
    renderBatches(page);
    renderReceivers(recv);
    renderDeadLetters(dead);
  }
  const tick = poller(settings.refreshMs, refresh);

  byId('page-older').addEventListener('click', () => {
    if (!lastPage || lastPage.paging.next == null) return;
    older.push(cursor);
    cursor = lastPage.paging.next;
    focusIndex = 0;
    tick();
  });
  byId('page-newer').addEventListener('click', () => {
    if (cursor == null) return;
    cursor = older.pop() ?? null;
    focusIndex = 0;
    tick();
  });
  byId('page-newest').addEventListener('click', () => {
    cursor = null;
    older = [];
    focusIndex = 0;
    tick();
  });

  // Keyboard: one focusable row at a time (roving tabindex); arrows move, Enter/Space open.
  function focusRow(i: number): void {
    const rows = batchBody.rows;
    if (!rows.length) return;
    const next = Math.max(0, Math.min(rows.length - 1, i));
    const current = rows[focusIndex];
    if (current) setAttr(current, 'tabindex', -1);
    focusIndex = next;
    setAttr(rows[next]!, 'tabindex', 0);
    rows[next]!.focus();
  }
  const rowOf = (e: Event): HTMLTableRowElement | null => {
    const tr = e.target instanceof Element ? e.target.closest('tr') : null;
    return tr && tr.parentNode === batchBody ? tr : null;
  };
  batchBody.addEventListener('keydown', (e) => {
    const tr = rowOf(e);
    if (!tr) return;
    const i = tr.sectionRowIndex;
    let next: number | null = null;
    if (e.key === 'ArrowDown') next = i + 1;
    else if (e.key === 'ArrowUp') next = i - 1;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = batchBody.rows.length - 1;
    else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      dialog.open(Number(tr.getAttribute('data-time')));
      return;
    }
    if (next !== null) {
      e.preventDefault();
      focusRow(next);
    }
  });
  batchBody.addEventListener('click', (e) => {
    const tr = rowOf(e);
    if (!tr) return;
    focusRow(tr.sectionRowIndex);
    dialog.open(Number(tr.getAttribute('data-time')));
  });

  tick();
}
