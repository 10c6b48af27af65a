/** A property value Sluice stores: numbers are doubles, so integers are exact up to 2^53. */
export type EntityValue = string | number | boolean;

export interface Entity {
  readonly partitionKey: string;
  readonly rowKey: string;
  readonly [property: string]: EntityValue;
}

export interface StoredEntity<E extends Entity = Entity> {
  readonly entity: E;
  readonly etag: string;
}

/**
 * One operation of an atomic batch. `insert` fails if the row exists; `replace` with ifMatch fails
 * when the row changed since that etag was read; `upsert` always wins.
 */
export type TableOperation =
  | { readonly kind: 'insert'; readonly entity: Entity }
  | { readonly kind: 'upsert'; readonly entity: Entity }
  | { readonly kind: 'replace'; readonly entity: Entity; readonly ifMatch: string }
  | { readonly kind: 'delete'; readonly partitionKey: string; readonly rowKey: string };

export interface RowRange {
  /** Inclusive lower RowKey bound. */
  readonly from?: string;
  /** Exclusive upper RowKey bound. */
  readonly to?: string;
  readonly limit?: number;
}

/**
 * The engine's view of one Table: point reads, ordered range reads within a partition, and
 * atomic entity-group transactions (at most 100 operations, one PartitionKey).
 */
export interface EntityTable {
  get<E extends Entity = Entity>(partitionKey: string, rowKey: string): Promise<StoredEntity<E> | undefined>;
  /** Rows of one partition in RowKey order. */
  range<E extends Entity = Entity>(partitionKey: string, rows?: RowRange): Promise<StoredEntity<E>[]>;
  /** Rows with a given RowKey in every partition whose key starts with the prefix. */
  scan<E extends Entity = Entity>(partitionKeyPrefix: string, rowKey: string): Promise<StoredEntity<E>[]>;
  /**
   * Applies all operations or none. Throws PreconditionFailedError when an insert meets an
   * existing row or an ifMatch etag is stale. Returns the new etags, in operation order
   * (empty string for deletes).
   */
  transact(operations: readonly TableOperation[]): Promise<string[]>;
}

export const MAX_TRANSACTION_OPERATIONS = 100;
