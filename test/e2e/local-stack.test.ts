import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { produce } from '#dev/producer.js';
import type { Stack } from '#dev/stack.js';
import { waitUntil } from '../support/wait.js';
import { hubEnds, startTestStack, type StreamOutputs } from './support/stream-outputs.js';
import { expectedWorkload, sorted } from './support/workload.js';

const SEED = 7;
const COUNT = 1500;
const MALFORMED_EVERY = 50;
let stack: Stack;
let outputs: StreamOutputs;

before(async () => {
  ({ stack, outputs } = await startTestStack('e2e'));
});
after(() => stack.stop());

// Keyed sends (partition key = page) exercise the hub's key hashing on the way.
test('a seeded workload sent with the producer comes out of the sinks exactly: per-page counts, user totals and dead letters', async () => {
  const connectionString = stack.eventHubConnectionString;
  assert.ok(connectionString, 'the stack started the dev hub');
  const manifest = await produce({
    connectionString, eventHubName: stack.config.eventHubName,
    rate: 1000, count: COUNT, seed: SEED, keyField: 'page', malformedEvery: MALFORMED_EVERY,
  });
  assert.equal(manifest.sent, COUNT);
  await waitUntil(() => outputs.drained(hubEnds(stack.hub!, stack.config.eventHubName, 4)), 'the receivers read every partition to its end and a batch committed it all', 60_000);
  assert.equal(await outputs.storedEvents(), COUNT, 'the receivers stored every event once');

  // The Blob sink's per-batch page counts add up to the manifest, key by key.
  assert.deepEqual(sorted(await outputs.blobTotals('page-counts-')), sorted(new Map(Object.entries(manifest.perKey))));
  const views = (await outputs.blobLines('views-')) as number[];
  assert.equal(views.reduce((a, b) => a + b, 0), manifest.valid, 'the per-batch view counts add up to the valid events');

  // updateStateByKey's running totals per user, after the last batch, equal the whole workload's.
  const expected = expectedWorkload(SEED, manifest.sent, MALFORMED_EVERY);
  assert.deepEqual(sorted(await outputs.tableValues('user-totals')), sorted(expected.perUser));

  // The dead-letter container holds exactly the malformed events, once each.
  const dead = await outputs.deadLetters();
  assert.equal(dead.length, manifest.malformed);
  assert.deepEqual(dead.map((d) => d.body ?? '').sort(), expected.malformedBodies);
  assert.ok(dead.every((d) => d.stage === 'task' && d.sequenceNumber !== undefined && d.error.length > 0));

  const batches = await outputs.allBatches();
  assert.ok(batches.every((b) => b.status === 'completed' || b.status === 'cleaned' || b.status === 'allocated'), 'no batch failed');
  assert.equal(batches.reduce((n, b) => n + (b.completion ? b.allocation.records : 0), 0), COUNT, 'committed batches hold every event once');
});
