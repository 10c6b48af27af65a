import { PreconditionFailedError } from '../../ports/errors.js';
import { MAX_TRANSACTION_OPERATIONS, type Entity, type EntityTable, type RowRange, type StoredEntity, type TableOperation } from '../../ports/entity-table.js';

/** The in-memory twin of a Table, with etags and atomic transactions; passes the same contract tests. */
export class MemoryEntityTable implements EntityTable {
  private readonly partitions = new Map<string, Map<string, StoredEntity>>();
  private version = 0;

  async get<E extends Entity>(partitionKey: string, rowKey: string): Promise<StoredEntity<E> | undefined> {
    return this.partitions.get(partitionKey)?.get(rowKey) as StoredEntity<E> | undefined;
  }

  async range<E extends Entity>(partitionKey: string, rows: RowRange = {}): Promise<StoredEntity<E>[]> {
    const partition = this.partitions.get(partitionKey);
    if (!partition) return [];
    const keys = [...partition.keys()]
      .filter((k) => (rows.from === undefined || k >= rows.from) && (rows.to === undefined || k < rows.to))
      .sort();
    return keys.slice(0, rows.limit ?? keys.length).map((k) => partition.get(k) as StoredEntity<E>);
  }

  async scan<E extends Entity>(partitionKeyPrefix: string, rowKey: string): Promise<StoredEntity<E>[]> {
    return [...this.partitions.keys()]
      .filter((pk) => pk.startsWith(partitionKeyPrefix))
      .sort()
      .flatMap((pk) => {
        const row = this.partitions.get(pk)!.get(rowKey);
        return row ? [row as StoredEntity<E>] : [];
      });
  }

  async transact(operations: readonly TableOperation[]): Promise<string[]> {
    validateTransaction(operations);
    const partitionKey = keyOf(operations[0]!).partitionKey;
    const current = this.partitions.get(partitionKey) ?? new Map<string, StoredEntity>();
    const next = new Map(current);
    const etags = operations.map((op) => {
      const { rowKey } = keyOf(op);
      const existing = next.get(rowKey);
      if (op.kind === 'delete') {
        next.delete(rowKey);
        return '';
      }
      if (op.kind === 'insert' && existing) throw new PreconditionFailedError(`row ${partitionKey}/${rowKey} already exists`);
      if (op.kind === 'replace' && existing?.etag !== op.ifMatch) {
        throw new PreconditionFailedError(`row ${partitionKey}/${rowKey} changed since etag ${op.ifMatch}`);
      }
      const etag = `W/"${++this.version}"`;
      next.set(rowKey, { entity: { ...op.entity }, etag });
      return etag;
    });
    this.partitions.set(partitionKey, next);
    return etags;
  }
}

function keyOf(op: TableOperation): { partitionKey: string; rowKey: string } {
  return op.kind === 'delete' ? op : op.entity;
}

/** The rules Azure enforces on an entity-group transaction, checked the same way by both adapters. */
export function validateTransaction(operations: readonly TableOperation[]): void {
  if (operations.length === 0) throw new RangeError('a table transaction needs at least one operation');
  if (operations.length > MAX_TRANSACTION_OPERATIONS) {
    throw new RangeError(`a table transaction holds at most ${MAX_TRANSACTION_OPERATIONS} operations, got ${operations.length}`);
  }
  const keys = operations.map(keyOf);
  if (keys.some((k) => k.partitionKey !== keys[0]!.partitionKey)) {
    throw new RangeError('all operations of a table transaction must share one PartitionKey');
  }
  const rows = new Set(keys.map((k) => k.rowKey));
  if (rows.size !== keys.length) throw new RangeError('a table transaction may touch each row only once');
}
