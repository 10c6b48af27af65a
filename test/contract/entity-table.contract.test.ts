import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PreconditionFailedError } from '#sluice/ports/errors.js';
import { forEachBackend } from '../support/backends.js';

forEachBackend('EntityTable contract', (backend) => {
  test('numbers beyond 32 bits, strings and booleans round-trip', async () => {
    const table = backend().storage().wal;
    await table.transact([{ kind: 'upsert', entity: { partitionKey: 'p', rowKey: 'r', big: 2 ** 52 + 1, small: 3, frac: 0.5, s: 'x', b: true } }]);
    const row = await table.get('p', 'r');
    assert.deepEqual({ ...row!.entity }, { partitionKey: 'p', rowKey: 'r', big: 2 ** 52 + 1, small: 3, frac: 0.5, s: 'x', b: true });
    assert.equal(await table.get('p', 'none'), undefined);
  });

  test('insert of an existing row fails and changes nothing', async () => {
    const table = backend().storage().wal;
    await table.transact([{ kind: 'insert', entity: { partitionKey: 'p', rowKey: 'a', v: 1 } }]);
    await assert.rejects(
      table.transact([{ kind: 'insert', entity: { partitionKey: 'p', rowKey: 'b', v: 2 } }, { kind: 'insert', entity: { partitionKey: 'p', rowKey: 'a', v: 3 } }]),
      PreconditionFailedError,
    );
    assert.equal((await table.get('p', 'a'))!.entity['v'], 1);
    assert.equal(await table.get('p', 'b'), undefined, 'the transaction is atomic');
  });

  test('replace with a stale etag fails; with the current etag it wins', async () => {
    const table = backend().storage().wal;
    const [first] = await table.transact([{ kind: 'insert', entity: { partitionKey: 'p', rowKey: 'c', v: 1 } }]);
    const [second] = await table.transact([{ kind: 'replace', entity: { partitionKey: 'p', rowKey: 'c', v: 2 }, ifMatch: first! }]);
    await assert.rejects(table.transact([{ kind: 'replace', entity: { partitionKey: 'p', rowKey: 'c', v: 9 }, ifMatch: first! }]), PreconditionFailedError);
    assert.equal((await table.get('p', 'c'))!.etag, second);
    assert.equal((await table.get('p', 'c'))!.entity['v'], 2);
  });

  test('range reads rows in RowKey order within bounds and limit; scan reads one row per partition', async () => {
    const table = backend().storage().wal;
    await table.transact(['a', 'b', 'c', 'd'].map((rk) => ({ kind: 'upsert' as const, entity: { partitionKey: 'r~1', rowKey: rk } })));
    await table.transact([{ kind: 'upsert', entity: { partitionKey: 'r~2', rowKey: 'a' } }]);
    await table.transact([{ kind: 'upsert', entity: { partitionKey: 's~1', rowKey: 'a' } }]);
    assert.deepEqual((await table.range('r~1', { from: 'b', to: 'd' })).map((r) => r.entity.rowKey), ['b', 'c']);
    assert.deepEqual((await table.range('r~1', { limit: 3 })).map((r) => r.entity.rowKey), ['a', 'b', 'c']);
    assert.deepEqual((await table.scan('r~', 'a')).map((r) => r.entity.partitionKey), ['r~1', 'r~2']);
    const everywhere = (await table.scan('', 'a')).map((r) => r.entity.partitionKey);
    assert.deepEqual(everywhere.filter((pk) => /^[rs]~/.test(pk)), ['r~1', 'r~2', 's~1'], 'the empty prefix scans every partition');
  });

  test('transactions enforce Azure limits: 100 operations, one partition', async () => {
    const table = backend().storage().wal;
    const ops = Array.from({ length: 101 }, (_, i) => ({ kind: 'upsert' as const, entity: { partitionKey: 'p', rowKey: `k${i}` } }));
    await assert.rejects(table.transact(ops), /at most 100/);
    await assert.rejects(table.transact([ops[0]!, { kind: 'upsert', entity: { partitionKey: 'q', rowKey: 'x' } }]), /one PartitionKey/);
    await table.transact(ops.slice(0, 100));
    assert.equal((await table.range('p')).length, 100);
  });

  test('delete in a transaction removes the row', async () => {
    const table = backend().storage().wal;
    await table.transact([{ kind: 'upsert', entity: { partitionKey: 'p', rowKey: 'z' } }]);
    await table.transact([{ kind: 'delete', partitionKey: 'p', rowKey: 'z' }]);
    assert.equal(await table.get('p', 'z'), undefined);
  });
});
