import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DStream } from '#sluice/dstream/dstream.js';
import { runBatches } from 'sluice/testing';
import { assertSteps, completions, perAddData, seconds, withNoDataBatches } from './support.js';

/**
 * Ported from Structured Streaming's StreamingSessionWindowSuite (apache/spark,
 * sql/core/src/test/scala/org/apache/spark/sql/streaming/StreamingSessionWindowSuite.scala):
 * its sessionWindowQuery splits lines into words, one session per word with a 10 s gap and a
 * 30 s watermark delay, and reports (word, start, end, duration, events) in seconds.
 */
type Line = [text: string, time: number];

const sessionWindowQuery = (mode: 'append' | 'update') => (lines: DStream<Line>) =>
  lines.flatMap(([text, time]) => text.split(' ').map((word) => [word, time] as [string, number]))
    .withWatermark(([, time]) => seconds(time), '30s')
    .map(([word]) => [word, 1] as [string, number])
    .sessionWindow('10s')
    .countByKey({ outputMode: mode })
    .map((r): unknown[] => [r.key, r.start / 1000, r.end / 1000, (r.end - r.start) / 1000, r.value]);

const steps: Line[][] = [
  [['hello world spark streaming', 40], ['world hello structured streaming', 41]],
  [['spark streaming', 25]], // new sessions placed before the open ones
  [['spark streaming', 0]], // late: [0, 10) ends below the watermark 11
  [['spark streaming', 30]], // joins several open sessions into one
  [['hello apache spark', 60]],
  [['structured streaming', 90]],
];

test('StreamingSessionWindowSuite "append mode - session window": sessions are emitted once, merged, when the watermark passes their end', async () => {
  const done = completions();
  const out = await runBatches<Line, unknown[]>({ inputs: [withNoDataBatches(steps)], build: sessionWindowQuery('append'), batchIntervalMs: 1000, onBatchCompleted: done.onBatchCompleted });
  assertSteps(perAddData(out), [[], [], [], [], [], [
    ['spark', 25, 50, 25, 3],
    ['streaming', 25, 51, 26, 4],
    ['hello', 40, 51, 11, 2],
    ['world', 40, 51, 11, 2],
    ['structured', 41, 51, 10, 1],
  ]]);
  // assertNumRowsDroppedByWatermark(2): the two words at time 0.
  assert.equal(done.list[4]!.lateRecords, 2);
  assert.equal(done.list.reduce((n, c) => n + (c.lateRecords ?? 0), 0), 2);
});

test('StreamingSessionWindowSuite (update-mode variant of the same steps): each batch emits the sessions it changed, merged', async () => {
  const out = await runBatches<Line, unknown[]>({ inputs: [withNoDataBatches(steps)], build: sessionWindowQuery('update'), batchIntervalMs: 1000 });
  assertSteps(perAddData(out), [
    [['hello', 40, 51, 11, 2], ['world', 40, 51, 11, 2], ['streaming', 40, 51, 11, 2], ['spark', 40, 50, 10, 1], ['structured', 41, 51, 10, 1]],
    [['spark', 25, 35, 10, 1], ['streaming', 25, 35, 10, 1]],
    [],
    [['spark', 25, 50, 25, 3], ['streaming', 25, 51, 26, 4]],
    [['hello', 60, 70, 10, 1], ['apache', 60, 70, 10, 1], ['spark', 60, 70, 10, 1]],
    [['structured', 90, 100, 10, 1], ['streaming', 90, 100, 10, 1]],
  ]);
});
