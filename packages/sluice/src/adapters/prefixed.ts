import type { Entity, EntityTable, StoredEntity, TableOperation } from '../ports/entity-table.js';
import type { ObjectStore } from '../ports/object-store.js';

/** An ObjectStore seen through a name prefix: a replay writes its outputs beside the live ones. */
export function prefixedObjectStore(inner: ObjectStore, prefix: string): ObjectStore {
  return {
    create: (n, d) => inner.create(prefix + n, d),
    put: (n, d) => inner.put(prefix + n, d),
    get: (n) => inner.get(prefix + n),
    delete: (n) => inner.delete(prefix + n),
    list: async (p) => (await inner.list(prefix + p)).map((n) => n.slice(prefix.length)),
  };
}

/** An EntityTable whose partition keys carry a prefix, for the same reason. */
export function prefixedEntityTable(inner: EntityTable, prefix: string): EntityTable {
  const strip = <E extends Entity>(rows: StoredEntity<E>[]): StoredEntity<E>[] =>
    rows.map((r) => ({ etag: r.etag, entity: { ...r.entity, partitionKey: r.entity.partitionKey.slice(prefix.length) } }));
  const op = (o: TableOperation): TableOperation =>
    o.kind === 'delete' ? { ...o, partitionKey: prefix + o.partitionKey } : { ...o, entity: { ...o.entity, partitionKey: prefix + o.entity.partitionKey } };
  return {
    async get<E extends Entity>(pk: string, rk: string) {
      const row = await inner.get<E>(prefix + pk, rk);
      return row && strip([row])[0];
    },
    range: async <E extends Entity>(pk: string, rows?: Parameters<EntityTable['range']>[1]) => strip(await inner.range<E>(prefix + pk, rows)),
    scan: async <E extends Entity>(p: string, rk: string) => strip(await inner.scan<E>(prefix + p, rk)),
    transact: (ops) => inner.transact(ops.map(op)),
  };
}
