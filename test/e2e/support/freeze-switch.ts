import type { Entity, EntityTable, RowRange, TableOperation } from '#sluice/ports/entity-table.js';
import type { ObjectStore } from '#sluice/ports/object-store.js';
import type { StreamStorage } from '#sluice/ports/stream-storage.js';

/** Where an app process stops dead, each right after a write that has reached storage. */
export const FREEZE_POINTS = ['blocks-stored', 'task-partial', 'sink-written', 'batch-completed'] as const;
export type FreezePoint = (typeof FREEZE_POINTS)[number];

export function isFreezePoint(value: string): value is FreezePoint {
  return (FREEZE_POINTS as readonly string[]).includes(value);
}

const never = <T>(): Promise<T> => new Promise<T>(() => {});

/**
 * Wraps the app's stores so that, right after the chosen write is durable, the process reports
 * it and then never finishes that call or any later storage call: from storage's point of view
 * it is dead, and the test kills it with SIGKILL at exactly that point. The Durable runtime's own
 * tables are not wrapped, so its history shows the frozen activity as still running.
 */
export class FreezeSwitch {
  private seen = 0;
  private frozen = false;

  /** `nth`: freeze at the nth matching write (1-based). `report` is told once, when it freezes. */
  constructor(private readonly point: FreezePoint, private readonly nth: number, private readonly report: (detail: string) => void) {}

  wrap(storage: StreamStorage): StreamStorage {
    return {
      blocks: this.objects('blocks', storage.blocks),
      partials: this.objects('partials', storage.partials),
      state: this.objects('state', storage.state),
      output: this.objects('output', storage.output),
      deadLetters: this.objects('deadLetters', storage.deadLetters),
      wal: this.table('wal', storage.wal),
      outputTable: this.table('outputTable', storage.outputTable),
    };
  }

  private matches(store: keyof StreamStorage, name: string | undefined, data: Uint8Array | undefined, ops: readonly TableOperation[] | undefined): boolean {
    switch (this.point) {
      // A receiver's transaction: BlockAdded rows with the checkpoint, before the trigger may checkpoint.
      case 'blocks-stored': return store === 'wal' && (ops ?? []).some((o) => o.kind !== 'delete' && o.entity.rowKey.startsWith('blk~'));
      // One task's partial is written while the batch's other tasks may still run.
      case 'task-partial': return store === 'partials' && /\/task-\d+\.json$/.test(name ?? '');
      // The Blob sink wrote a non-empty batch output; BatchCompleted is not yet recorded.
      case 'sink-written': return store === 'output' && /(^|\/)page-counts-\d+\.ndjson$/.test(name ?? '') && (data?.length ?? 0) > 0;
      // BatchCompleted is recorded, but the commit activity never returns to the driver.
      case 'batch-completed': return store === 'wal' && (ops ?? []).some((o) => o.kind !== 'delete' && o.entity['status'] === 'completed' && Number(o.entity['records']) > 0);
    }
  }

  private async after<T>(result: T, store: keyof StreamStorage, name?: string, data?: Uint8Array, ops?: readonly TableOperation[]): Promise<T> {
    if (this.frozen) return never();
    if (!this.matches(store, name, data, ops) || ++this.seen < this.nth) return result;
    this.frozen = true;
    this.report(`${this.point} #${this.nth}${name ? ` ${name}` : ''}`);
    return never();
  }

  private gate<T>(call: () => Promise<T>): Promise<T> {
    return this.frozen ? never() : call();
  }

  private objects(store: keyof StreamStorage, inner: ObjectStore): ObjectStore {
    return {
      create: (name, data) => this.gate(async () => this.after(await inner.create(name, data), store, name, data)),
      put: (name, data) => this.gate(async () => this.after(await inner.put(name, data), store, name, data)),
      get: (name) => this.gate(() => inner.get(name)),
      delete: (name) => this.gate(() => inner.delete(name)),
      list: (prefix) => this.gate(() => inner.list(prefix)),
    };
  }

  private table(store: keyof StreamStorage, inner: EntityTable): EntityTable {
    return {
      get: <E extends Entity>(pk: string, rk: string) => this.gate(() => inner.get<E>(pk, rk)),
      range: <E extends Entity>(pk: string, rows?: RowRange) => this.gate(() => inner.range<E>(pk, rows)),
      scan: <E extends Entity>(prefix: string, rk: string) => this.gate(() => inner.scan<E>(prefix, rk)),
      transact: (ops) => this.gate(async () => this.after(await inner.transact(ops), store, undefined, undefined, ops)),
    };
  }
}
