import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachBackend, str, text } from '../support/backends.js';

forEachBackend('ObjectStore contract', (backend) => {
  test('create is conditional: a second create keeps the original', async () => {
    const store = backend().storage().blocks;
    assert.equal(await store.create('a/b/1', text('first')), 'created');
    assert.equal(await store.create('a/b/1', text('second')), 'exists');
    assert.equal(str(await store.get('a/b/1')), 'first');
  });

  test('put replaces, get of a missing object is undefined, delete is idempotent', async () => {
    const store = backend().storage().output;
    await store.put('x', text('1'));
    await store.put('x', text('2'));
    assert.equal(str(await store.get('x')), '2');
    assert.equal(await store.get('missing'), undefined);
    await store.delete('x');
    await store.delete('x');
    assert.equal(await store.get('x'), undefined);
  });

  test('list returns names under a prefix in order', async () => {
    const store = backend().storage().state;
    for (const n of ['p/2', 'p/1', 'q/1', 'p/10']) await store.put(n, text(n));
    assert.deepEqual(await store.list('p/'), ['p/1', 'p/10', 'p/2']);
    assert.deepEqual(await store.list('none/'), []);
  });

  test('binary content round-trips byte for byte', async () => {
    const store = backend().storage().blocks;
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256);
    await store.put('bin', bytes);
    assert.deepEqual(await store.get('bin'), bytes);
  });
});
