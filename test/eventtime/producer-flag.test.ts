import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProduceArgs } from '#dev/produce.js';
import { OUT_OF_ORDER_MS, takeSampleEvents, TOO_LATE_MS } from '#dev/sample-events.js';

test('lateEvery: every nth event is moved back, alternately out of order and too late; the others are untouched', () => {
  const plain = takeSampleEvents(40, { seed: 3 });
  const late = takeSampleEvents(40, { seed: 3, lateEvery: 10 });
  const shifts = late.map((e, i) => plain[i]!.pageView!.ts - e.pageView!.ts);
  assert.deepEqual(shifts.flatMap((s, i) => (s ? [[i + 1, s]] : [])), [[10, OUT_OF_ORDER_MS], [20, TOO_LATE_MS], [30, OUT_OF_ORDER_MS], [40, TOO_LATE_MS]]);
  assert.deepEqual(late.map((e) => e.pageView!.id), plain.map((e) => e.pageView!.id), 'same views, same ids');
  assert.ok(late.every((e) => JSON.parse(e.body).ts === e.pageView!.ts));
  const both = takeSampleEvents(20, { seed: 3, lateEvery: 10, malformedEvery: 20 });
  assert.equal(both[19]!.pageView, undefined, 'a malformed event takes precedence');
});

test('npm run produce --late-every: parsed, and refused when not a whole number >= 1', () => {
  const parsed = parseProduceArgs(['--rate', '10', '--count', '5', '--late-every', '7'], {});
  assert.equal(!parsed.help && parsed.lateEvery, 7);
  assert.throws(() => parseProduceArgs(['--rate', '10', '--count', '5', '--late-every', '0'], {}), /--late-every must be a whole number >= 1, not "0"/);
});
