import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventHubBatchInput, eventHubSingleInput, type ReceivedEventLike } from '#local-host/eventhub-batch-input.js';
import { RpcEncoded } from '#local-host/rpc-typed-data.js';

const partition = { fullyQualifiedNamespace: 'ns', eventHubName: 'hub', consumerGroup: '$Default', partitionId: '3' };
const at = (iso: string) => new Date(iso);

/** SystemPropertiesArray as the host would send it: Json.NET text. */
function systemJson(events: ReceivedEventLike[]): string {
  const encoded = eventHubBatchInput(events, partition, { dataType: 'binary', includeEmptyEntries: false }).triggerMetadata!['SystemPropertiesArray'];
  assert.ok(encoded instanceof RpcEncoded);
  return encoded.data.json!;
}

// The extension copies the annotations, then sets SequenceNumber, Offset, PartitionKey and
// EnqueuedTimeUtc (azure-sdk-for-net, EventHubTriggerBindingStrategy.cs, GetSystemPropertiesForBinding);
// the x-opt-* keys are the annotations the SDK itself lifts out of SystemProperties.
test('system properties keep the extension key order, with and without a partition key and other annotations', () => {
  const events: ReceivedEventLike[] = [
    { body: Buffer.from('a'), sequenceNumber: 7, offset: '4096', enqueuedTimeUtc: at('2026-11-29T03:00:00.120Z'), partitionKey: null },
    { body: Buffer.from('b'), sequenceNumber: 8, offset: '4200', enqueuedTimeUtc: at('2026-11-29T03:00:01.000Z'), partitionKey: 'user-1', systemProperties: {} },
    {
      body: Buffer.from('d'), sequenceNumber: 9, offset: 'off"set\n', enqueuedTimeUtc: at('2026-11-29T03:00:01.001Z'), partitionKey: 'say "hi"\u2028',
      systemProperties: { contentType: 'application/json', 10: 'an integer-like key', absent: undefined, nested: { a: [1, null] } },
    },
    {
      body: Buffer.from('c'), sequenceNumber: 2 ** 40, offset: 'not-a-number', enqueuedTimeUtc: at('2026-11-29T03:00:02.500Z'), partitionKey: '',
      systemProperties: { 'message-id': 'm-1', 'x-opt-offset': 'stale', 'content-type': 'text/plain' },
    },
  ];
  assert.equal(systemJson(events), JSON.stringify([
    {
      'x-opt-sequence-number': 7, 'x-opt-offset': '4096', 'x-opt-enqueued-time': '2026-11-29T03:00:00.120Z',
      SequenceNumber: 7, Offset: 4096, PartitionKey: null, EnqueuedTimeUtc: '2026-11-29T03:00:00.12',
    },
    {
      'x-opt-sequence-number': 8, 'x-opt-offset': '4200', 'x-opt-enqueued-time': '2026-11-29T03:00:01.000Z', 'x-opt-partition-key': 'user-1',
      SequenceNumber: 8, Offset: 4200, PartitionKey: 'user-1', EnqueuedTimeUtc: '2026-11-29T03:00:01',
    },
    {
      // Annotations come first, integer-like keys ahead of the rest, as in any JavaScript object.
      10: 'an integer-like key', contentType: 'application/json', nested: { a: [1, null] },
      'x-opt-sequence-number': 9, 'x-opt-offset': 'off"set\n', 'x-opt-enqueued-time': '2026-11-29T03:00:01.001Z', 'x-opt-partition-key': 'say "hi"\u2028',
      SequenceNumber: 9, Offset: 'off"set\n', PartitionKey: 'say "hi"\u2028', EnqueuedTimeUtc: '2026-11-29T03:00:01.001',
    },
    {
      // An annotation the SDK left in place keeps its position and takes the extension's value.
      'message-id': 'm-1', 'x-opt-offset': 'not-a-number', 'content-type': 'text/plain',
      'x-opt-sequence-number': 2 ** 40, 'x-opt-enqueued-time': '2026-11-29T03:00:02.500Z', 'x-opt-partition-key': '',
      SequenceNumber: 2 ** 40, Offset: 'not-a-number', PartitionKey: '', EnqueuedTimeUtc: '2026-11-29T03:00:02.5',
    },
  ]));
});

test('enqueued times are zoneless in the batch array and the single-event shape alike', () => {
  const event: ReceivedEventLike = { body: Buffer.from('a'), sequenceNumber: 1, offset: '1', enqueuedTimeUtc: at('2026-11-29T03:00:00.100Z'), partitionKey: 'k' };
  const batch = eventHubBatchInput([event], partition, { dataType: 'binary', includeEmptyEntries: false }).triggerMetadata!['EnqueuedTimeUtcArray'];
  assert.ok(batch instanceof RpcEncoded);
  assert.equal(batch.data.json, '["2026-11-29T03:00:00.1"]');
  const single = eventHubSingleInput(event, partition, { dataType: 'binary', includeEmptyEntries: false }).triggerMetadata!;
  assert.equal(single['EnqueuedTimeUtc'], '2026-11-29T03:00:00.1');
  assert.equal((single['SystemProperties'] as Record<string, unknown>)['x-opt-enqueued-time'], '2026-11-29T03:00:00.100Z');
});
