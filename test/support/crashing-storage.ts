import type { EntityTable, TableOperation } from '#sluice/ports/entity-table.js';
import type { ObjectStore } from '#sluice/ports/object-store.js';
import type { StreamStorage } from '#sluice/ports/stream-storage.js';

/** Thrown when the simulated process dies; everything it would do afterwards fails the same way. */
export class CrashError extends Error {
  constructor(readonly point: string) {
    super(`simulated crash after ${point}`);
    this.name = 'CrashError';
  }
}

export interface CrashPoint {
  readonly name: string;
  readonly store: keyof StreamStorage;
  readonly op: 'create' | 'put' | 'transact';
  /** Which matching writes count (all when omitted). */
  readonly match?: (args: { name?: string; operations?: readonly TableOperation[] }) => boolean;
  /** Crash right after the nth matching write succeeds (1-based). */
  readonly nth: number;
}

/**
 * Wraps real stores so that the process "dies" right after a chosen write has reached storage:
 * the write is durable, but the caller never learns it, and every later call of this process
 * fails. A test then builds a new process over the unwrapped stores, as a restart would.
 */
export class CrashSwitch {
  private seen = 0;
  crashedAt: string | undefined;

  constructor(private readonly point: CrashPoint | undefined) {}

  get fired(): boolean {
    return this.crashedAt !== undefined;
  }

  guard(): void {
    if (this.crashedAt) throw new CrashError(this.crashedAt);
  }

  after(store: keyof StreamStorage, op: CrashPoint['op'], args: { name?: string; operations?: readonly TableOperation[] }): void {
    const p = this.point;
    if (!p || this.crashedAt || p.store !== store || p.op !== op || (p.match && !p.match(args))) return;
    if (++this.seen === p.nth) {
      this.crashedAt = `${p.name} #${p.nth}`;
      throw new CrashError(this.crashedAt);
    }
  }

  wrap(storage: StreamStorage): StreamStorage {
    const objects = (key: keyof StreamStorage, inner: ObjectStore): ObjectStore => ({
      create: async (name, data) => { this.guard(); const r = await inner.create(name, data); this.after(key, 'create', { name }); return r; },
      put: async (name, data) => { this.guard(); await inner.put(name, data); this.after(key, 'put', { name }); },
      get: async (name) => { this.guard(); return inner.get(name); },
      delete: async (name) => { this.guard(); await inner.delete(name); },
      list: async (prefix) => { this.guard(); return inner.list(prefix); },
    });
    const table = (key: keyof StreamStorage, inner: EntityTable): EntityTable => ({
      get: async (pk, rk) => { this.guard(); return inner.get(pk, rk); },
      range: async (pk, rows) => { this.guard(); return inner.range(pk, rows); },
      scan: async (prefix, rk) => { this.guard(); return inner.scan(prefix, rk); },
      transact: async (operations) => { this.guard(); const r = await inner.transact(operations); this.after(key, 'transact', { operations }); return r; },
    });
    return {
      blocks: objects('blocks', storage.blocks),
      partials: objects('partials', storage.partials),
      state: objects('state', storage.state),
      output: objects('output', storage.output),
      deadLetters: objects('deadLetters', storage.deadLetters),
      wal: table('wal', storage.wal),
      outputTable: table('outputTable', storage.outputTable),
    };
  }
}
