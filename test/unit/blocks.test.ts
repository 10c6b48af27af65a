import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeBlock, encodeBlock } from '#sluice/receiver/block-codec.js';
import { cutBlocks } from '#sluice/receiver/block-generator.js';
import type { ReceivedEvent } from '#sluice/receiver/received-event.js';
import { planTasks } from '#sluice/scheduler/task-planner.js';
import type { BatchAllocated } from '#sluice/wal/wal-events.js';

const event = (seq: number, t: number, body: string | Uint8Array = `e${seq}`): ReceivedEvent => ({ body, sequenceNumber: seq, offset: String(seq * 100), enqueuedTime: t });

test('block format v2 keeps every event field and every body byte-exact', () => {
  const events: ReceivedEvent[] = [
    { body: Buffer.from('{"n":12345678901234567890, "x": 1.0}'), sequenceNumber: 7, offset: '700', enqueuedTime: 1_700_000_000_123, partitionKey: 'user-1', properties: { app: 'web', n: 2 }, systemProperties: { sequenceNumber: 7 } },
    { body: Uint8Array.of(0, 255, 10, 13), sequenceNumber: 8, offset: '800', enqueuedTime: 1_700_000_000_124 },
    { body: new Uint8Array(0), sequenceNumber: 9, offset: '900', enqueuedTime: 1_700_000_000_125 },
    { body: Buffer.from('\uFEFF"abc"\n\u2028ü€😀', 'utf8'), sequenceNumber: 10, offset: '1000', enqueuedTime: 1_700_000_000_126 },
  ];
  const [block] = cutBlocks(events, 1000, 1 << 20);
  const data = encodeBlock({ source: 'events', partition: '3', first: 7, last: 10, count: 4 }, block!.lines);
  const { header, events: back } = decodeBlock(data);
  assert.deepEqual(header, { sluiceBlock: 2, source: 'events', partition: '3', first: 7, last: 10, count: 4 });
  back.forEach((e, i) => {
    assert.ok(e.body instanceof Uint8Array, `body ${i} decodes as bytes`);
    assert.equal(Buffer.from(e.body).toString('hex'), Buffer.from(events[i]!.body as Uint8Array).toString('hex'), `body ${i}`);
  });
  assert.deepEqual({ ...back[0], body: undefined }, { ...events[0], body: undefined });
  assert.deepEqual({ ...back[1], body: undefined }, { ...events[1], body: undefined, partitionKey: null, properties: {} });
  // Valid UTF-8 stays readable text in the block; other bytes go as base64.
  assert.match(block!.lines[0]!, /"b":"\{\\"n\\":12345678901234567890, \\"x\\": 1.0\}"/);
  assert.match(block!.lines[1]!, /"x":"AP8KDQ=="/);
});

test('blocks of format v1 are still read: text bodies stay text, binary ones bytes', () => {
  const v1 = '{"sluiceBlock":1,"source":"events","partition":"3","first":7,"last":8,"count":2}\n' +
    '{"s":7,"o":"700","t":5,"k":"user-1","p":{"app":"web"},"b":"{\\"a\\":1}"}\n{"s":8,"o":"800","t":6,"x":"AP8KDQ=="}\n';
  const { header, events } = decodeBlock(Buffer.from(v1));
  assert.equal(header.sluiceBlock, 1);
  assert.deepEqual(events[0], { body: '{"a":1}', sequenceNumber: 7, offset: '700', enqueuedTime: 5, partitionKey: 'user-1', properties: { app: 'web' } });
  assert.deepEqual(events[1], { body: Uint8Array.of(0, 255, 10, 13), sequenceNumber: 8, offset: '800', enqueuedTime: 6, partitionKey: null, properties: {} });
});

test('a block of another format version, or truncated, is refused', () => {
  assert.throws(() => decodeBlock(Buffer.from('{"sluiceBlock":3}\n')), /unsupported block format 3/);
  const lines = cutBlocks([event(1, 0), event(2, 0)], 1000, 1 << 20)[0]!.lines;
  const data = Buffer.from(encodeBlock({ source: 's', partition: '0', first: 1, last: 2, count: 2 }, lines)).toString().split('\n').slice(0, 2).join('\n');
  assert.throws(() => decodeBlock(Buffer.from(data)), /truncated: 1 of 2/);
});

test('blocks are cut at block-interval boundaries of enqueued time', () => {
  const blocks = cutBlocks([event(0, 0), event(1, 150), event(2, 199), event(3, 200), event(4, 450)], 200, 1 << 20);
  assert.deepEqual(blocks.map((b) => [b.first, b.last]), [[0, 2], [3, 3], [4, 4]]);
});

test('blocks are cut before they pass max block bytes', () => {
  const events = Array.from({ length: 10 }, (_, i) => event(i, 0, 'x'.repeat(100)));
  const blocks = cutBlocks(events, 1000, 400);
  assert.ok(blocks.length > 1);
  for (const b of blocks) assert.ok(b.bytes <= 400, `block ${b.first}-${b.last} has ${b.bytes} bytes`);
  assert.deepEqual(blocks.flatMap((b) => b.lines.map((l) => JSON.parse(l).s)), events.map((e) => e.sequenceNumber));
});

function allocation(blockCounts: number[][]): BatchAllocated {
  return {
    kind: 'BatchAllocated', time: 1000, allocatedAt: 1000, records: 0, bytes: 0,
    ranges: blockCounts.map((counts, p) => ({ source: 'events', partition: String(p), after: -1, upTo: 0, blocks: counts.map((count, i) => ({ first: i * 100, last: i * 100 + count - 1, count, bytes: count })) })),
  };
}

test('planTasks: at most N tasks, contiguous, every block once, in order', () => {
  const alloc = allocation([[10, 10, 10], [10, 10], [], [10, 10, 10, 10]]);
  for (const n of [1, 2, 3, 4, 8, 20]) {
    const plans = planTasks(alloc, n);
    assert.equal(plans.length, Math.min(n, 9));
    const flat = plans.flatMap((p) => p.blocks.map((b) => `${b.partition}:${b.first}`));
    assert.deepEqual(flat, alloc.ranges.flatMap((r) => r.blocks.map((b) => `${r.partition}:${b.first}`)));
    assert.ok(plans.every((p) => p.blocks.length > 0));
  }
  const balanced = planTasks(alloc, 3).map((p) => p.blocks.reduce((n, b) => n + b.count, 0));
  assert.deepEqual(balanced, [30, 30, 30]);
  assert.deepEqual(planTasks(allocation([[], []]), 4), []);
});
