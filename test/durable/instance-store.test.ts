import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryEntityTable } from '#sluice/adapters/memory/memory-entity-table.js';
import { EventType, historyEvent } from '#local-durable/history-event.js';
import { InstanceStore, packHistoryRows, type InstanceRecord } from '#local-durable/instance-store.js';

const T0 = Date.UTC(2025, 0, 1);

function record(fields: Partial<InstanceRecord> = {}): InstanceRecord {
  return { instanceId: 'i1', name: 'orch', executionId: 'e1', status: 'Running', createdTime: T0, lastUpdatedTime: T0, nextEventId: 0, actionCount: 0, historyRows: 0, inboxConsumed: 0, ...fields };
}

// The store over the EntityTable port, on its in-memory twin (the Azure Table side runs in test/durable's runtime tests on Azurite).
describe('instance store over the EntityTable port', () => {
  test('an instance, its history rows and its inbox round-trip; consumed inbox rows are deleted', async () => {
    const table = new MemoryEntityTable();
    const store = new InstanceStore(table);
    const long = JSON.stringify('x'.repeat(70_000)); // spans several columns
    await store.create(record({ status: 'Pending', input: long }));
    await store.appendInbox('i1', { seq: 1, message: { kind: 'event', name: 'go', input: '{"n":1}' } });
    const events = [historyEvent(EventType.OrchestratorStarted, T0), historyEvent(EventType.ExecutionStarted, T0, { Name: 'orch', Input: long })];
    const rows = packHistoryRows(events);
    await store.commit({ record: record({ input: long, historyRows: rows.length, customStatus: '"half"' }), rows, staleRows: [], consumedInbox: [] });

    const loaded = await store.load('i1');
    assert.ok(loaded);
    assert.deepEqual(loaded.record, record({ input: long, historyRows: 1, customStatus: '"half"' }));
    assert.deepEqual(loaded.history, events);
    assert.deepEqual(loaded.inbox, [{ seq: 1, message: { kind: 'event', name: 'go', input: '{"n":1}' } }]);
    assert.deepEqual((await store.listRecords()).map((r) => r.instanceId), ['i1']);

    await store.commit({ record: record({ input: long, historyRows: 1, inboxConsumed: 1, status: 'Completed', output: '"done"' }), rows: [], staleRows: [], consumedInbox: [1] });
    assert.equal(await table.get('i1', 'inbox-000000000001'), undefined);
    assert.equal((await store.readRecord('i1'))?.output, '"done"');
    assert.equal(await store.purge('i1'), true);
    assert.deepEqual(await table.range('i1'), []);
    assert.equal(await store.load('i1'), undefined);
  });

  test('rows written in the earlier text-column layout are still read, so a persisted task hub resumes', async () => {
    const table = new MemoryEntityTable();
    const events = [historyEvent(EventType.OrchestratorStarted, T0), historyEvent(EventType.ExecutionStarted, T0, { Name: 'orch' })];
    const eventsText = JSON.stringify(events);
    await table.transact([
      {
        kind: 'upsert',
        entity: {
          partitionKey: 'old', rowKey: 'instance', Name: 'orch', ExecutionId: 'e0', RuntimeStatus: 'Running',
          CreatedTime: new Date(T0).toISOString(), LastUpdatedTime: new Date(T0).toISOString(),
          NextEventId: 0, ActionCount: 0, HistoryRows: 1, InboxConsumed: 0,
          Input: '{"a":', Input_1: '1}', InputParts: 2,
        },
      },
      { kind: 'upsert', entity: { partitionKey: 'old', rowKey: 'history-0000000000', Events: eventsText.slice(0, 10), Events_1: eventsText.slice(10), EventsParts: 2 } },
    ]);
    const store = new InstanceStore(table);
    const loaded = await store.load('old');
    assert.ok(loaded);
    assert.equal(loaded.record.input, '{"a":1}');
    assert.equal(loaded.record.output, undefined);
    assert.deepEqual(loaded.history, events);

    // What the store writes now is in the json-columns layout, and reads back the same.
    await store.commit({ record: { ...loaded.record, output: '"ok"' }, rows: [], staleRows: [], consumedInbox: [] });
    const row = (await table.get('old', 'instance'))!.entity;
    assert.equal(row['Input0'], JSON.stringify('{"a":1}'));
    assert.equal((await store.readRecord('old'))?.input, '{"a":1}');
  });
});
