import type { Clock } from 'sluice';

interface Entry {
  due: number;
  order: number;
  key: string;
  fire: () => void;
}

/**
 * Durable timers and retry delays, fired from the injected Clock in (due time, creation) order.
 * One loop sleeps until the earliest entry; a new earlier entry interrupts the sleep.
 */
export class TimerQueue {
  private entries: Entry[] = [];
  private order = 0;
  private interrupt: AbortController | undefined;
  private idle: (() => void) | undefined;
  private stopped = false;
  private readonly done: Promise<void>;

  constructor(private readonly clock: Clock) {
    this.done = this.loop();
  }

  add(due: number, key: string, fire: () => void): void {
    if (this.stopped) return;
    const entry = { due, order: this.order++, key, fire };
    const at = this.entries.findIndex((e) => e.due > due);
    if (at < 0) this.entries.push(entry);
    else this.entries.splice(at, 0, entry);
    if (this.entries[0] === entry) this.wake();
  }

  /** Drops every entry whose key starts with prefix (an instance or execution that ended). */
  cancelPrefix(prefix: string): void {
    this.entries = this.entries.filter((e) => !e.key.startsWith(prefix));
  }

  cancel(key: string): void {
    this.entries = this.entries.filter((e) => e.key !== key);
  }

  get size(): number {
    return this.entries.length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.entries = [];
    this.wake();
    await this.done;
  }

  private wake(): void {
    this.interrupt?.abort();
    this.idle?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const next = this.entries[0];
      if (!next) {
        await new Promise<void>((resolve) => (this.idle = resolve));
        this.idle = undefined;
        continue;
      }
      const interrupt = new AbortController();
      this.interrupt = interrupt;
      await this.clock.sleepUntil(next.due, interrupt.signal);
      this.interrupt = undefined;
      const now = this.clock.now();
      while (!this.stopped && this.entries.length > 0 && this.entries[0]!.due <= now) {
        const entry = this.entries.shift()!;
        entry.fire();
      }
    }
  }
}
