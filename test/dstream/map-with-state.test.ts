import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runBatches } from 'sluice/testing';
import { type DStream } from 'sluice';
import { State } from '#sluice/dstream/state.js';
import type { StateSpec } from '#sluice/dstream/operators/map-with-state.js';
import { assertBatchSets, ones } from './support.js';

// Spark's MapWithStateSuite: each input word w is the record [w, 1].
const inputData = [[], ['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b'], ['a'], []];
const runningCounts: [string, number][][] = [
  [],
  [['a', 1]],
  [['a', 2], ['b', 1]],
  [['a', 3], ['b', 2], ['c', 1]],
  [['a', 4], ['b', 3], ['c', 1]],
  [['a', 5], ['b', 3], ['c', 1]],
  [['a', 5], ['b', 3], ['c', 1]],
];

/** The mapped stream and the state snapshots of one run, batch by batch. */
async function mapWithStateRun<S, U>(input: string[][], spec: StateSpec<string, number, S, U>, numBatches = input.length): Promise<{ outputs: U[][]; states: [string, S][][] }> {
  const outputs: U[][] = [];
  const states = await runBatches({
    inputs: [ones(input)], batchIntervalMs: 1000, numBatches,
    build: (s: DStream<[string, number]>) => {
      const mapped = s.mapWithState(spec);
      mapped.foreachBatch((records) => void outputs.push(records));
      return mapped.stateSnapshots();
    },
  });
  return { outputs, states };
}

describe('MapWithStateSuite', () => {
  test('state - get, exists, update, remove', () => {
    const none = new State<number>(undefined);
    assert.equal(none.exists(), false);
    assert.throws(() => none.get(), RangeError);
    assert.equal(none.getOption(), undefined);
    assert.equal(none.isTimingOut(), false);

    const one = new State<number>({ value: 1 });
    assert.equal(one.exists(), true);
    assert.equal(one.get(), 1);
    assert.equal(one.isUpdated(), false);
    one.update(2);
    assert.equal(one.get(), 2);
    assert.equal(one.isUpdated(), true);

    const fresh = new State<number>(undefined);
    fresh.update(2);
    assert.equal(fresh.get(), 2);
    fresh.remove();
    assert.equal(fresh.exists(), false);
    assert.equal(fresh.isRemoved(), true);
    assert.throws(() => fresh.remove(), RangeError);
    assert.throws(() => fresh.update(-1), RangeError);

    const timingOut = new State<number>({ value: 3 }, true);
    assert.equal(timingOut.get(), 3);
    assert.equal(timingOut.isTimingOut(), true);
    assert.throws(() => timingOut.remove(), RangeError);
    assert.throws(() => timingOut.update(-1), RangeError);
  });

  test('mapWithState - basic operations with simple API', async () => {
    const { outputs, states } = await mapWithStateRun<number, number>(inputData, {
      fn: (_key, value, state) => {
        const sum = (value ?? 0) + (state.getOption() ?? 0);
        state.update(sum);
        return sum;
      },
    });
    assertBatchSets(outputs, [[], [1], [2, 1], [3, 2, 1], [4, 3], [5], []]);
    assertBatchSets(states, runningCounts);
  });

  test('mapWithState - basic operations with advanced API (time and key)', async () => {
    const times: number[] = [];
    const { outputs, states } = await mapWithStateRun<number, string>(inputData, {
      fn: (key, value, state, time) => {
        times.push(time);
        state.update((value ?? 0) + (state.getOption() ?? 0));
        return key + key;
      },
    });
    assertBatchSets(outputs, [[], ['aa'], ['aa', 'bb'], ['aa', 'bb', 'cc'], ['aa', 'bb'], ['aa'], []]);
    assertBatchSets(states, runningCounts);
    assert.deepEqual([...new Set(times)], [2000, 3000, 4000, 5000, 6000]);
  });

  test('mapWithState - states as mapped data', async () => {
    const { outputs, states } = await mapWithStateRun<number, [string, number]>(inputData, {
      fn: (key, value, state) => {
        const sum = (value ?? 0) + (state.getOption() ?? 0);
        state.update(sum);
        return [key, sum];
      },
    });
    assertBatchSets(outputs, [[], [['a', 1]], [['a', 2], ['b', 1]], [['a', 3], ['b', 2], ['c', 1]], [['a', 4], ['b', 3]], [['a', 5]], []]);
    assertBatchSets(states, runningCounts);
  });

  test('mapWithState - initial states, with nothing returned as from mapping function', async () => {
    const { outputs, states } = await mapWithStateRun<number, number>(inputData, {
      initialState: [['a', 5], ['b', 10], ['c', -20], ['d', 0]],
      fn: (_key, value, state) => {
        state.update((value ?? 0) + (state.getOption() ?? 0));
        return undefined;
      },
    });
    assertBatchSets(outputs, inputData.map(() => []));
    assertBatchSets(states, [
      [['a', 5], ['b', 10], ['c', -20], ['d', 0]],
      [['a', 6], ['b', 10], ['c', -20], ['d', 0]],
      [['a', 7], ['b', 11], ['c', -20], ['d', 0]],
      [['a', 8], ['b', 12], ['c', -19], ['d', 0]],
      [['a', 9], ['b', 13], ['c', -19], ['d', 0]],
      [['a', 10], ['b', 13], ['c', -19], ['d', 0]],
      [['a', 10], ['b', 13], ['c', -19], ['d', 0]],
    ]);
  });

  test('mapWithState - state removing', async () => {
    const { outputs, states } = await mapWithStateRun<number, string>([[], ['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b', 'c'], ['a', 'b'], ['a'], []], {
      fn: (key, value, state) => {
        if (state.exists()) {
          state.remove();
          return key;
        }
        state.update(value!);
        return undefined;
      },
    });
    assertBatchSets(outputs, [[], [], ['a'], ['b'], ['a', 'c'], ['b'], ['a'], []]);
    assertBatchSets(states, [[], [['a', 1]], [['b', 1]], [['a', 1], ['c', 1]], [['b', 1]], [['a', 1]], [], []]);
  });

  test('mapWithState - state timing out', async () => {
    const input = [['a', 'b', 'c'], ['a', 'b'], ['a'], [], [], ['a'], ...Array.from({ length: 20 }, () => ['a'])];
    const timedOut: [string, number][] = [];
    const { outputs, states } = await mapWithStateRun<number, string>(input, {
      timeout: '3s',
      fn: (key, value, state, time) => {
        if (value !== undefined) state.update(1);
        if (!state.isTimingOut()) return undefined;
        timedOut.push([key, time]);
        return key;
      },
    }, 20);
    // b and c are returned once each, when they time out
    assert.deepEqual(outputs.flat().sort(), ['b', 'c']);
    assert.ok(states.some((s) => JSON.stringify([...s].sort()) === JSON.stringify([['a', 1], ['b', 1], ['c', 1]])));
    assert.deepEqual(states.at(-1), [['a', 1]]);
    // A key idle for the timeout (3 s without data) gets its last call at that batch: c (last data
    // at 1 s) at 4 s, b (2 s) at 5 s; a never, since it gets data again at 6 s.
    assert.deepEqual(timedOut, [['c', 4000], ['b', 5000]]);
  });

  test('mapWithState calls the function per record, in order, and only for keys with data', async () => {
    const calls: string[] = [];
    await mapWithStateRun<number, never>([['a', 'b', 'a'], [], ['b']], {
      initialState: [['z', 9]],
      fn: (key, value, state, time) => {
        calls.push(`${time}:${key}:${value}:${state.getOption()}`);
        state.update((state.getOption() ?? 0) + 1);
        return undefined;
      },
    });
    assert.deepEqual(calls, ['1000:a:1:undefined', '1000:b:1:undefined', '1000:a:1:1', '3000:b:1:1']);
  });

  test('a key receiving data stays alive with a timeout, even when fn does not update it', async () => {
    const timedOut: [string, number][] = [];
    await mapWithStateRun<number, never>([['a'], ['a'], ['a'], ['a']], {
      timeout: 2000,
      fn: (key, _value, state, time) => {
        if (state.isTimingOut()) timedOut.push([key, time]);
        else if (!state.exists()) state.update(1);
        return undefined;
      },
    }, 7);
    assert.deepEqual(timedOut, [['a', 6000]]);
  });
});
