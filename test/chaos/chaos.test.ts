import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QUICK_STREAM_SETTINGS } from '../e2e/support/app-child.js';
import { assertExactOutputs } from '../e2e/support/exact-outputs.js';
import { runChaos, type ChaosPlan } from './support/chaos-run.js';

/**
 * Chaos end to end: seeded storage faults the whole run, SIGKILLs while the producer sends, and a
 * full storage outage longer than every finite retry budget. Those budgets: the storage SDKs' own
 * retries inside each call (Blob: 4 tries, 0/4/12/28 s apart, about 44 s; Table: 3 retries from
 * 1 s, about 7 s), the receiver trigger's retry policy on its own (5 retries, 1 s doubling to 30 s:
 * about 31 s), and the driver's activity retries, scaled down with SLUICE_ACTIVITY_RETRIES=1 (one
 * retry after 1 s). A 60 s outage outlasts each of them; only a layer that retries transient
 * failures without giving up rides it out. Afterwards the stream must drain by itself and match
 * what was sent exactly.
 */
const base: Omit<ChaosPlan, 'stream' | 'hostStorageBehindProxy' | 'log'> = {
  seed: 1101,
  count: 1500,
  rate: 50, // about 30 s of sending: the kills and the start of the outage fall inside it
  malformedEvery: 40,
  // About 12% of requests meet a fault, as in the report.
  rates: { reject: 0.05, failAfter: 0.03, drop: 0.02, slow: 0.02 },
  killsBefore: 2,
  killsAfter: 1,
  outageMs: 60_000,
  settings: { ...QUICK_STREAM_SETTINGS, SLUICE_SUPERVISOR_SCHEDULE: '*/5 * * * * *', SLUICE_ACTIVITY_RETRIES: '1' },
  drainTimeoutMs: 120_000,
};

for (const hostStorageBehindProxy of [false, true]) {
  const what = hostStorageBehindProxy ? 'app and host storage (durable history, trigger checkpoints)' : 'app storage';
  test(`with ${what} behind the fault proxy: SIGKILLs, 12% faults and a 60 s outage lose and duplicate nothing`, async (t) => {
    const stream = hostStorageBehindProxy ? 'chaoshost' : 'chaosapp';
    await runChaos({ ...base, stream, hostStorageBehindProxy, settings: { ...base.settings, SLUICE_STREAM_NAME: stream }, log: (l) => t.diagnostic(l) }, async (result) => {
      t.diagnostic(`events ${result.manifest.sent}, kills ${result.kills}, faults injected ${result.injected}: ${JSON.stringify(result.faults)}`);
      assert.deepEqual(result.unexpectedExits, [], 'the app process never exits by itself');
      assert.equal(result.kills, base.killsBefore + base.killsAfter);
      assert.ok(result.faults.outage > 0 && result.faults.reject > 0 && result.faults.failAfter > 0 && result.faults.drop > 0, `every kind of fault was injected: ${JSON.stringify(result.faults)}`);
      assert.equal(result.manifest.sent, base.count);
      await assertExactOutputs(result.outputs, { seed: base.seed, sent: result.manifest.sent, malformedEvery: base.malformedEvery });
    });
  });
}
