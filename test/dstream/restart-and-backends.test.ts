import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runBatches } from 'sluice/testing';
import { type DStream, type StreamStorage } from 'sluice';
import { forEachBackend } from '../support/backends.js';
import { assertBatchSets, ones } from './support.js';

// Window contents, window partials and keyed state live in the StateStore, keyed by batch time:
// a restarted process, or a batch replayed after a crash in its commit, gives the same outputs.
type Pair = [string, number];

const words = Array.from({ length: 12 }, (_, i) => Array.from({ length: (i * 7) % 5 }, (_, j) => ['a', 'b', 'c', 'd'][(i + j) % 4]!));
const pairs: Pair[][] = ones(words);

type Run = (storage: StreamStorage, options?: { restartAfter?: number[]; crashInCommit?: number[] }) => Promise<unknown[][]>;

/** A pipeline over the pair stream above, run for all its batches with the given storage and faults. */
const pipeline = <O>(build: (s: DStream<Pair>) => DStream<O>): Run => (storage, options = {}) => runBatches({ inputs: [pairs], batchIntervalMs: 1000, storage, build, ...options });

const pipelines: Record<string, Run> = {
  window: pipeline((s) => s.window(4000, 2000)),
  'reduceByKeyAndWindow with inverse': pipeline((s) => s.reduceByKeyAndWindow((a, b) => a + b, 5000, 1000, { inverse: (a, b) => a - b })),
  'reduceByKeyAndWindow without inverse': pipeline((s) => s.reduceByKeyAndWindow((a, b) => a + b, 4000, 2000)),
  groupByKeyAndWindow: pipeline((s) => s.groupByKeyAndWindow(3000)),
  countByWindow: pipeline((s) => s.countByWindow(3000, 1000)),
  updateStateByKey: pipeline((s) => s.updateStateByKey<string, number, number>((vs, st) => (st ?? 0) + vs.length, { initialState: [['z', 1]] })),
  mapWithState: pipeline((s) => s.mapWithState<string, number, number, [string, number]>({
    timeout: 3000,
    fn: (key, value, state) => {
      if (state.isTimingOut()) return [key, -state.get()];
      state.update((state.getOption() ?? 0) + (value ?? 0));
      return [key, state.get()];
    },
  })),
  'mapWithState snapshots': pipeline((s) => s.mapWithState<string, number, number, never>({ fn: (_k, v, st) => void st.update((st.getOption() ?? 0) + (v ?? 0)) }).stateSnapshots()),
};

forEachBackend('restarts and replays', (backend) => {
  for (const [name, run] of Object.entries(pipelines)) {
    test(`${name}: a restart mid-window / mid-state gives the outputs of an uninterrupted run`, async () => {
      const expected = await run(backend().storage());
      const restarted = await run(backend().storage(), { restartAfter: [3, 7] });
      assert.ok(expected.some((b) => b.length > 0));
      assertBatchSets(restarted, expected);
    });
  }

  for (const name of ['reduceByKeyAndWindow with inverse', 'updateStateByKey', 'mapWithState'] as const) {
    test(`${name}: a batch replayed after a crash in its commit gives the same outputs`, async () => {
      const run = pipelines[name]!;
      const expected = await run(backend().storage());
      const replayed = await run(backend().storage(), { crashInCommit: [4, 8] });
      assertBatchSets(replayed, expected);
    });
  }
});

forEachBackend('Spark suites on each backend', (backend) => {
  test('reduceByKeyAndWindow with inverse - larger slide time', async () => {
    const input: Pair[][] = [[['a', 1]], [['a', 2]], [['a', 3]], [['a', 4]], [['a', 5]], [['a', 6]], [], []];
    const out = await runBatches({ inputs: [input], batchIntervalMs: 1000, storage: backend().storage(), build: (s) => s.reduceByKeyAndWindow((a, b) => a + b, 4000, 2000, { inverse: (a, b) => a - b }) });
    assertBatchSets(out, [[['a', 3]], [['a', 10]], [['a', 18]], [['a', 11]]]);
  });

  test('updateStateByKey', async () => {
    const out = await runBatches({
      inputs: [ones([['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b'], ['a'], []])], batchIntervalMs: 1000, storage: backend().storage(),
      build: (s) => s.updateStateByKey<string, number, number>((vs, st) => vs.reduce((a, b) => a + b, 0) + (st ?? 0)),
    });
    assertBatchSets(out, [[['a', 1]], [['a', 2], ['b', 1]], [['a', 3], ['b', 2], ['c', 1]], [['a', 4], ['b', 3], ['c', 1]], [['a', 5], ['b', 3], ['c', 1]], [['a', 5], ['b', 3], ['c', 1]]]);
  });

  test('window - larger window, and a restart in the middle of it', async () => {
    const nums = [[0], [1], [2], [3], [4], [5]];
    const expected = [[0, 1], [0, 1, 2, 3], [2, 3, 4, 5], [4, 5]];
    assert.deepEqual(await runBatches({ inputs: [nums], numBatches: 8, batchIntervalMs: 1000, storage: backend().storage(), build: (s) => s.window(4000, 2000) }), expected);
    assert.deepEqual(await runBatches({ inputs: [nums], numBatches: 8, batchIntervalMs: 1000, storage: backend().storage(), restartAfter: [3], build: (s) => s.window(4000, 2000) }), expected);
  });

  test('fullOuterJoin', async () => {
    const out = await runBatches({
      inputs: [[['a', 'b'], ['a', ''], [''], []], [['a', 'b'], ['b', ''], [], ['']]], batchIntervalMs: 1000, storage: backend().storage(),
      build: (s1, s2) => s1.map((x) => [x, 1] as Pair).fullOuterJoin(s2.map((x) => [x, 'x'] as [string, string])),
    });
    assertBatchSets(out, [[['a', [1, 'x']], ['b', [1, 'x']]], [['', [1, 'x']], ['a', [1, null]], ['b', [null, 'x']]], [['', [1, null]]], [['', [null, 'x']]]]);
  });
});
