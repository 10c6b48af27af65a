import type { EntityTable } from './entity-table.js';
import type { ObjectStore } from './object-store.js';

/** Every store one stream uses; built from Azure (Blob + Table) or from the in-memory twins. */
export interface StreamStorage {
  readonly blocks: ObjectStore;
  readonly partials: ObjectStore;
  readonly state: ObjectStore;
  readonly output: ObjectStore;
  readonly deadLetters: ObjectStore;
  /** The write-ahead log and the receiver checkpoints share this table (and its transactions). */
  readonly wal: EntityTable;
  readonly outputTable: EntityTable;
}
