import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { produce } from '#dev/producer.js';
import { takeSampleEvents, TOO_LATE_MS } from '#dev/sample-events.js';
import type { Stack } from '#dev/stack.js';
import { waitUntil } from '../support/wait.js';
import { hubEnds, startTestStack, type StreamOutputs } from '../e2e/support/stream-outputs.js';

/**
 * The sample job's event-time window on the whole local stack, fed by the producer's
 * --late-every flag. Which batch an event lands in depends on timing, so the checks are ones
 * no timing can change: every stored event is accounted for exactly once (in an emitted
 * minute, in a still-open minute, as late or as a dropped copy), and the second run's
 * too-late views, ten minutes behind a watermark the first run established, are all late.
 */
const LATE_EVERY = 10;
let stack: Stack;
let outputs: StreamOutputs;

before(async () => {
  ({ stack, outputs } = await startTestStack('etime'));
});
after(() => stack.stop());

async function send(seed: number, count: number): Promise<void> {
  const manifest = await produce({ connectionString: stack.eventHubConnectionString!, eventHubName: stack.config.eventHubName, rate: 1000, count, seed, keyField: 'page', lateEvery: LATE_EVERY });
  assert.equal(manifest.sent, count);
  await waitUntil(() => outputs.drained(hubEnds(stack.hub!, stack.config.eventHubName, 4)), 'every partition read to its end and committed', 60_000);
}

test('sample job: per-page views by event-time minute account for every view; too-late views are counted late, never lost', async () => {
  await send(7, 600);
  const watermarked = async () => (await outputs.allBatches()).some((b) => typeof b.completion?.eventTime?.watermark === 'number');
  await waitUntil(watermarked, 'a batch committed with a watermark', 30_000);
  await send(8, 600);

  const batches = await outputs.allBatches();
  const sum = (pick: (c: NonNullable<(typeof batches)[number]['completion']>) => number | undefined) => batches.reduce((n, b) => n + (b.completion ? pick(b.completion) ?? 0 : 0), 0);
  const late = sum((c) => c.lateRecords);
  const copies = sum((c) => c.droppedDuplicates);
  const emitted = (await outputs.blobLines('page-views-by-minute-')) as { key: string; start: number; end: number; value: number }[];
  assert.ok(emitted.every((w) => w.end - w.start === 60_000 && w.start % 60_000 === 0), 'minutes aligned to the epoch');
  const stateNames = (await outputs.storage.state.list('etime/')).filter((n) => n.includes('/eventTimeWindow'));
  const newest = stateNames.sort().at(-1)!;
  const open = JSON.parse(Buffer.from((await outputs.storage.state.get(newest))!).toString()) as [string, number, number, number, number][];
  const counted = emitted.reduce((n, w) => n + w.value, 0) + open.reduce((n, e) => n + e[4], 0);
  assert.equal(counted + late + copies, await outputs.storedEvents(), 'each stored view is in one minute, late, or a dropped copy');

  // The second run's too-late views are ten minutes behind the first run's watermark.
  const second = takeSampleEvents(600, { seed: 8, lateEvery: LATE_EVERY });
  const tooLate = second.filter((_, i) => (i + 1) % LATE_EVERY === 0 && ((i + 1) / LATE_EVERY) % 2 === 0).length;
  assert.ok(tooLate > 0 && TOO_LATE_MS > 60_000);
  assert.ok(late >= tooLate, `at least the ${tooLate} too-late views of the second run are late (got ${late})`);
  const emittedKeys = new Set(emitted.map((w) => `${w.key}|${w.start}`));
  assert.equal(emittedKeys.size, emitted.length, 'append mode writes each minute once');
});
