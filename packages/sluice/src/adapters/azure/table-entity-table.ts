import { odata, type TableClient, type TableEntity, type TransactionAction } from '@azure/data-tables';
import { createOnce } from './create-once.js';
import { PreconditionFailedError } from '../../ports/errors.js';
import type { Entity, EntityTable, EntityValue, RowRange, StoredEntity, TableOperation } from '../../ports/entity-table.js';
import { validateTransaction } from '../memory/memory-entity-table.js';
import { statusOf } from './blob-object-store.js';

/** EntityTable over one Azure Table. The table is created on first use. */
export class TableEntityTable implements EntityTable {
  constructor(private readonly table: TableClient) {}

  private readonly ensure = createOnce(() => this.table.createTable());

  async get<E extends Entity>(partitionKey: string, rowKey: string): Promise<StoredEntity<E> | undefined> {
    await this.ensure();
    try {
      return fromWire<E>(await this.table.getEntity(partitionKey, rowKey));
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  async range<E extends Entity>(partitionKey: string, rows: RowRange = {}): Promise<StoredEntity<E>[]> {
    let filter = odata`PartitionKey eq ${partitionKey}`;
    if (rows.from !== undefined) filter += ` and ${odata`RowKey ge ${rows.from}`}`;
    if (rows.to !== undefined) filter += ` and ${odata`RowKey lt ${rows.to}`}`;
    return this.query<E>(filter, rows.limit);
  }

  async scan<E extends Entity>(partitionKeyPrefix: string, rowKey: string): Promise<StoredEntity<E>[]> {
    // The empty prefix matches every partition (it has no last character to bump).
    if (partitionKeyPrefix === '') return this.query<E>(odata`RowKey eq ${rowKey}`);
    const upper = partitionKeyPrefix.slice(0, -1) + String.fromCharCode(partitionKeyPrefix.charCodeAt(partitionKeyPrefix.length - 1) + 1);
    return this.query<E>(odata`PartitionKey ge ${partitionKeyPrefix} and PartitionKey lt ${upper} and RowKey eq ${rowKey}`);
  }

  private async query<E extends Entity>(filter: string, limit = Infinity): Promise<StoredEntity<E>[]> {
    await this.ensure();
    const out: StoredEntity<E>[] = [];
    const pages = this.table.listEntities({ queryOptions: { filter } }).byPage({ maxPageSize: Math.min(1000, limit) });
    for await (const page of pages) {
      for (const row of page) {
        if (out.length >= limit) return out;
        out.push(fromWire<E>(row));
      }
    }
    return out;
  }

  async transact(operations: readonly TableOperation[]): Promise<string[]> {
    validateTransaction(operations);
    await this.ensure();
    const actions: TransactionAction[] = operations.map((op) => {
      switch (op.kind) {
        case 'insert': return ['create', toWire(op.entity)];
        case 'upsert': return ['upsert', toWire(op.entity), 'Replace'];
        case 'replace': return ['update', toWire(op.entity), 'Replace', { etag: op.ifMatch }];
        case 'delete': return ['delete', { partitionKey: op.partitionKey, rowKey: op.rowKey }];
      }
    });
    try {
      const response = await this.table.submitTransaction(actions);
      return response.subResponses.map((r) => r.etag ?? '');
    } catch (err) {
      const status = statusOf(err);
      if (status === 409 || status === 412) throw new PreconditionFailedError(`table transaction lost a condition (${status}): ${(err as Error).message.slice(0, 200)}`);
      throw err;
    }
  }
}

/** Numbers go as Edm.Double: JSON integers would be Int32 on the wire and overflow past 2^31. */
function toWire(entity: Entity): TableEntity {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entity)) out[k] = typeof v === 'number' && k !== 'partitionKey' && k !== 'rowKey' ? { value: v, type: 'Double' } : v;
  return out as TableEntity;
}

function fromWire<E extends Entity>(row: Record<string, unknown>): StoredEntity<E> {
  const entity: Record<string, EntityValue> = {};
  for (const [k, v] of Object.entries(row)) {
    if (k === 'etag' || k === 'timestamp' || k.startsWith('odata')) continue;
    entity[k] = typeof v === 'object' && v !== null && 'value' in v ? Number((v as { value: unknown }).value) : (v as EntityValue);
  }
  return { entity: entity as unknown as E, etag: String(row['etag']) };
}
