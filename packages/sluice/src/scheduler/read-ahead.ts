/**
 * Reads items in order with at most `depth` reads in flight. Every started read has a handler
 * attached at once, so a read that fails while an earlier one is still awaited is never an
 * unhandled rejection (which would take the whole worker process down); its error surfaces when
 * its turn comes. When the consumer stops early (an error), reads still in flight are settled
 * quietly, and nothing more is started.
 */
export async function* readAhead<T, R>(items: readonly T[], depth: number, read: (item: T) => Promise<R>): AsyncGenerator<[T, R]> {
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`read-ahead depth must be a positive integer, got ${depth}`);
  type Settled = { ok: true; value: R } | { ok: false; error: unknown };
  const inFlight: Promise<Settled>[] = [];
  let next = 0;
  const start = (): void => {
    const item = items[next++]!;
    inFlight.push(read(item).then((value): Settled => ({ ok: true, value }), (error: unknown): Settled => ({ ok: false, error })));
  };
  for (let i = 0; i < items.length; i++) {
    while (next < items.length && inFlight.length < depth) start();
    const settled = await inFlight.shift()!;
    if (!settled.ok) throw settled.error;
    yield [items[i]!, settled.value];
  }
}
