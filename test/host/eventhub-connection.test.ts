import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventHubConnectionOf } from '#local-host/eventhub-connection.js';
import type { RegisteredFunction } from '#local-host/invoke.js';

const CONNECTION_STRING = 'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=secret';

function trigger(extra: Record<string, unknown> = {}): RegisteredFunction {
  return {
    name: 'receive',
    metadata: { name: 'receive', bindings: {} },
    trigger: { type: 'eventHubTrigger', name: 'events', connection: 'EventHubConnection', eventHubName: 'events', ...extra },
  };
}

// Pure resolution only: nothing here constructs a credential or contacts Azure.
describe('Event Hubs trigger connection resolution', () => {
  test('a connection string is used as is, with the binding\'s hub', () => {
    assert.deepEqual(eventHubConnectionOf(trigger(), { EventHubConnection: CONNECTION_STRING }), {
      kind: 'connectionString', connectionString: CONNECTION_STRING, eventHubName: 'events',
    });
  });

  test('an EntityPath in the connection string wins over eventHubName', () => {
    const withPath = `${CONNECTION_STRING};EntityPath=other`;
    assert.deepEqual(eventHubConnectionOf(trigger(), { EventHubConnection: withPath }), {
      kind: 'connectionString', connectionString: withPath, eventHubName: 'other',
    });
  });

  test('the connection string wins when both it and the namespace are set', () => {
    const settings = { EventHubConnection: CONNECTION_STRING, EventHubConnection__fullyQualifiedNamespace: 'ns.servicebus.windows.net' };
    assert.equal(eventHubConnectionOf(trigger(), settings).kind, 'connectionString');
  });

  test('without a connection string, __fullyQualifiedNamespace selects identity with the default credential chain', () => {
    assert.deepEqual(eventHubConnectionOf(trigger(), { EventHubConnection__fullyQualifiedNamespace: 'ns.servicebus.windows.net' }), {
      kind: 'identity', fullyQualifiedNamespace: 'ns.servicebus.windows.net', eventHubName: 'events', credentialOptions: {},
    });
  });

  test('__clientId picks the user-assigned managed identity', () => {
    const settings = {
      EventHubConnection: '  ',
      EventHubConnection__fullyQualifiedNamespace: ' ns.servicebus.windows.net ',
      EventHubConnection__clientId: '00000000-0000-0000-0000-000000000001',
    };
    assert.deepEqual(eventHubConnectionOf(trigger(), settings), {
      kind: 'identity', fullyQualifiedNamespace: 'ns.servicebus.windows.net', eventHubName: 'events',
      credentialOptions: { managedIdentityClientId: '00000000-0000-0000-0000-000000000001' },
    });
  });

  test('neither setting: the error names both', () => {
    assert.throws(
      () => eventHubConnectionOf(trigger(), { EventHubConnection__clientId: 'x' }),
      (err: Error) => err.message.includes('"EventHubConnection"') && err.message.includes('"EventHubConnection__fullyQualifiedNamespace"') && err.message.includes('"receive"'),
    );
  });

  test('a missing connection name or hub name is reported', () => {
    assert.throws(() => eventHubConnectionOf(trigger({ connection: undefined }), {}), /has no "connection" setting name/);
    assert.throws(
      () => eventHubConnectionOf(trigger({ eventHubName: undefined }), { EventHubConnection__fullyQualifiedNamespace: 'ns.servicebus.windows.net' }),
      /has no eventHubName/,
    );
  });
});
