/**
 * How the page writes numbers, times and states. Free of the DOM, so the server's HTML and the
 * browser's renderer share the column specs that use it.
 */
const NUM = new Intl.NumberFormat('en-US');
const NUM1 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const NUM2 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export const DASH = '—';

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Local wall-clock time to the second, with milliseconds only when there are any. */
export function fmtTime(t: number | null | undefined): string {
  if (t == null) return DASH;
  const d = new Date(t);
  const s = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return d.getMilliseconds() ? `${s}.${pad(d.getMilliseconds(), 3)}` : s;
}

export function fmtClock(t: number): string {
  const d = new Date(t);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function fmtMs(ms: number | null | undefined): string {
  if (ms == null) return DASH;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${NUM2.format(ms / 1000)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  if (m < 60) return `${m} min${s ? ` ${s} s` : ''}`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
  return `${Math.floor(h / 24)} d${h % 24 ? ` ${h % 24} h` : ''}`;
}

export function fmtInt(n: number | null | undefined): string {
  return n == null ? DASH : NUM.format(n);
}

export function fmtRate(r: number | null | undefined): string {
  return r == null ? DASH : `${r >= 100 ? NUM.format(Math.round(r)) : NUM1.format(r)}/s`;
}

export function fmtBytes(b: number | null | undefined): string {
  if (b == null) return DASH;
  if (b < 1024) return `${b} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let i = -1;
  let v = b;
  do {
    v /= 1024;
    i++;
  } while (v >= 1024 && i < units.length - 1);
  return `${NUM1.format(v)} ${units[i]}`;
}

const LABELS: Record<string, string> = {
  running: 'Running', stopped: 'Stopped', failed: 'Failed', unknown: 'Unknown',
  allocated: 'Processing', completed: 'Completed', cleaned: 'Completed', skipped: 'Skipped',
};

export function statusLabel(state: string): string {
  return LABELS[state] ?? state;
}

/** A failed batch the driver skipped shows as skipped, not failed. */
export function batchState(b: { status: string; skipped?: boolean }): string {
  return b.status === 'failed' && b.skipped ? 'skipped' : b.status;
}
