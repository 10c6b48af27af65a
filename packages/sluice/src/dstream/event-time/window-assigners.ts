import { durationMs, type Duration } from '../../config/duration.js';

/** An event-time window [start, end): start inclusive, end exclusive, as Spark's window(). */
export type Window = readonly [start: number, end: number];

/** How records are assigned to windows: fixed windows aligned to the epoch, or sessions. */
export type WindowAssigner =
  | { readonly kind: 'tumbling' | 'sliding'; readonly sizeMs: number; readonly slideMs: number }
  | { readonly kind: 'session'; readonly gapMs: number };

/** Tumbling (slide omitted) or sliding windows; checked when the pipeline is built. */
export function fixedWindows(size: Duration, slide?: Duration): WindowAssigner {
  const sizeMs = durationMs(size, 'event-time window size');
  const slideMs = slide === undefined ? sizeMs : durationMs(slide, 'event-time window slide');
  if (slideMs > sizeMs) throw new RangeError(`event-time window slide (${slideMs} ms) must not be longer than its size (${sizeMs} ms): records between windows would belong to none`);
  return { kind: slideMs === sizeMs ? 'tumbling' : 'sliding', sizeMs, slideMs };
}

export function sessionWindows(gap: Duration): WindowAssigner {
  return { kind: 'session', gapMs: durationMs(gap, 'session gap') };
}

/**
 * The windows a record at event time t belongs to, oldest first. Fixed windows start at whole
 * multiples of the slide since the epoch (Spark's window() alignment), and a record belongs to
 * every window that contains it. A session record opens [t, t + gap); the commit merges it with
 * the key's sessions it reaches.
 */
export function windowsOf(assigner: WindowAssigner, t: number): Window[] {
  if (assigner.kind === 'session') return [[t, t + assigner.gapMs]];
  const { sizeMs, slideMs } = assigner;
  const lastStart = t - (((t % slideMs) + slideMs) % slideMs);
  const out: Window[] = [];
  for (let start = lastStart - Math.ceil(sizeMs / slideMs - 1) * slideMs; start <= lastStart; start += slideMs) {
    if (start + sizeMs > t) out.push([start, start + sizeMs]);
  }
  return out;
}
