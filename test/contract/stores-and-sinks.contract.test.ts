import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cutBlocks } from '#sluice/receiver/block-generator.js';
import { BlockStore } from '#sluice/receiver/block-store.js';
import { BlobSink } from '#sluice/sinks/blob-sink.js';
import { TableSink } from '#sluice/sinks/table-sink.js';
import { StateStore } from '#sluice/state/state-store.js';
import { forEachBackend, str } from '../support/backends.js';

const ref = { source: 'events', partition: '0' };

forEachBackend('BlockStore, StateStore and sinks contract', (backend) => {
  test('a block is created once under its deterministic name and reads back', async () => {
    const storage = backend().storage();
    const blocks = new BlockStore(storage.blocks, 'clicks');
    const [block] = cutBlocks([{ body: 'a', sequenceNumber: 5, offset: '5', enqueuedTime: 1 }, { body: 'b', sequenceNumber: 6, offset: '6', enqueuedTime: 2 }], 1000, 1 << 20);
    assert.equal(await blocks.write(ref, block!), 'created');
    assert.equal(await blocks.write(ref, block!), 'exists');
    assert.equal(blocks.name(ref, 5, 6), 'clicks/events/0/0000000000000005-0000000000000006.ndjson');
    // Bodies come back as the exact bytes (format 2), whatever form they were handed over in.
    assert.deepEqual((await blocks.read(ref, 5, 6)).map((e) => e.body), [new Uint8Array(Buffer.from('a')), new Uint8Array(Buffer.from('b'))]);
    await assert.rejects(blocks.read(ref, 7, 8), /block clicks\/events\/0\/.*is missing/);
  });

  test('state snapshots are per (node, time); deleteBefore keeps newer ones', async () => {
    const state = new StateStore(backend().storage().state, 'clicks');
    await state.put('window3', 1000, { a: 1 });
    await state.put('window3', 2000, [['k', 2]]);
    await state.put('state5', 2000, 'x');
    assert.deepEqual(await state.get('window3', 1000), { a: 1 });
    assert.equal(await state.get('window3', 3000), undefined);
    assert.equal(await state.deleteBefore(2000), 1);
    assert.equal(await state.get('window3', 1000), undefined);
    assert.deepEqual(await state.get('window3', 2000), [['k', 2]]);
  });

  test('the Blob sink writes <prefix>-<time>.ndjson and a replay replaces it', async () => {
    const storage = backend().storage();
    const sink = new BlobSink<[string, number] | { n: number }>('counts');
    const ctx = { stream: 'clicks', time: 20_000, storage };
    assert.equal(await sink.write([['a', 1], { n: 2 }], ctx), 'counts-20000.ndjson');
    await sink.write([['a', 1], { n: 2 }], ctx);
    assert.equal(str(await storage.output.get('counts-20000.ndjson')), '{"key":"a","value":1}\n{"n":2}\n');
    await sink.write([], { ...ctx, time: 30_000 });
    assert.equal(str(await storage.output.get('counts-30000.ndjson')), '', 'an empty batch still gets its blob');
  });

  test('the Table sink upserts one entity per key with the batch time', async () => {
    const storage = backend().storage();
    const sink = new TableSink<string | number[], number | { x: number }>();
    const records = Array.from({ length: 120 }, (_, i) => [`k/${i}`, i] as [string, number]);
    await sink.write(records, { stream: 'clicks', time: 1000, storage });
    await sink.write([['k/0', 99], [[1, 2], { x: 1 }]], { stream: 'clicks', time: 2000, storage });
    const rows = await storage.outputTable.range('clicks');
    assert.equal(rows.length, 121);
    const first = rows.find((r) => r.entity['key'] === 'k/0')!.entity;
    assert.equal(first['value'], 99);
    assert.equal(first['batchTime'], 2000);
    assert.equal(first.rowKey, 'k%2F0');
    assert.equal(rows.find((r) => r.entity['key'] === '[1,2]')!.entity['value'], '{"x":1}');
  });
});
