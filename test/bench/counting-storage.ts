import type { EntityTable } from '#sluice/ports/entity-table.js';
import type { ObjectStore } from '#sluice/ports/object-store.js';
import type { StreamStorage } from '#sluice/ports/stream-storage.js';

/** Counts storage write requests (blob puts/creates/deletes, table transactions) per store. */
export class WriteCounter {
  readonly writes = new Map<string, number>();

  get total(): number {
    let n = 0;
    for (const v of this.writes.values()) n += v;
    return n;
  }

  reset(): void {
    this.writes.clear();
  }

  private count(store: string): void {
    this.writes.set(store, (this.writes.get(store) ?? 0) + 1);
  }

  wrap(storage: StreamStorage): StreamStorage {
    const objects = (key: string, inner: ObjectStore): ObjectStore => ({
      create: (n, d) => { this.count(key); return inner.create(n, d); },
      put: (n, d) => { this.count(key); return inner.put(n, d); },
      delete: (n) => { this.count(key); return inner.delete(n); },
      get: (n) => inner.get(n),
      list: (p) => inner.list(p),
    });
    const table = (key: string, inner: EntityTable): EntityTable => ({
      transact: (ops) => { this.count(key); return inner.transact(ops); },
      get: (pk, rk) => inner.get(pk, rk),
      range: (pk, r) => inner.range(pk, r),
      scan: (p, rk) => inner.scan(p, rk),
    });
    return {
      blocks: objects('blocks', storage.blocks), partials: objects('partials', storage.partials), state: objects('state', storage.state),
      output: objects('output', storage.output), deadLetters: objects('deadLetters', storage.deadLetters),
      wal: table('wal', storage.wal), outputTable: table('outputTable', storage.outputTable),
    };
  }
}
