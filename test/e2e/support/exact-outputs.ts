import assert from 'node:assert/strict';
import type { StreamOutputs } from './stream-outputs.js';
import { expectedWorkload, sorted } from './workload.js';

/** What a seeded producer sent: the first `sent` events of sampleEvents({ seed, malformedEvery }). */
export interface SentWorkload {
  seed: number;
  sent: number;
  malformedEvery: number;
}

/**
 * Checks a drained stream against what was sent, exactly: every event stored once, per-page and
 * running per-user totals, each malformed event dead-lettered exactly once, and no batch failed.
 * Every check runs and every miss is reported together, so one failure shows the whole picture.
 */
export async function assertExactOutputs(outputs: StreamOutputs, sent: SentWorkload): Promise<void> {
  const expected = expectedWorkload(sent.seed, sent.sent, sent.malformedEvery);
  const misses: string[] = [];
  const check = (what: string, run: () => void): void => {
    try {
      run();
    } catch (err) {
      misses.push(`${what}: ${(err as Error).message}`);
    }
  };
  const checkpoints = await outputs.checkpoints.list();
  check('the receivers stored every event exactly once', () => assert.equal(checkpoints.reduce((n, c) => n + c.events, 0), sent.sent,
    `per partition (events stored / up to sequence number / redeliveries skipped): ${checkpoints.map((c) => `${c.partition}: ${c.events} / ${c.lastSeq} / ${c.redeliveries}`).join('; ')}`));
  const perPage = await outputs.blobTotals('page-counts-');
  check('per-page totals equal what was sent', () => assert.deepEqual(sorted(perPage), sorted(expected.perPage)));
  const perUser = await outputs.tableValues('user-totals');
  check('running user totals (stateful) equal what was sent', () => assert.deepEqual(sorted(perUser), sorted(expected.perUser)));
  const dead = await outputs.deadLetters();
  check('the dead letters are exactly the malformed events', () => assert.deepEqual(dead.map((d) => d.body ?? '').sort(), expected.malformedBodies));
  check('no event is dead-lettered twice', () => assert.equal(new Set(dead.map((d) => `${d.partition}/${d.sequenceNumber}`)).size, dead.length));
  const batches = await outputs.allBatches();
  check('no batch failed', () => assert.deepEqual(batches.filter((b) => b.status === 'failed').map((b) => b.time), []));
  check('the batches hold every event once', () => assert.equal(batches.reduce((n, b) => n + b.allocation.records, 0), sent.sent));
  assert.deepEqual(misses, [], `the outputs differ from what was sent:\n${misses.join('\n')}`);
}
