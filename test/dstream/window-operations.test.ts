import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runBatches } from 'sluice/testing';
import { memoryStreamStorage, type DStream } from 'sluice';
import { assertBatchSets, CountingObjectStore, ones } from './support.js';

// Spark's WindowOperationsSuite (batch interval 1 s), run through the engine.
type Pair = [string, number];

const largerSlideInput: Pair[][] = [[['a', 1]], [['a', 2]], [['a', 3]], [['a', 4]], [['a', 5]], [['a', 6]], [], []];
const largerSlideReduceOutput: Pair[][] = [[['a', 3]], [['a', 10]], [['a', 18]], [['a', 11]]];

const bigInput: Pair[][] = [
  [['a', 1]],
  [['a', 1], ['b', 1]],
  [['a', 1], ['b', 1], ['c', 1]],
  [['a', 1], ['b', 1]],
  [['a', 1]],
  [],
  [['a', 1]],
  [['a', 1], ['b', 1]],
  [['a', 1], ['b', 1], ['c', 1]],
  [['a', 1], ['b', 1]],
  [['a', 1]],
  [],
];

const bigGroupByOutput: [string, number[]][][] = [
  [['a', [1]]],
  [['a', [1, 1]], ['b', [1]]],
  [['a', [1, 1]], ['b', [1, 1]], ['c', [1]]],
  [['a', [1, 1]], ['b', [1, 1]], ['c', [1]]],
  [['a', [1, 1]], ['b', [1]]],
  [['a', [1]]],
  [['a', [1]]],
  [['a', [1, 1]], ['b', [1]]],
  [['a', [1, 1]], ['b', [1, 1]], ['c', [1]]],
  [['a', [1, 1]], ['b', [1, 1]], ['c', [1]]],
  [['a', [1, 1]], ['b', [1]]],
  [['a', [1]]],
];

const bigReduceOutput: Pair[][] = [
  [['a', 1]],
  [['a', 2], ['b', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 1]],
  [['a', 1]],
  [['a', 1]],
  [['a', 2], ['b', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 1]],
  [['a', 1]],
];

// With an inverse and no filter, keys whose value fell back to 0 stay in the window, as in Spark.
const bigReduceInvOutput: Pair[][] = [
  [['a', 1]],
  [['a', 2], ['b', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 1], ['c', 0]],
  [['a', 1], ['b', 0], ['c', 0]],
  [['a', 1], ['b', 0], ['c', 0]],
  [['a', 2], ['b', 1], ['c', 0]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 1], ['c', 0]],
  [['a', 1], ['b', 0], ['c', 0]],
];

/** Spark's numBatches: enough batches for every expected output of the slide. */
const batchesFor = (outputs: number, slideMs: number): number => (outputs * slideMs) / 1000;

describe('WindowOperationsSuite: window', () => {
  const nums = [[0], [1], [2], [3], [4], [5]];
  const cases: [string, number[][], number, number][] = [
    ['basic window', [[0], [0, 1], [1, 2], [2, 3], [3, 4], [4, 5]], 2000, 1000],
    ['tumbling window', [[0, 1], [2, 3], [4, 5]], 2000, 2000],
    ['larger window', [[0, 1], [0, 1, 2, 3], [2, 3, 4, 5], [4, 5]], 4000, 2000],
    ['non-overlapping window', [[1, 2], [4, 5]], 2000, 3000],
  ];
  for (const [name, expected, windowMs, slideMs] of cases) {
    test(`window - ${name}`, async () => {
      const out = await runBatches({ inputs: [nums], numBatches: batchesFor(expected.length, slideMs), batchIntervalMs: 1000, build: (s) => s.window(windowMs, slideMs) });
      assert.deepEqual(out, expected); // a window lists its batches oldest first, each in order
    });
  }

  test('slide defaults to the parent stream slide; durations may be text', async () => {
    const out = await runBatches({ inputs: [nums], batchIntervalMs: '1s', build: (s) => s.window('2s') });
    assert.deepEqual(out, [[0], [0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]);
  });

  test('streams derived from a window keep its slide (map, filter, count)', async () => {
    const mapped = await runBatches({ inputs: [nums], batchIntervalMs: 1000, build: (s) => s.window(4000, 2000).map((x) => x * 10).filter((x) => x !== 20) });
    assert.deepEqual(mapped, [[0, 10], [0, 10, 30], [30, 40, 50]]);
    const counted = await runBatches({ inputs: [nums], batchIntervalMs: 1000, build: (s) => s.window(4000, 2000).count() });
    assert.deepEqual(counted, [[2], [4], [4]]);
  });

  test('a window of a window', async () => {
    const out = await runBatches({ inputs: [nums], numBatches: 8, batchIntervalMs: 1000, build: (s) => s.window(2000, 1000).window(4000, 2000) });
    // The inner window emits every second; the outer one, every 2 s, joins the inner's last 4.
    assert.deepEqual(out, [[0, 0, 1], [0, 0, 1, 1, 2, 2, 3], [1, 2, 2, 3, 3, 4, 4, 5], [3, 4, 4, 5, 5]]);
  });
});

describe('WindowOperationsSuite: reduceByKeyAndWindow', () => {
  const cases: [string, Pair[][], Pair[][], Pair[][], number, number][] = [
    // name, input, expected without inverse, expected with inverse, window, slide
    ['basic reduction', [[['a', 1], ['a', 3]]], [[['a', 4]]], [[['a', 4]]], 2000, 1000],
    ['key already in window and new value added into window', [[['a', 1]], [['a', 1]]], [[['a', 1]], [['a', 2]]], [[['a', 1]], [['a', 2]]], 2000, 1000],
    ['new key added into window', [[['a', 1]], [['a', 1], ['b', 1]]], [[['a', 1]], [['a', 2], ['b', 1]]], [[['a', 1]], [['a', 2], ['b', 1]]], 2000, 1000],
    ['key removed from window', [[['a', 1]], [['a', 1]], [], []], [[['a', 1]], [['a', 2]], [['a', 1]], []], [[['a', 1]], [['a', 2]], [['a', 1]], [['a', 0]]], 2000, 1000],
    ['larger slide time', largerSlideInput, largerSlideReduceOutput, largerSlideReduceOutput, 4000, 2000],
    ['big test', bigInput, bigReduceOutput, bigReduceInvOutput, 2000, 1000],
  ];
  for (const [name, input, expected, expectedInv, windowMs, slideMs] of cases) {
    test(`reduceByKeyAndWindow - ${name}`, async () => {
      const out = await runBatches({ inputs: [input], numBatches: batchesFor(expected.length, slideMs), batchIntervalMs: 1000, build: (s) => s.reduceByKeyAndWindow((a, b) => a + b, windowMs, slideMs) });
      assertBatchSets(out, expected);
    });
    test(`reduceByKeyAndWindow with inverse function - ${name}`, async () => {
      const out = await runBatches({
        inputs: [input], numBatches: batchesFor(expectedInv.length, slideMs), batchIntervalMs: 1000,
        build: (s) => s.reduceByKeyAndWindow((a, b) => a + b, windowMs, slideMs, { inverse: (a, b) => a - b }),
      });
      assertBatchSets(out, expectedInv);
    });
  }

  test('reduceByKeyAndWindow with inverse and filter functions - big test', async () => {
    const out = await runBatches({
      inputs: [bigInput], batchIntervalMs: 1000,
      build: (s) => s.reduceByKeyAndWindow((a, b) => a + b, 2000, 1000, { inverse: (a, b) => a - b, filter: ([, v]) => v !== 0 }),
    });
    assertBatchSets(out, bigReduceOutput);
  });

  test('with an inverse, a longer window and slide match the naive reduction', async () => {
    const input: Pair[][] = Array.from({ length: 24 }, (_, i) => Array.from({ length: i % 5 }, (_, j) => [`k${(i * j) % 4}`, i + j] as Pair));
    const naive = await runBatches({ inputs: [input], batchIntervalMs: 1000, build: (s) => s.reduceByKeyAndWindow((a, b) => a + b, 6000, 3000) });
    const inverse = await runBatches({ inputs: [input], batchIntervalMs: 1000, build: (s) => s.reduceByKeyAndWindow((a, b) => a + b, 6000, 3000, { inverse: (a, b) => a - b, filter: ([, v]) => v !== 0 }) });
    assert.equal(naive.length, 8);
    assertBatchSets(inverse, naive);
  });
});

describe('WindowOperationsSuite: other window operations', () => {
  test('groupByKeyAndWindow', async () => {
    const out = await runBatches({ inputs: [bigInput], batchIntervalMs: 1000, build: (s) => s.groupByKeyAndWindow(2000, 1000) });
    assertBatchSets(out, bigGroupByOutput);
  });

  test('groupByKeyAndWindow lists values oldest first', async () => {
    const out = await runBatches({ inputs: [[[['a', 1], ['a', 2]], [['a', 3]], [['a', 4]]] as Pair[][]], batchIntervalMs: 1000, build: (s) => s.groupByKeyAndWindow(3000) });
    assert.deepEqual(out, [[['a', [1, 2]]], [['a', [1, 2, 3]]], [['a', [1, 2, 3, 4]]]]);
  });

  test('countByWindow', async () => {
    const out = await runBatches({ inputs: [[[1], [1], [1, 2], [0], [], []]], batchIntervalMs: 1000, build: (s) => s.countByWindow(2000, 1000) });
    assert.deepEqual(out, [[1], [2], [3], [3], [1], [0]]);
  });

  test('countByWindow emits [0] for an empty window, from the start', async () => {
    const out = await runBatches({ inputs: [[[], [], [7]]], numBatches: 5, batchIntervalMs: 1000, build: (s) => s.countByWindow(2000, 1000) });
    assert.deepEqual(out, [[0], [0], [1], [1], [0]]);
  });

  test('countByValueAndWindow', async () => {
    const out = await runBatches({ inputs: [[['a'], ['b', 'b'], ['a', 'b']]], batchIntervalMs: 1000, build: (s) => s.countByValueAndWindow(2000, 1000) });
    assertBatchSets(out, [[['a', 1]], [['a', 1], ['b', 2]], [['a', 1], ['b', 3]]]);
  });

  test('countByValueAndWindow drops values whose count fell to zero', async () => {
    const out = await runBatches({ inputs: [[['a'], ['b'], [], []]], batchIntervalMs: 1000, build: (s) => s.countByValueAndWindow(2000, 1000) });
    assertBatchSets(out, [[['a', 1]], [['a', 1], ['b', 1]], [['b', 1]], []]);
  });

  test('reduceByWindow, with and without an inverse', async () => {
    const input = [[1, 2], [3], [], [4, 5], [], []];
    const expected = [[3], [6], [3], [9], [9]]; // an empty window emits nothing without an inverse
    const naive = await runBatches({ inputs: [input], batchIntervalMs: 1000, build: (s) => s.reduceByWindow((a, b) => a + b, 2000, 1000) });
    assert.deepEqual(naive, [...expected, []]);
    const inverse = await runBatches({ inputs: [input], batchIntervalMs: 1000, build: (s) => s.reduceByWindow((a, b) => a + b, 2000, 1000, { inverse: (a, b) => a - b }) });
    assert.deepEqual(inverse, [...expected, [0]]); // with one, the value returns to zero, as in Spark
  });
});

describe('window durations are checked when the pipeline is built', () => {
  const build = <O>(fn: (s: DStream<number>) => DStream<O>) => runBatches({ inputs: [[[1]]], batchIntervalMs: 1000, build: fn });

  test('a window that is not a multiple of the batch interval', async () => {
    await assert.rejects(build((s) => s.window(1500)), /window duration \(1500 ms\) must be a multiple of the batch interval \(1000 ms\)/);
  });

  test('a slide that is not a multiple of the batch interval', async () => {
    await assert.rejects(build((s) => s.window(2000, 500)), /slide duration \(500 ms\) must be a multiple of the batch interval/);
  });

  test("a window that is not a multiple of the parent's slide", async () => {
    await assert.rejects(build((s) => s.window(4000, 2000).window(3000, 4000)), /window duration \(3000 ms\) must be a multiple of the parent stream's slide duration \(2000 ms\)/);
  });

  test('every windowed operation checks, before any batch runs', async () => {
    let batches = 0;
    const counting = (s: DStream<number>) => s.foreachBatch(() => void batches++);
    await assert.rejects(build((s) => (counting(s), s.map((x) => [String(x), x] as [string, number]).reduceByKeyAndWindow((a, b) => a + b, 2500, 1000, { inverse: (a, b) => a - b }))), RangeError);
    await assert.rejects(build((s) => s.map((x) => [String(x), x] as [string, number]).groupByKeyAndWindow(2000, 700)), RangeError);
    await assert.rejects(build((s) => s.countByWindow(0, 1000)), /not a positive duration/);
    await assert.rejects(build((s) => s.countByValueAndWindow('3 weeks')), /not a positive duration/);
    await assert.rejects(build((s) => s.reduceByWindow((a, b) => a + b, 2000, 1200)), RangeError);
    assert.equal(batches, 0);
  });
});

describe('reduceByKeyAndWindow with an inverse reads a constant number of snapshots per batch', () => {
  /** StateStore reads made by each batch's commit, from a run of 20 batches. */
  async function readsPerBatch(windowBatches: number, inverse: boolean): Promise<number[]> {
    const storage = memoryStreamStorage();
    const state = new CountingObjectStore(storage.state);
    const input = Array.from({ length: 20 }, (_, i) => Array.from({ length: 10 }, (_, j) => `k${(i + j) % 7}`));
    const marks: number[] = [];
    await runBatches({
      inputs: [ones(input)], batchIntervalMs: 1000, storage: { ...storage, state }, cleanUpEvery: 0,
      build: (s) => {
        const windowed = s.reduceByKeyAndWindow((a, b) => a + b, windowBatches * 1000, 1000, inverse ? { inverse: (a, b) => a - b } : {});
        // Outputs run after every node of the batch, so this marks the end of the batch's reads.
        return windowed.foreachBatch(() => void marks.push(state.reads));
      },
    });
    return marks.map((m, i) => m - (marks[i - 1] ?? 0));
  }

  test('the same reads per batch for a 2-batch and a 15-batch window', async () => {
    const short = await readsPerBatch(2, true);
    const long = await readsPerBatch(15, true);
    // Steady state: the previous window and the slice leaving it; the entering slice is in memory.
    assert.deepEqual(short.slice(2), Array(18).fill(2));
    assert.deepEqual(long.slice(15), Array(5).fill(2));
    assert.ok(Math.max(...long) <= 2);
  });

  test('without an inverse, reads grow with the window (for contrast)', async () => {
    const long = await readsPerBatch(15, false);
    assert.equal(long.at(-1), 14);
  });
});
