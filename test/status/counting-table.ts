import type { Entity, EntityTable, RowRange, StoredEntity, TableOperation } from '#sluice/ports/entity-table.js';

/** Wraps a table and counts the rows each read returns: how "bounded" is asserted, never by timing. */
export class CountingTable implements EntityTable {
  rowsRead = 0;
  reads = 0;

  constructor(private readonly inner: EntityTable) {}

  reset(): void {
    this.rowsRead = 0;
    this.reads = 0;
  }

  async get<E extends Entity = Entity>(partitionKey: string, rowKey: string): Promise<StoredEntity<E> | undefined> {
    this.reads++;
    const row = await this.inner.get<E>(partitionKey, rowKey);
    if (row) this.rowsRead++;
    return row;
  }

  async range<E extends Entity = Entity>(partitionKey: string, rows?: RowRange): Promise<StoredEntity<E>[]> {
    this.reads++;
    const out = await this.inner.range<E>(partitionKey, rows);
    this.rowsRead += out.length;
    return out;
  }

  async scan<E extends Entity = Entity>(partitionKeyPrefix: string, rowKey: string): Promise<StoredEntity<E>[]> {
    this.reads++;
    const out = await this.inner.scan<E>(partitionKeyPrefix, rowKey);
    this.rowsRead += out.length;
    return out;
  }

  transact(operations: readonly TableOperation[]): Promise<string[]> {
    return this.inner.transact(operations);
  }
}
