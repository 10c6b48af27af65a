/**
 * Time is injected everywhere: the engine never calls Date.now() or setTimeout directly, so tests
 * drive batches with a ManualClock and never sleep.
 */
export interface Clock {
  now(): number;
  /** Resolves once now() >= time (or at once if it already is). */
  sleepUntil(time: number, signal?: AbortSignal): Promise<void>;
}

/** setTimeout fires at once for delays past 2^31-1 ms (24.8 days), so long sleeps go in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  sleepUntil(time, signal) {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        signal?.removeEventListener('abort', done);
        clearTimeout(timer);
        resolve();
      };
      const arm = (): void => {
        const delay = time - Date.now();
        if (delay <= 0 || signal?.aborted) return done();
        timer = setTimeout(arm, Math.min(delay, MAX_TIMER_MS));
      };
      signal?.addEventListener('abort', done, { once: true });
      arm();
    });
  },
};

/** A clock that only moves when told to; sleepers wake in due-time order as it advances. */
export class ManualClock implements Clock {
  private current: number;
  private sleepers: { time: number; wake: () => void }[] = [];

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleepUntil(time: number, signal?: AbortSignal): Promise<void> {
    if (time <= this.current || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper = { time, wake: resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        resolve();
      }, { once: true });
    });
  }

  /** Moves time forward and wakes every sleeper that is now due. */
  advance(ms: number): void {
    this.set(this.current + ms);
  }

  set(time: number): void {
    if (time < this.current) throw new Error(`ManualClock cannot go back from ${this.current} to ${time}`);
    this.current = time;
    const due = this.sleepers.filter((s) => s.time <= time).sort((a, b) => a.time - b.time);
    this.sleepers = this.sleepers.filter((s) => s.time > time);
    for (const s of due) s.wake();
  }

  /** Number of pending sleepers: lets tests wait until a loop is parked before advancing. */
  get waiting(): number {
    return this.sleepers.length;
  }
}
