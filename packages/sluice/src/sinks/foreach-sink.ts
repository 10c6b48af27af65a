import type { Sink, SinkContext } from './sink.js';

/**
 * Spark's foreachRDD: the user's function gets each batch's records and time. Sluice cannot make
 * user code idempotent, so this sink is at-least-once: a replayed batch calls it again.
 */
export class ForeachSink<T> implements Sink<T> {
  readonly name = 'foreach';

  constructor(private readonly fn: (records: T[], time: number) => void | Promise<void>) {}

  async write(records: readonly T[], ctx: SinkContext): Promise<undefined> {
    await this.fn([...records], ctx.time);
    return undefined;
  }
}
