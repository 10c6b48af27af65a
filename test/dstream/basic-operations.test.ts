import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runBatches } from 'sluice/testing';
import { ones, sortedBatches } from './support.js';

// Spark's BasicOperationsSuite, run through the engine: receivers, WAL, tasks and commit.
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const input = [range(1, 4), range(5, 8), range(9, 12)];

describe('BasicOperationsSuite: narrow operations keep record order', () => {
  test('map', async () => {
    assert.deepEqual(await runBatches({ inputs: [input], batchIntervalMs: 1000, build: (s) => s.map((x) => String(x)) }), input.map((b) => b.map(String)));
  });

  test('flatMap', async () => {
    const out = await runBatches({ inputs: [input], batchIntervalMs: 1000, build: (s) => s.flatMap((x) => [x, x * 2]) });
    assert.deepEqual(out, input.map((b) => b.flatMap((x) => [x, x * 2])));
  });

  test('filter', async () => {
    const out = await runBatches({ inputs: [input], batchIntervalMs: 1000, build: (s) => s.filter((x) => x % 2 === 0) });
    assert.deepEqual(out, input.map((b) => b.filter((x) => x % 2 === 0)));
  });

  test('order holds across several tasks of a batch', async () => {
    const big = [range(1, 500)];
    const out = await runBatches({ inputs: [big], batchIntervalMs: 1000, maxTasksPerBatch: 4, build: (s) => s.map((x) => x * 2).filter((x) => x % 3 !== 0) });
    assert.deepEqual(out, big.map((b) => b.map((x) => x * 2).filter((x) => x % 3 !== 0)));
  });

  test('union: the first stream, then the next', async () => {
    const out = await runBatches({ inputs: [[range(1, 4), range(101, 104), range(201, 204)]], batchIntervalMs: 1000, build: (s) => s.union(s.map((x) => x + 4)) });
    assert.deepEqual(out, [range(1, 8), range(101, 108), range(201, 208)]);
  });

  test('union of three streams (StreamingContext.union)', async () => {
    const out = await runBatches({ inputs: [[range(1, 4), range(101, 104), range(201, 204)]], batchIntervalMs: 1000, build: (s) => s.union(s.map((x) => x + 4), s.map((x) => x + 8)) });
    assert.deepEqual(out, [range(1, 12), range(101, 112), range(201, 212)]);
  });

  test('transform gets the whole batch and its time', async () => {
    const out = await runBatches({ inputs: [input], batchIntervalMs: 1000, build: (s) => s.transform((batch, time) => batch.map((x) => `${x}@${time}`)) });
    assert.deepEqual(out, input.map((b, i) => b.map((x) => `${x}@${(i + 1) * 1000}`)));
  });
});

describe('BasicOperationsSuite: whole-batch operations', () => {
  const words = [['a', 'a', 'b'], ['', ''], []];

  test('groupByKey', async () => {
    const out = await runBatches({ inputs: [words], batchIntervalMs: 1000, build: (s) => s.map((x) => [x, 1] as [string, number]).groupByKey() });
    assert.deepEqual(sortedBatches(out), [[['a', [1, 1]], ['b', [1]]], [['', [1, 1]]], []]);
  });

  test('reduceByKey', async () => {
    const out = await runBatches({ inputs: [words], batchIntervalMs: 1000, build: (s) => s.map((x) => [x, 1] as [string, number]).reduceByKey((a, b) => a + b) });
    assert.deepEqual(sortedBatches(out), [[['a', 2], ['b', 1]], [['', 2]], []]);
  });

  test('combineByKey', async () => {
    const pairs: [string, number][][] = [[['a', 1], ['a', 4], ['b', 2]], [['b', 3]]];
    const out = await runBatches({
      inputs: [pairs], batchIntervalMs: 1000, maxTasksPerBatch: 3,
      build: (s) => s.combineByKey((v) => ({ sum: v, n: 1 }), (c, v) => ({ sum: c.sum + v, n: c.n + 1 }), (a, b) => ({ sum: a.sum + b.sum, n: a.n + b.n })),
    });
    assert.deepEqual(sortedBatches(out), [[['a', { sum: 5, n: 2 }], ['b', { sum: 2, n: 1 }]], [['b', { sum: 3, n: 1 }]]]);
  });

  test('reduce', async () => {
    assert.deepEqual(await runBatches({ inputs: [input], batchIntervalMs: 1000, build: (s) => s.reduce((a, b) => a + b) }), [[10], [26], [42]]);
  });

  test('count', async () => {
    const out = await runBatches({ inputs: [[[], range(1, 1), range(1, 2), range(1, 3), range(1, 4)]], batchIntervalMs: 1000, build: (s) => s.count() });
    assert.deepEqual(out, [[0], [1], [2], [3], [4]]);
  });

  test('countByValue', async () => {
    const out = await runBatches({ inputs: [[[1], [1, 1, 1], [1, 2], [1, 1, 2, 2]]], batchIntervalMs: 1000, build: (s) => s.countByValue() });
    assert.deepEqual(sortedBatches(out), [[[1, 1]], [[1, 3]], [[1, 1], [2, 1]], [[1, 2], [2, 2]]]);
  });

  test('mapValues', async () => {
    const out = await runBatches({ inputs: [words], batchIntervalMs: 1000, build: (s) => s.map((x) => [x, 1] as [string, number]).reduceByKey((a, b) => a + b).mapValues((v) => v + 10) });
    assert.deepEqual(sortedBatches(out), [[['a', 12], ['b', 11]], [['', 12]], []]);
  });

  test('flatMapValues', async () => {
    const out = await runBatches({ inputs: [words], batchIntervalMs: 1000, build: (s) => s.map((x) => [x, 1] as [string, number]).reduceByKey((a, b) => a + b).flatMapValues((v) => [v, v + 10]) });
    assert.deepEqual(sortedBatches(out), sortedBatches([[['a', 2], ['a', 12], ['b', 1], ['b', 11]], [['', 2], ['', 12]], []]));
  });
});

describe('BasicOperationsSuite: two streams', () => {
  const left = [['a', 'b'], ['a', ''], [''], []];
  const right = [['a', 'b'], ['b', ''], [], ['']];

  test('transformWith (a join inside the function)', async () => {
    const out = await runBatches({
      inputs: [left, right], batchIntervalMs: 1000,
      build: (s1, s2) => s1.map((x) => [x, 1] as [string, number]).transformWith(s2.map((x) => [x, 'x'] as [string, string]), (a, b) =>
        a.flatMap(([k, v]) => b.filter(([k2]) => k2 === k).map(([, w]) => [k, [v, w]] as [string, [number, string]]))),
    });
    assert.deepEqual(sortedBatches(out), [[['a', [1, 'x']], ['b', [1, 'x']]], [['', [1, 'x']]], [], []]);
  });

  test('transformWith over several streams (StreamingContext.transform)', async () => {
    const out = await runBatches({
      inputs: [[range(1, 4), range(101, 104), range(201, 204)]], batchIntervalMs: 1000,
      build: (s) => s.transformWith([s.map((x) => x + 4), s.map((x) => String(x + 8))], (a, b, c, time) => [...a, ...b, ...c.map(Number)].map((x) => x + time * 0)),
    });
    assert.deepEqual(out, [range(1, 12), range(101, 112), range(201, 212)]);
  });

  test('cogroup', async () => {
    const out = await runBatches({
      inputs: [[['a', 'a', 'b'], ['a', ''], [''], []], [['a', 'a', 'b'], ['b', ''], [], []]], batchIntervalMs: 1000,
      build: (s1, s2) => s1.map((x) => [x, 1] as [string, number]).cogroup(s2.map((x) => [x, 'x'] as [string, string])),
    });
    assert.deepEqual(sortedBatches(out), [
      [['a', [[1, 1], ['x', 'x']]], ['b', [[1], ['x']]]],
      [['', [[1], ['x']]], ['a', [[1], []]], ['b', [[], ['x']]]],
      [['', [[1], []]]],
      [],
    ]);
  });

  test('join', async () => {
    const out = await runBatches({ inputs: [left, right], batchIntervalMs: 1000, build: (s1, s2) => s1.map((x) => [x, 1] as [string, number]).join(s2.map((x) => [x, 'x'] as [string, string])) });
    assert.deepEqual(sortedBatches(out), [[['a', [1, 'x']], ['b', [1, 'x']]], [['', [1, 'x']]], [], []]);
  });

  test('join pairs every value of a key with every value of the other side', async () => {
    const out = await runBatches({ inputs: [[['a', 'a']], [['a', 'a', 'a']]], batchIntervalMs: 1000, build: (s1, s2) => s1.map((x) => [x, 1] as [string, number]).join(s2.map((x) => [x, 2] as [string, number])) });
    assert.equal(out[0]!.length, 6);
  });

  test('leftOuterJoin', async () => {
    const out = await runBatches({ inputs: [left, right], batchIntervalMs: 1000, build: (s1, s2) => s1.map((x) => [x, 1] as [string, number]).leftOuterJoin(s2.map((x) => [x, 'x'] as [string, string])) });
    assert.deepEqual(sortedBatches(out), [[['a', [1, 'x']], ['b', [1, 'x']]], [['', [1, 'x']], ['a', [1, null]]], [['', [1, null]]], []]);
  });

  test('rightOuterJoin', async () => {
    const out = await runBatches({ inputs: [left, right], batchIntervalMs: 1000, build: (s1, s2) => s1.map((x) => [x, 1] as [string, number]).rightOuterJoin(s2.map((x) => [x, 'x'] as [string, string])) });
    assert.deepEqual(sortedBatches(out), [[['a', [1, 'x']], ['b', [1, 'x']]], [['', [1, 'x']], ['b', [null, 'x']]], [], [['', [null, 'x']]]]);
  });

  test('fullOuterJoin', async () => {
    const out = await runBatches({ inputs: [left, right], batchIntervalMs: 1000, build: (s1, s2) => s1.map((x) => [x, 1] as [string, number]).fullOuterJoin(s2.map((x) => [x, 'x'] as [string, string])) });
    assert.deepEqual(sortedBatches(out), [
      [['a', [1, 'x']], ['b', [1, 'x']]],
      [['', [1, 'x']], ['a', [1, null]], ['b', [null, 'x']]],
      [['', [1, null]]],
      [['', [null, 'x']]],
    ]);
  });

  test('joining streams with different slides is a build-time error', async () => {
    await assert.rejects(
      runBatches({ inputs: [[[]], [[]]], batchIntervalMs: 1000, build: (s1, s2) => s1.map((x) => [x, 1] as [string, number]).window(2000, 2000).join(s2.map((x) => [x, 1] as [string, number])) }),
      /same slide duration/,
    );
  });
});

describe('BasicOperationsSuite: updateStateByKey', () => {
  const inputData = [['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b'], ['a'], []];
  const sum = (values: number[], state: number | undefined) => values.reduce((a, b) => a + b, 0) + (state ?? 0);

  test('updateStateByKey', async () => {
    const out = await runBatches({ inputs: [inputData], batchIntervalMs: 1000, build: (s) => s.map((x) => [x, 1] as [string, number]).updateStateByKey(sum) });
    assert.deepEqual(sortedBatches(out), [
      [['a', 1]],
      [['a', 2], ['b', 1]],
      [['a', 3], ['b', 2], ['c', 1]],
      [['a', 4], ['b', 3], ['c', 1]],
      [['a', 5], ['b', 3], ['c', 1]],
      [['a', 5], ['b', 3], ['c', 1]],
    ]);
  });

  test('updateStateByKey - simple with initial value', async () => {
    const out = await runBatches({ inputs: [inputData], batchIntervalMs: 1000, build: (s) => s.map((x) => [x, 1] as [string, number]).updateStateByKey(sum, { initialState: [['a', 1], ['c', 2]] }) });
    assert.deepEqual(sortedBatches(out), [
      [['a', 2], ['c', 2]],
      [['a', 3], ['b', 1], ['c', 2]],
      [['a', 4], ['b', 2], ['c', 3]],
      [['a', 5], ['b', 3], ['c', 3]],
      [['a', 6], ['b', 3], ['c', 3]],
      [['a', 6], ['b', 3], ['c', 3]],
    ]);
  });

  test('updateStateByKey - testing time stamps as input', async () => {
    const out = await runBatches({
      inputs: [inputData], batchIntervalMs: 1000,
      build: (s) => s.map((x) => [x, 1] as [string, number]).updateStateByKey<string, number, number>(
        (values, state, { time }) => (values.length ? time + (state ?? 0) : (state ?? 0)), { initialState: [['a', 0], ['c', 0]] }),
    });
    assert.deepEqual(sortedBatches(out), [
      [['a', 1000], ['c', 0]],
      [['a', 3000], ['b', 2000], ['c', 0]],
      [['a', 6000], ['b', 5000], ['c', 3000]],
      [['a', 10000], ['b', 9000], ['c', 3000]],
      [['a', 15000], ['b', 9000], ['c', 3000]],
      [['a', 15000], ['b', 9000], ['c', 3000]],
    ]);
  });

  test('updateStateByKey - object lifecycle: returning undefined removes the key', async () => {
    interface StateObject { counter: number; expireCounter: number }
    const out = await runBatches({
      inputs: [[['a', 'b'], [], ['a', 'c', 'a'], ['c'], [], []]], batchIntervalMs: 1000,
      build: (s) => s.map((x) => [x, 1] as [string, number]).updateStateByKey<string, number, StateObject>((values, state) => {
        const obj = state ?? { counter: 0, expireCounter: 0 };
        const n = values.reduce((a, b) => a + b, 0);
        if (n === 0) obj.expireCounter += 1;
        else {
          obj.counter += n;
          obj.expireCounter = 0;
        }
        return obj.expireCounter === 2 ? undefined : obj;
      }).mapValues((o) => o.counter),
    });
    assert.deepEqual(sortedBatches(out), [[['a', 1], ['b', 1]], [['a', 1], ['b', 1]], [['a', 3], ['c', 1]], [['a', 3], ['c', 2]], [['c', 2]], []]);
  });

  test('the function runs for every key with state or new values, every batch; null removes', async () => {
    const calls: string[] = [];
    const out = await runBatches({
      inputs: [ones([['a', 'b'], [], ['c'], []])], batchIntervalMs: 1000,
      build: (s) => s.updateStateByKey<string, number, number>((values, state, { key, time }) => {
        calls.push(`${time}:${key}:${values.length}`);
        return key === 'b' && time === 3000 ? null : (state ?? 0) + values.length;
      }),
    });
    assert.deepEqual(sortedBatches(out), [[['a', 1], ['b', 1]], [['a', 1], ['b', 1]], [['a', 1], ['c', 1]], [['a', 1], ['c', 1]]]);
    assert.deepEqual(calls.sort(), ['1000:a:1', '1000:b:1', '2000:a:0', '2000:b:0', '3000:a:0', '3000:b:0', '3000:c:1', '4000:a:0', '4000:c:0'].sort());
  });

  test('updateStateByKey after a window keeps the window slide', async () => {
    const out = await runBatches({
      inputs: [ones([['a'], ['a'], ['b'], ['a']])], batchIntervalMs: 1000,
      build: (s) => s.window(2000, 2000).updateStateByKey<string, number, number>((vs, st) => (st ?? 0) + vs.length),
    });
    assert.deepEqual(sortedBatches(out), [[['a', 2]], [['a', 3], ['b', 1]]]);
  });
});

describe('outputs', () => {
  test('foreachBatch gets every batch, empty ones too, with its time', async () => {
    const seen: [number, number[]][] = [];
    await runBatches({ inputs: [[[1, 2], [], [3]]], batchIntervalMs: 1000, build: (s) => s.foreachBatch((records, time) => void seen.push([time, records])) });
    assert.deepEqual(seen, [[1000, [1, 2]], [2000, []], [3000, [3]]]);
  });
});
