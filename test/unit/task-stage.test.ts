import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { byKey } from '#sluice/dstream/operators/combine-node.js';
import type { StreamNode } from '#sluice/dstream/node.js';
import type { ReceivedEvent } from '#sluice/receiver/received-event.js';
import { TaskStage } from '#sluice/scheduler/task-stage.js';

const ref = { source: 'events', partition: '0' };
const event = (body: string, seq: number): ReceivedEvent => ({ body, sequenceNumber: seq, offset: String(seq), enqueuedTime: seq });

/** input (words of the body) -> flatMap to [word, 1] pairs, and a failing map whose failure a body can ask for. */
function graph(): { input: StreamNode; pairs: StreamNode; checked: StreamNode; counts: StreamNode; lengths: StreamNode } {
  const input: StreamNode = { id: 'input-0', kind: 'input', parents: [], placement: 'record', slideMs: 1000, source: 'events', decode: (e) => String(e.body).split(' ') };
  const pairs: StreamNode = { id: 'flatMap-1', kind: 'flatMap', parents: [input], placement: 'record', slideMs: 1000, process: (r, emit) => { for (const w of r as string[]) emit([w, 1]); } };
  const checked: StreamNode = {
    id: 'map-2', kind: 'map', parents: [input], placement: 'record', slideMs: 1000,
    process: (r, emit) => { if ((r as string[]).includes('boom')) throw new Error('boom'); emit((r as string[]).length); },
  };
  const add = (a: number, b: number) => a + b;
  const counts: StreamNode = { id: 'reduceByKey-3', kind: 'reduceByKey', parents: [pairs], placement: 'batch', slideMs: 1000, mapSide: byKey((v: number) => v, add, add) };
  // A second combine over the same records, keyed by the word's length: the same key id as a word ("3" vs 3) must not mix.
  const lengths: StreamNode = {
    id: 'combineByKey-4', kind: 'combineByKey', parents: [pairs], placement: 'batch', slideMs: 1000,
    mapSide: { key: (r) => (r as [string])[0].length, create: () => 1, add: (c) => (c as number) + 1, merge: (a, b) => (a as number) + (b as number) },
  };
  return { input, pairs, checked, counts, lengths };
}

function naiveCounts(bodies: readonly string[], key: (w: string) => unknown): Map<string, number> {
  const m = new Map<string, number>();
  for (const b of bodies) for (const w of b.split(' ')) m.set(JSON.stringify(key(w)), (m.get(JSON.stringify(key(w))) ?? 0) + 1);
  return m;
}

const asCounts = (pairs: [unknown, unknown][]): Map<string, number> => new Map(pairs.map(([k, v]) => [JSON.stringify(k), v as number]));

describe('TaskStage', () => {
  test('combines map-side across events and within one event, many keys at once or few', () => {
    const g = graph();
    const stage = new TaskStage({ recordNodes: [g.checked], combineNodes: [g.counts, g.lengths] });
    // One event with 30 words over 12 distinct keys (past the scan of staged values), then small ones.
    const many = Array.from({ length: 30 }, (_, i) => `w${i % 12}`).join(' ');
    const bodies = [many, 'a b a', 'w1 a', 'c', many, 'aa bb a'];
    bodies.forEach((b, i) => assert.equal(stage.process(ref, event(b, i)), undefined));
    const result = stage.result();
    assert.deepEqual(asCounts(result.combined['reduceByKey-3']!), naiveCounts(bodies, (w) => w));
    assert.deepEqual(asCounts(result.combined['combineByKey-4']!), naiveCounts(bodies, (w) => w.length));
    assert.deepEqual(result.records['map-2'], bodies.map((b) => b.split(' ').length));
    // Keys keep their first-seen order, whatever path staged them.
    assert.deepEqual(result.combined['reduceByKey-3']!.slice(0, 3).map(([k]) => k), ['w0', 'w1', 'w2']);
  });

  test('a failing operator leaves no trace of its event in any combine or record list', () => {
    const g = graph();
    const stage = new TaskStage({ recordNodes: [g.checked], combineNodes: [g.counts] });
    assert.equal(stage.process(ref, event('a b', 0)), undefined);
    const many = Array.from({ length: 20 }, (_, i) => `x${i}`).join(' ');
    const failure = stage.process(ref, event(`a ${many} boom`, 1));
    assert.equal(failure?.operator, 'map-2');
    assert.equal((failure?.error as Error).message, 'boom');
    assert.equal(stage.process(ref, event('a', 2)), undefined);
    const result = stage.result();
    assert.deepEqual(result.combined['reduceByKey-3'], [['a', 2], ['b', 1]]);
    assert.deepEqual(result.records['map-2'], [2, 1]);
    assert.equal(stage.recordsOut, 4);
  });

  test('a failing key function is named as its combine; events of another source decode to nothing', () => {
    const g = graph();
    const picky: StreamNode = { ...g.counts, id: 'reduceByKey-9', mapSide: { ...g.counts.mapSide!, key: (r) => { if ((r as [string])[0] === 'bad') throw new Error('bad key'); return (r as [string])[0]; } } };
    const stage = new TaskStage({ recordNodes: [], combineNodes: [picky] });
    assert.equal(stage.process(ref, event('ok bad', 0))?.operator, 'reduceByKey-9 (combine)');
    assert.equal(stage.process({ source: 'other', partition: '0' }, event('ok', 1)), undefined);
    assert.deepEqual(stage.result().combined['reduceByKey-9'], []);
  });
});
