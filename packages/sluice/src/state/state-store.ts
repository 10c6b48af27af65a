import type { ObjectStore } from '../ports/object-store.js';
import { padTime } from '../wal/keys.js';

/**
 * Window slices and keyed state, persisted per (operator, batch time) as JSON objects. A batch's
 * commit reads what earlier batches wrote and writes its own time, so a replayed batch reads the
 * same inputs and writes the same outputs: that is what makes stateful results exactly-once.
 */
export class StateStore {
  constructor(private readonly objects: ObjectStore, private readonly stream: string) {}

  private name(node: string, time: number): string {
    return `${this.stream}/${node}/${padTime(time)}.json`;
  }

  async get<T>(node: string, time: number): Promise<T | undefined> {
    const data = await this.objects.get(this.name(node, time));
    return data === undefined ? undefined : (JSON.parse(Buffer.from(data).toString('utf8')) as T);
  }

  async put(node: string, time: number, value: unknown): Promise<void> {
    await this.objects.put(this.name(node, time), Buffer.from(JSON.stringify(value), 'utf8'));
  }

  /**
   * The node's newest snapshot older than `before`. Only read when the expected snapshot is missing
   * (a batch that failed and was skipped wrote none), so state carries over that gap.
   */
  async latestBefore<T>(node: string, before: number): Promise<{ time: number; value: T } | undefined> {
    const times = (await this.objects.list(`${this.stream}/${node}/`)).map(timeOf).filter((t) => t < before);
    if (times.length === 0) return undefined;
    const time = times.reduce((a, b) => Math.max(a, b));
    const value = await this.get<T>(node, time);
    return value === undefined ? undefined : { time, value };
  }

  /** Deletes every snapshot older than `before`, keeping newer ones; returns how many went. */
  async deleteBefore(before: number): Promise<number> {
    const names = await this.objects.list(`${this.stream}/`);
    const old = names.filter((n) => timeOf(n) < before);
    await Promise.all(old.map((n) => this.objects.delete(n)));
    return old.length;
  }
}

function timeOf(name: string): number {
  return Number(name.slice(name.lastIndexOf('/') + 1, -'.json'.length));
}
