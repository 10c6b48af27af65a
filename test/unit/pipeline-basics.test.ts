import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runBatches } from 'sluice/testing';

const sorted = <T>(batches: T[][]): T[][] => batches.map((b) => [...b].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))));

test('map, filter and flatMap keep record order within a batch', async () => {
  const out = await runBatches({
    inputs: [[[1, 2, 3, 4], [5, 6], []]],
    batchIntervalMs: 1000,
    build: (s) => s.map((x) => x * 10).filter((x) => x !== 20).flatMap((x) => [x, x + 1]),
  });
  assert.deepEqual(out, [[10, 11, 30, 31, 40, 41], [50, 51, 60, 61], []]);
});

test('reduceByKey merges map-side combiners from every task', async () => {
  const words = [['a', 'b', 'a', 'c', 'a', 'b'], ['c'], []];
  const out = await runBatches({
    inputs: [words],
    batchIntervalMs: '1s',
    maxTasksPerBatch: 3,
    build: (s) => s.map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b),
  });
  assert.deepEqual(sorted(out), [[['a', 3], ['b', 2], ['c', 1]], [['c', 1]], []]);
});

test('count emits [0] for an empty batch, reduce emits nothing', async () => {
  const counts = await runBatches({ inputs: [[[1, 2, 3], []]], batchIntervalMs: 1000, build: (s) => s.count() });
  assert.deepEqual(counts, [[3], [0]]);
  const sums = await runBatches({ inputs: [[[1, 2, 3], []]], batchIntervalMs: 1000, build: (s) => s.reduce((a, b) => a + b) });
  assert.deepEqual(sums, [[6], []]);
});

test('numBatches pads inputs with empty batches', async () => {
  const out = await runBatches({ inputs: [[[1]]], numBatches: 3, batchIntervalMs: 1000, build: (s) => s.count() });
  assert.deepEqual(out, [[1], [0], [0]]);
});
