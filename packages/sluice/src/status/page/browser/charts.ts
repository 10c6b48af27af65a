import type { BatchRowView } from './api-types.js';
import { setAttr, setText, svgEl } from './dom.js';
import { fmtClock, fmtMs, fmtTime } from './format.js';

/** One metric of Spark's streaming statistics: a timeline and a histogram of it. */
export interface MetricSpec {
  key: string;
  label: string;
  value(b: BatchRowView): number;
  format(v: number): string;
  /** Draws the batch interval as a threshold (processing time). */
  threshold?: boolean;
}

export type ChartUpdate = (batches: readonly BatchRowView[], threshold: number | null) => void;

const TW = 640;
const TH = 168;
const HW = 300;
const M = { l: 58, r: 12, t: 10, b: 26 };
const BINS = 10;
const MAX_TICKS = 6;

/** A value axis from 0 with at most 5 round ticks (steps of 1, 2 or 5 × 10^k). */
function niceScale(max: number): { top: number; step: number } {
  if (!(max > 0)) max = 4; // an all-zero chart gets whole-number ticks, not 0.25 steps that round alike
  const raw = max / 4;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / p;
  let step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
  if (step < 1 && max >= 1) step = 1;
  return { top: Math.ceil(max / step - 1e-9) * step, step };
}

/**
 * Builds the chart row once and returns its updater: points and bars are pooled and moved in
 * place on each refresh, so nothing is rebuilt and nothing accumulates.
 */
export function makeChart(parent: HTMLElement, spec: MetricSpec): ChartUpdate {
  const row = document.createElement('div');
  row.className = 'chart-row';
  row.setAttribute('data-metric', spec.key);
  const label = row.appendChild(document.createElement('div'));
  label.className = 'chart-label';
  label.appendChild(document.createElement('h3')).textContent = spec.label;
  const avg = label.appendChild(document.createElement('div'));
  avg.className = 'avg';
  avg.textContent = '—';
  const max = label.appendChild(document.createElement('div'));
  max.className = 'max';

  const id = `chart-${spec.key}`;
  const t = svgEl('svg', { viewBox: `0 0 ${TW} ${TH}`, class: 'chart timeline', role: 'img', 'aria-labelledby': `${id}-t-title`, 'data-metric': spec.key });
  const tTitle = svgEl('title', { id: `${id}-t-title` }, t);
  const grid = svgEl('g', { class: 'grid' }, t);
  const ylabels = svgEl('g', { class: 'ylabels' }, t);
  const ticks = Array.from({ length: MAX_TICKS }, () => ({
    line: svgEl('line', { x1: M.l, x2: TW - M.r }, grid),
    text: svgEl('text', { x: M.l - 8, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, ylabels),
  }));
  svgEl('line', { class: 'axis', x1: M.l, x2: TW - M.r, y1: TH - M.b, y2: TH - M.b }, t);
  const threshold = spec.threshold
    ? {
      zone: svgEl('rect', { class: 'over-zone', x: M.l, width: TW - M.l - M.r }, t),
      line: undefined as SVGLineElement | undefined,
      text: undefined as SVGTextElement | undefined,
    }
    : undefined;
  const area = svgEl('polygon', { class: 'area' }, t);
  const line = svgEl('polyline', { class: 'line' }, t);
  if (threshold) {
    threshold.line = svgEl('line', { class: 'threshold', x1: M.l, x2: TW - M.r }, t);
    threshold.text = svgEl('text', { class: 'threshold-label', x: TW - M.r, 'text-anchor': 'end' }, t);
  }
  const points = svgEl('g', { class: 'points' }, t);
  const xFirst = svgEl('text', { x: M.l, y: TH - 8, 'text-anchor': 'start' }, t);
  const xLast = svgEl('text', { x: TW - M.r, y: TH - 8, 'text-anchor': 'end' }, t);
  const note = svgEl('text', { class: 'empty-note', x: (M.l + TW - M.r) / 2, y: (M.t + TH - M.b) / 2, 'text-anchor': 'middle' }, t);
  row.appendChild(t);

  const hs = svgEl('svg', { viewBox: `0 0 ${HW} ${TH}`, class: 'chart histogram', role: 'img', 'aria-labelledby': `${id}-h-title`, 'data-metric': spec.key });
  const hTitle = svgEl('title', { id: `${id}-h-title` }, hs);
  const hl = 8;
  const hr = 34;
  svgEl('line', { class: 'axis', x1: hl, x2: hl, y1: M.t, y2: TH - M.b }, hs);
  const bars = Array.from({ length: BINS }, () => ({
    rect: svgEl('rect', { class: 'bar', x: hl, height: 0, width: 0 }, hs),
    text: svgEl('text', { 'dominant-baseline': 'middle' }, hs),
  }));
  svgEl('text', { x: HW - 4, y: TH - 8, 'text-anchor': 'end' }, hs).textContent = '#batches';
  row.appendChild(hs);
  parent.appendChild(row);

  return (batches, limit) => {
    const values = batches.map((b) => spec.value(b));
    const n = values.length;
    const vmax = Math.max(0, ...values);
    const scale = niceScale(Math.max(vmax, limit ? limit * 1.2 : 0));
    const top = scale.top;
    const plotH = TH - M.t - M.b;
    const plotW = TW - M.l - M.r;
    const y = (v: number): number => M.t + plotH - (v / top) * plotH;
    ticks.forEach((tick, i) => {
      const v = scale.step * i;
      const used = v <= top + 1e-9;
      const yy = used ? y(v).toFixed(1) : '-100';
      setAttr(tick.line, 'y1', yy);
      setAttr(tick.line, 'y2', yy);
      setAttr(tick.line, 'visibility', used ? 'visible' : 'hidden');
      setAttr(tick.text, 'y', yy);
      setText(tick.text, used ? spec.format(v) : '');
    });
    const t0 = n ? batches[0]!.time : 0;
    const t1 = n ? batches[n - 1]!.time : 0;
    const x = (tm: number): number => (n < 2 ? M.l + plotW / 2 : M.l + ((tm - t0) / (t1 - t0)) * plotW);
    const coords = batches.map((b, i) => `${x(b.time).toFixed(1)},${y(values[i]!).toFixed(1)}`);
    setAttr(line, 'points', coords.join(' '));
    setAttr(area, 'points', n ? `${coords.join(' ')} ${x(t1).toFixed(1)},${y(0).toFixed(1)} ${x(t0).toFixed(1)},${y(0).toFixed(1)}` : '');
    // Pool of points: grow or shrink to n, then move each in place.
    while (points.childNodes.length < n) svgEl('title', {}, svgEl('circle', { class: 'pt', r: 3.2 }, points));
    while (points.childNodes.length > n) points.lastChild!.remove();
    let over = 0;
    batches.forEach((b, j) => {
      const c = points.children[j]!;
      const isOver = limit != null && values[j]! > limit;
      if (isOver) over++;
      setAttr(c, 'cx', x(b.time).toFixed(1));
      setAttr(c, 'cy', y(values[j]!).toFixed(1));
      setAttr(c, 'class', isOver ? 'pt over' : 'pt');
      setAttr(c, 'data-time', b.time);
      setText(c.firstChild!, `${fmtTime(b.time)}: ${spec.format(values[j]!)}`);
    });
    setAttr(line, 'data-points', n);
    if (threshold && limit != null) {
      const ty = y(limit).toFixed(1);
      setAttr(threshold.line!, 'y1', ty);
      setAttr(threshold.line!, 'y2', ty);
      setAttr(threshold.text!, 'y', (y(limit) - 5).toFixed(1));
      setText(threshold.text!, `batch interval ${fmtMs(limit)}`);
      setAttr(threshold.zone, 'y', M.t);
      setAttr(threshold.zone, 'height', Math.max(0, y(limit) - M.t).toFixed(1));
    }
    setText(xFirst, n ? fmtClock(t0) : '');
    setText(xLast, n > 1 ? fmtClock(t1) : '');
    setText(note, n ? '' : 'No completed batches yet');

    // Histogram on the same value axis, bars growing rightwards (as in Spark).
    const counts = new Array<number>(BINS).fill(0);
    for (const v of values) counts[Math.min(BINS - 1, Math.floor((v / top) * BINS))]!++;
    const cmax = Math.max(1, ...counts);
    const barW = HW - hl - hr;
    bars.forEach((bar, q) => {
      const y0 = y((top * (q + 1)) / BINS);
      const y1 = y((top * q) / BINS);
      const w = (counts[q]! / cmax) * barW;
      setAttr(bar.rect, 'y', (y0 + 1).toFixed(1));
      setAttr(bar.rect, 'height', Math.max(0, y1 - y0 - 2).toFixed(1));
      setAttr(bar.rect, 'width', w.toFixed(1));
      setAttr(bar.rect, 'class', limit != null && (top * q) / BINS >= limit ? 'bar over' : 'bar');
      setAttr(bar.text, 'x', (hl + w + 4).toFixed(1));
      setAttr(bar.text, 'y', ((y0 + y1) / 2).toFixed(1));
      setText(bar.text, counts[q] ? counts[q] : '');
    });

    const mean = n ? values.reduce((a, v) => a + v, 0) / n : null;
    setText(avg, mean == null ? '—' : `avg ${spec.format(mean)}`);
    setText(max, n ? `max ${spec.format(vmax)}${limit != null ? ` · ${over} over interval` : ''}` : '');
    const summary = `${spec.label} over the last ${n} completed batches${mean != null ? `: average ${spec.format(mean)}, maximum ${spec.format(vmax)}` : ''}` +
      `${limit != null && n ? `; ${over} above the ${fmtMs(limit)} batch interval` : ''}.`;
    setText(tTitle, summary);
    setAttr(t, 'aria-label', summary);
    const hsum = `Histogram of ${spec.label.toLowerCase()} over ${n} batches, ${BINS} bins from 0 to ${spec.format(top)}.`;
    setText(hTitle, hsum);
    setAttr(hs, 'aria-label', hsum);
  };
}
