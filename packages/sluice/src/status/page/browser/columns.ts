import type { BatchRowView, DeadLetterEntryView, PartitionRangeView, ReceiverView, StreamIndexEntryView, TaskView } from './api-types.js';
import { batchState, DASH, fmtBytes, fmtInt, fmtMs, fmtRate, fmtTime } from './format.js';

/**
 * One spec per table: the server writes the header row from it (page-html.ts) and the browser
 * builds and fills the body rows from it (table.ts), so a column is added, moved or dropped in
 * one place and header and cells cannot drift apart. The first column of every table is the
 * row header. Free of the DOM: the server compiles it too.
 */
export interface Cell {
  text: string;
  /** Tooltip; omitted or empty removes it. */
  title?: string;
  /** Classes switched on or off per row. */
  flags?: Readonly<Record<string, boolean>>;
  /** For badge cells: hides the badge (no value). */
  hidden?: boolean;
}

export interface Column<R> {
  /** data-col on the th and each cell; tests and styles address cells by it. */
  readonly key: string;
  readonly label: string;
  /** Right-aligned figures. */
  readonly numeric?: boolean;
  /** Long text that wraps instead of widening the table. */
  readonly wrap?: boolean;
  /** The label is for screen readers only. */
  readonly srOnlyLabel?: boolean;
  /** Classes every cell of the column has. */
  readonly className?: string;
  /** What the cell holds: plain text, a state badge (text is the state), a link (text and href) or the fixed "Details" hint. */
  readonly content?: 'text' | 'badge' | 'link' | 'details';
  /** A column for an optional field: shown only while some row on screen has it. */
  readonly optional?: (row: R) => boolean;
  cell(row: R): Cell & { href?: string };
}

const text = (t: string): Cell => ({ text: t });
const partitionOf = (x: { source?: string; partition?: string }): string => `${x.source ?? ''}/${x.partition ?? ''}`;

export const BATCH_COLUMNS: readonly Column<BatchRowView>[] = [
  { key: 'time', label: 'Batch time', cell: (b) => text(fmtTime(b.time)) },
  { key: 'status', label: 'Status', content: 'badge', cell: (b) => ({ text: batchState(b), title: b.error ?? '' }) },
  { key: 'records', label: 'Records', numeric: true, cell: (b) => text(fmtInt(b.records)) },
  { key: 'input-rate', label: 'Input rate', numeric: true, cell: (b) => text(fmtRate(b.inputRate)) },
  { key: 'tasks', label: 'Tasks', numeric: true, cell: (b) => text(fmtInt(b.tasks)) },
  { key: 'scheduling-delay', label: 'Scheduling delay', numeric: true, cell: (b) => text(fmtMs(b.schedulingDelayMs)) },
  { key: 'processing-time', label: 'Processing time', numeric: true, className: 'proc', cell: (b) => text(fmtMs(b.processingMs)) },
  { key: 'total-delay', label: 'Total delay', numeric: true, cell: (b) => text(fmtMs(b.totalDelayMs)) },
  { key: 'dead-lettered', label: 'Dead-lettered', numeric: true, cell: (b) => ({ text: fmtInt(b.deadLettered), flags: { 'has-dl': (b.deadLettered ?? 0) > 0 } }) },
  { key: 'attempts', label: 'Attempts', numeric: true, optional: (b) => b.attempts !== undefined, cell: (b) => ({ text: fmtInt(b.attempts), flags: { 'has-retries': (b.attempts ?? 1) > 1 } }) },
  { key: 'late', label: 'Late records', numeric: true, optional: (b) => b.lateRecords !== undefined, cell: (b) => text(fmtInt(b.lateRecords)) },
  { key: 'duplicates', label: 'Dropped duplicates', numeric: true, optional: (b) => b.droppedDuplicates !== undefined, cell: (b) => text(fmtInt(b.droppedDuplicates)) },
  { key: 'details', label: 'Details', srOnlyLabel: true, content: 'details', cell: () => text('') },
];

export const RECEIVER_COLUMNS: readonly Column<ReceiverView>[] = [
  { key: 'partition', label: 'Partition', cell: (r) => text(partitionOf(r)) },
  { key: 'owner', label: 'Owner', cell: (r) => text(r.owner) },
  { key: 'last-sequence', label: 'Last sequence', numeric: true, cell: (r) => text(fmtInt(r.lastSeq)) },
  { key: 'events-per-sec', label: 'Events/s', numeric: true, cell: (r) => text(fmtRate(r.eventsPerSec)) },
  {
    key: 'lag', label: 'Lag', numeric: true,
    cell: (r) => ({ text: r.lag == null ? DASH : fmtInt(r.lag), title: r.lastEnqueued == null ? 'Partition properties unavailable' : `Last enqueued sequence number ${r.lastEnqueued}` }),
  },
  { key: 'pending', label: 'Pending', numeric: true, cell: (r) => text(fmtInt(r.pending)) },
  { key: 'last-enqueued', label: 'Last enqueued', cell: (r) => text(fmtTime(r.lastEnqueuedTime)) },
  { key: 'last-block', label: 'Last block', cell: (r) => text(fmtTime(r.lastBlockAt)) },
  { key: 'redeliveries', label: 'Redeliveries skipped', numeric: true, cell: (r) => text(fmtInt(r.redeliveries)) },
  { key: 'events', label: 'Events received', numeric: true, cell: (r) => text(fmtInt(r.events)) },
];

/** The batch dialog's dead-letter table: the stream page's, less the batch column. */
export const BATCH_DEAD_LETTER_COLUMNS: readonly Column<DeadLetterEntryView>[] = [
  { key: 'partition', label: 'Partition', cell: (e) => text(e.partition != null ? partitionOf(e) : e.stage) },
  { key: 'sequence', label: 'Sequence', numeric: true, cell: (e) => text(e.sequenceNumber != null ? fmtInt(e.sequenceNumber) : DASH) },
  { key: 'operator', label: 'Operator', cell: (e) => text(e.operator) },
  { key: 'error', label: 'Error', wrap: true, className: 'err-text', cell: (e) => text(e.error) },
  { key: 'body', label: 'Body', wrap: true, className: 'mono', cell: (e) => text(e.preview + (e.truncated ? '…' : '')) },
];

export const DEAD_LETTER_COLUMNS: readonly Column<DeadLetterEntryView>[] = [
  { key: 'batch-time', label: 'Batch time', cell: (e) => text(fmtTime(e.batchTime)) },
  ...BATCH_DEAD_LETTER_COLUMNS,
];

export const RANGE_COLUMNS: readonly Column<PartitionRangeView>[] = [
  { key: 'partition', label: 'Partition', cell: (r) => text(partitionOf(r)) },
  { key: 'sequence-numbers', label: 'Sequence numbers', cell: (r) => text(r.first == null ? `none (nothing new after ${fmtInt(r.after)})` : `${fmtInt(r.first)} – ${fmtInt(r.last)}`) },
  { key: 'records', label: 'Records', numeric: true, cell: (r) => text(fmtInt(r.records)) },
  { key: 'blocks', label: 'Blocks', numeric: true, cell: (r) => text(fmtInt(r.blocks)) },
  { key: 'bytes', label: 'Bytes', numeric: true, cell: (r) => text(fmtBytes(r.bytes)) },
];

export const TASK_COLUMNS: readonly Column<TaskView>[] = [
  { key: 'task', label: 'Task', cell: (t) => text(`Task ${t.task}`) },
  { key: 'blocks', label: 'Blocks', numeric: true, cell: (t) => text(fmtInt(t.blocks)) },
  { key: 'records-in', label: 'Records in', numeric: true, cell: (t) => text(fmtInt(t.recordsIn)) },
  { key: 'records-out', label: 'Records out', numeric: true, cell: (t) => text(fmtInt(t.recordsOut)) },
  { key: 'dead-lettered', label: 'Dead-lettered', numeric: true, cell: (t) => text(fmtInt(t.deadLettered)) },
  { key: 'bytes', label: 'Bytes', numeric: true, cell: (t) => text(fmtBytes(t.bytes)) },
  { key: 'duration', label: 'Duration', numeric: true, cell: (t) => text(fmtMs(t.durationMs)) },
];

export const STREAM_COLUMNS: readonly Column<StreamIndexEntryView>[] = [
  { key: 'stream', label: 'Stream', content: 'link', cell: (s) => ({ text: s.name, href: s.links.ui }) },
  { key: 'state', label: 'State', content: 'badge', cell: (s) => ({ text: s.state, title: s.reason ?? '' }) },
  { key: 'batch-interval', label: 'Batch interval', numeric: true, cell: (s) => text(fmtMs(s.batchIntervalMs)) },
  { key: 'latest-batch', label: 'Latest batch', cell: (s) => text(s.latestBatch ? fmtTime(s.latestBatch.time) : DASH) },
  { key: 'latest-status', label: 'Latest status', content: 'badge', cell: (s) => (s.latestBatch ? { text: s.latestBatch.status } : { text: '', hidden: true }) },
];

/** The header row's cells for a spec, as HTML; optional columns start hidden. */
export function headerCells(columns: readonly Column<never>[], escape: (s: string) => string): string {
  return columns.map((c) => {
    const cls = c.numeric ? ' class="num"' : '';
    const label = c.srOnlyLabel ? `<span class="sr-only">${escape(c.label)}</span>` : escape(c.label);
    return `<th scope="col" data-col="${escape(c.key)}"${cls}${c.optional ? ' hidden' : ''}>${label}</th>`;
  }).join('');
}
