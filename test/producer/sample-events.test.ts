import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32, takeSampleEvents } from '#dev/sample-events.js';

test('the same seed gives the same events; another seed gives others', () => {
  const a = takeSampleEvents(200, { seed: 42 });
  const b = takeSampleEvents(200, { seed: 42 });
  const c = takeSampleEvents(200, { seed: 43 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.map((e) => e.body), c.map((e) => e.body));
  assert.equal(new Set(a.map((e) => e.pageView!.id)).size, 200, 'ids are unique');
});

test('events are well-formed page views with rising timestamps and skewed pages', () => {
  const events = takeSampleEvents(5000, { seed: 7 });
  let last = 0;
  const pages = new Map<string, number>();
  for (const { body, pageView } of events) {
    assert.deepEqual(JSON.parse(body), pageView);
    const v = pageView!;
    assert.match(v.user, /^u\d+$/);
    assert.match(v.page, /^\//);
    assert.match(v.country, /^[A-Z]{2}$/);
    assert.ok(['mobile', 'desktop', 'tablet'].includes(v.device));
    assert.ok(v.durationMs >= 200);
    assert.ok(v.ts >= last);
    last = v.ts;
    pages.set(v.page, (pages.get(v.page) ?? 0) + 1);
  }
  const counts = [...pages.values()].sort((x, y) => y - x);
  assert.ok(counts[0]! > 5 * counts[counts.length - 1]!, 'the top page is far more popular than the rarest');
});

test('every Nth event is malformed: alternately invalid JSON and JSON missing fields', () => {
  const events = takeSampleEvents(40, { seed: 1, malformedEvery: 10 });
  const bad = events.flatMap((e, i) => (e.pageView ? [] : [i + 1]));
  assert.deepEqual(bad, [10, 20, 30, 40]);
  assert.throws(() => JSON.parse(events[9]!.body));
  const missing = JSON.parse(events[19]!.body) as Record<string, unknown>;
  assert.equal(missing.user, undefined);
  assert.equal(missing.page, undefined);
  // Valid events are unaffected by the malformed ones around them.
  assert.deepEqual(events.filter((e) => e.pageView).length, 36);
});

test('mulberry32 is deterministic and stays in [0, 1)', () => {
  const r1 = mulberry32(123);
  const r2 = mulberry32(123);
  for (let i = 0; i < 1000; i++) {
    const x = r1();
    assert.equal(x, r2());
    assert.ok(x >= 0 && x < 1);
  }
});
