/**
 * Deterministic, seeded page-view events for demos and tests. The same seed always yields the
 * same events; page popularity is skewed (a few pages get most views) so keyed aggregations
 * show hot keys. Optionally every Nth event is malformed on purpose to exercise dead-lettering.
 */
export interface PageView {
  id: string;
  ts: number;
  user: string;
  page: string;
  country: string;
  device: 'mobile' | 'desktop' | 'tablet';
  durationMs: number;
}

export interface SampleEventOptions {
  seed: number;
  /** Timestamp of the first event (ms); default 2024-01-01T00:00:00Z so output is reproducible. */
  startTime?: number;
  /** Mean spacing between event timestamps (ms); default 100. */
  meanGapMs?: number;
  /** Every Nth event (N, 2N, ...) is malformed: alternately invalid JSON and JSON missing fields. */
  malformedEvery?: number;
  /**
   * Every Nth event (N, 2N, ...) carries an earlier timestamp, for event-time demos: alternately
   * OUT_OF_ORDER_MS back (out of order, inside a 1-minute watermark) and TOO_LATE_MS back (behind
   * it). Later events keep their own timestamps. A malformed event takes precedence.
   */
  lateEvery?: number;
}

/** How far back lateEvery moves an out-of-order event, and a too-late one. */
export const OUT_OF_ORDER_MS = 20_000;
export const TOO_LATE_MS = 10 * 60_000;

export interface SampleEvent {
  /** The JSON text to send. */
  body: string;
  /** The parsed event, when the body is valid. */
  pageView: PageView | undefined;
}

/** mulberry32: a tiny, fast 32-bit PRNG; good enough for sample data, never for security. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Weights give a Zipf-like skew: "/" and "/pricing" dominate.
const PAGES: [string, number][] = [
  ['/', 30], ['/pricing', 18], ['/docs', 12], ['/blog', 9], ['/signup', 7], ['/login', 6],
  ['/docs/getting-started', 5], ['/features', 4], ['/about', 3], ['/careers', 2], ['/contact', 2], ['/status', 1], ['/legal', 1],
];
const COUNTRIES: [string, number][] = [['US', 30], ['NL', 12], ['DE', 12], ['GB', 10], ['FR', 8], ['IN', 8], ['BR', 6], ['JP', 6], ['CA', 5], ['AU', 3]];
const DEVICES: [PageView['device'], number][] = [['mobile', 55], ['desktop', 38], ['tablet', 7]];
const USERS = 500;

function picker<T>(table: [T, number][]): (r: number) => T {
  const total = table.reduce((n, [, w]) => n + w, 0);
  return (r) => {
    let x = r * total;
    for (const [value, weight] of table) if ((x -= weight) < 0) return value;
    return table[table.length - 1]![0];
  };
}

const pickPage = picker(PAGES);
const pickCountry = picker(COUNTRIES);
const pickDevice = picker(DEVICES);

/** An endless, deterministic stream of sample events. */
export function* sampleEvents(options: SampleEventOptions): Generator<SampleEvent> {
  const random = mulberry32(options.seed);
  const gap = options.meanGapMs ?? 100;
  let ts = options.startTime ?? Date.UTC(2024, 0, 1);
  for (let n = 1; ; n++) {
    ts += Math.round(-Math.log(1 - random()) * gap); // exponential gaps, like independent arrivals
    const view: PageView = {
      id: `${options.seed.toString(36)}-${n.toString(36).padStart(6, '0')}`,
      ts,
      // Squaring skews users too: low ids are the heavy users.
      user: `u${Math.floor(random() ** 2 * USERS)}`,
      page: pickPage(random()),
      country: pickCountry(random()),
      device: pickDevice(random()),
      durationMs: Math.round(200 + -Math.log(1 - random()) * 4000),
    };
    const every = options.malformedEvery;
    if (every && every > 0 && n % every === 0) {
      const invalidJson = (n / every) % 2 === 1;
      yield invalidJson
        ? { body: JSON.stringify(view).slice(0, -7), pageView: undefined } // truncated: not JSON
        : { body: JSON.stringify({ id: view.id, ts: view.ts, note: 'missing user and page' }), pageView: undefined };
      continue;
    }
    const late = options.lateEvery;
    if (late && late > 0 && n % late === 0) {
      const moved = { ...view, ts: view.ts - ((n / late) % 2 === 1 ? OUT_OF_ORDER_MS : TOO_LATE_MS) };
      yield { body: JSON.stringify(moved), pageView: moved };
      continue;
    }
    yield { body: JSON.stringify(view), pageView: view };
  }
}

/** The first `count` events. */
export function takeSampleEvents(count: number, options: SampleEventOptions): SampleEvent[] {
  const out: SampleEvent[] = [];
  for (const event of sampleEvents(options)) {
    if (out.length >= count) break;
    out.push(event);
  }
  return out;
}

/** An order of the second sample stream, placed by a user seen in the page views. */
export interface SampleOrder {
  id: string;
  ts: number;
  user: string;
  amountCents: number;
}

/**
 * The order a page view leads to: the same user, a few seconds later, for a seeded amount. Every
 * `malformedEvery`th order (n counts orders) is malformed on purpose: alternately invalid JSON and a
 * negative amount.
 */
export function orderAfter(view: PageView, n: number, random: () => number, malformedEvery?: number): { body: string; order: SampleOrder | undefined } {
  const order: SampleOrder = { id: `o-${view.id}`, ts: view.ts + 1000 + Math.floor(random() * 5000), user: view.user, amountCents: 100 * (5 + Math.floor(random() * 195)) };
  if (malformedEvery && malformedEvery > 0 && n % malformedEvery === 0) {
    const invalidJson = (n / malformedEvery) % 2 === 1;
    return { body: invalidJson ? JSON.stringify(order).slice(0, -3) : JSON.stringify({ ...order, amountCents: -order.amountCents }), order: undefined };
  }
  return { body: JSON.stringify(order), order };
}
