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
 */
export async function assertExactOutputs(outputs: StreamOutputs, sent: SentWorkload): Promise<void> {
  const expected = expectedWorkload(sent.seed, sent.sent, sent.malformedEvery);
  assert.equal(await outputs.storedEvents(), sent.sent, 'the receivers stored every event exactly once');
  assert.deepEqual(sorted(await outputs.blobTotals('page-counts-')), sorted(expected.perPage), 'per-page totals equal what was sent');
  assert.deepEqual(sorted(await outputs.tableValues('user-totals')), sorted(expected.perUser), 'running user totals (stateful) equal what was sent');
  const dead = await outputs.deadLetters();
  assert.deepEqual(dead.map((d) => d.body ?? '').sort(), expected.malformedBodies, 'the dead letters are exactly the malformed events');
  assert.equal(new Set(dead.map((d) => `${d.partition}/${d.sequenceNumber}`)).size, dead.length, 'no event is dead-lettered twice');
  const batches = await outputs.allBatches();
  const failed = batches.filter((b) => b.status === 'failed');
  assert.deepEqual(failed.map((b) => b.time), [], 'no batch failed');
  assert.equal(batches.reduce((n, b) => n + b.allocation.records, 0), sent.sent, 'the batches hold every event once');
}
