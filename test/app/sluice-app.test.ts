import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { SluiceApp, SluiceAppOptions, StreamDefinitionError as StreamDefinitionErrorType } from 'sluice';
import { FunctionRegistry } from '#local-host/function-registry.js';
import { collectRegistrationsInto, installFunctionsCoreShim } from '#local-host/functions-core-shim.js';
import { pageViewsJob } from '../../sample/page-views-job.js';

// Registrations go through the worker's core API, as in Azure: each test collects them in its own registry.
let sluiceApp: (options?: SluiceAppOptions) => SluiceApp;
let StreamDefinitionError: typeof StreamDefinitionErrorType;
before(async () => {
  installFunctionsCoreShim();
  ({ sluiceApp, StreamDefinitionError } = await import('sluice'));
});

function fresh(env: Record<string, string> = {}): { app: SluiceApp; registry: FunctionRegistry } {
  const registry = new FunctionRegistry();
  collectRegistrationsInto(registry, () => {});
  return { app: sluiceApp({ env }), registry };
}

const job = pageViewsJob;
const rejects = (fn: () => unknown, pattern: RegExp): void => {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof StreamDefinitionError, String(err));
    assert.match(err.message, pattern);
    return true;
  });
};

test('two streams get distinct function names; the shared functions are registered once', () => {
  const { app, registry } = fresh();
  const shared = registry.list().map((r) => r.metadata.name);
  assert.deepEqual(shared.filter((n) => !n.startsWith('sluice_status_')), ['sluice_supervisor', 'sluice_start', 'sluice_stop', 'sluice_replay']);
  const a = app.stream({ name: 'clicks', source: { eventHubName: 'clicks' }, job });
  const b = app.stream({ name: 'orders', sources: { orders: { eventHubName: 'orders' }, views: { eventHubName: 'clicks', consumerGroup: 'orders' } }, job });
  assert.deepEqual(a.functionNames.filter((n) => n.endsWith('receiver')), ['sluice-clicks-receiver']);
  assert.deepEqual(b.functionNames.filter((n) => n.endsWith('receiver')), ['sluice-orders-orders-receiver', 'sluice-orders-views-receiver']);
  assert.equal(a.driverInstanceId, 'sluice-clicks');
  const all = registry.list().map((r) => r.metadata.name);
  assert.equal(all.length, shared.length + a.functionNames.length + b.functionNames.length);
  assert.equal(new Set(all).size, all.length);
  assert.ok(all.includes('sluice-clicks-driver') && all.includes('sluice-orders-driver') && all.includes('sluice-orders-replay-batch'));
  assert.deepEqual(app.streamNames(), ['clicks', 'orders']);
});

test('settings override the code: per-stream names first, then the single-stream SLUICE_* names, then the code', () => {
  const { app } = fresh({
    Sluice__Streams__a__EventHubName: 'hub-a', SLUICE_EVENTHUB_NAME: 'legacy', SLUICE_CONSUMER_GROUP: 'sluice',
    Sluice__Streams__c__Sources__x__EventHubName: 'hub-x', Sluice__Streams__c__Sources__x__ConsumerGroup: 'cx',
  });
  assert.deepEqual(app.stream({ name: 'a', source: { eventHubName: 'code-a' }, job }).sources.map((s) => [s.eventHubName, s.consumerGroup, s.gapConsumerGroup]), [['hub-a', 'sluice', '$Default']]);
  assert.deepEqual(app.stream({ name: 'b', job }).sources.map((s) => [s.source, s.eventHubName]), [['events', 'legacy']]);
  assert.deepEqual(app.stream({ name: 'c', sources: { x: { eventHubName: 'code-x' }, y: {} }, job }).sources.map((s) => [s.source, s.eventHubName, s.consumerGroup, s.gapConsumerGroup]), [
    ['x', 'hub-x', 'cx', 'sluice-gaps'], ['y', 'y', '$Default', 'sluice-gaps'],
  ]);
  const { app: single } = fresh({ SLUICE_STREAM_NAME: 'legacy-name' });
  assert.equal(single.stream({ job }).name, 'legacy-name', 'a stream without a name takes SLUICE_STREAM_NAME');
  const { app: shared } = fresh({ Sluice__StreamName: 'shared-name', SLUICE_STREAM_NAME: 'legacy-name' });
  assert.equal(shared.stream({ job }).name, 'shared-name', 'Sluice__StreamName, as the Bicep writes it, wins over the legacy name');
  rejects(() => fresh({ Sluice__StreamName: 'Bad_Name' }).app.stream({ job }), /Sluice__StreamName="Bad_Name" is invalid/);
});

test('a duplicate or invalid stream, a source that breaks the rules, and colliding function names are refused with the rule', () => {
  const { app, registry } = fresh();
  app.stream({ name: 'a-b', sources: { c: {} }, job });
  const before = registry.list().length;
  rejects(() => app.stream({ name: 'a-b', job }), /stream "a-b" is registered twice/);
  rejects(() => app.stream({ name: 'Orders', job }), /stream name "Orders" is invalid: a stream name has 1 to 40 characters: lowercase letters/);
  rejects(() => app.stream({ name: 'x'.repeat(41), job }), /is invalid: a stream name has 1 to 40 characters/);
  rejects(() => app.stream({ name: 'a', sources: { 'b-c': {} }, job }), /function name "sluice-a-b-c-receiver" is already taken by stream "a-b"/);
  rejects(() => app.stream({ name: 'd', sources: { Views: {} }, job }), /source "Views" is invalid: a source name has 1 to 40 characters/);
  rejects(() => app.stream({ name: 'e', source: {}, sources: { x: {} }, job }), /gives both "source" and "sources"/);
  rejects(() => app.stream({ name: 'f', source: { eventHubName: 'bad hub!' }, job }), /stream "f": event hub name "bad hub!" \(from the code\) is invalid: 1 to 256 characters/);
  rejects(() => app.stream({ name: 'g', source: { consumerGroup: 'g1', gapConsumerGroup: 'g1' }, job }), /gap-fill consumer group "g1" \(from the code\) is invalid: it must differ from the trigger's consumer group/);
  rejects(() => app.stream({ name: 'h', job: {} as typeof job }), /stream "h" has no job/);
  assert.equal(registry.list().length, before, 'a refused stream registers nothing');
});

test('a gap-fill group that another stream\'s trigger reads on the same hub is refused, naming both', () => {
  const { app } = fresh();
  app.stream({ name: 'views', source: { eventHubName: 'pageviews', consumerGroup: 'sluice-gaps', gapConsumerGroup: 'gaps2' }, job });
  rejects(() => app.stream({ name: 'orders', sources: { views: { eventHubName: 'pageviews', consumerGroup: 'orders' } }, job }),
    /gap-fill consumer group "sluice-gaps" on hub "pageviews" is the trigger group of stream "views" source "events"/);
});

test('the host\'s function-name rule: a letter first, 128 characters at most, not "host"', async () => {
  const { isValidFunctionName } = await import('#sluice/app/function-names.js');
  assert.ok(isValidFunctionName(`sluice-${'a'.repeat(40)}-${'b'.repeat(40)}-receiver`));
  assert.ok(isValidFunctionName('a'.repeat(128)));
  assert.equal(isValidFunctionName('a'.repeat(129)), false);
  assert.equal(isValidFunctionName('1abc'), false);
  assert.equal(isValidFunctionName('HOST'), false);
  assert.equal(isValidFunctionName('a.b'), false);
});

test('source settings are matched as Azure spells them, and a source name the code does not have is refused', () => {
  // App Service setting names hold no hyphens: a stream "web-orders" is written web_orders, in any case.
  const { app } = fresh({ SLUICE__STREAMS__WEB_ORDERS__SOURCES__VIEWS__EVENTHUBNAME: 'views-prod' });
  const s = app.stream({ name: 'web-orders', sources: { orders: { eventHubName: 'orders' }, views: { eventHubName: 'pageviews', consumerGroup: 'orders' } }, job });
  assert.equal(s.sources.find((x) => x.source === 'views')?.eventHubName, 'views-prod');
  assert.equal(s.sources.find((x) => x.source === 'orders')?.eventHubName, 'orders', 'the other source keeps its code');

  const typo = fresh({ Sluice__Streams__orders__Sources__veiws__EventHubName: 'pageviews' });
  rejects(
    () => typo.app.stream({ name: 'orders', sources: { orders: { eventHubName: 'orders' }, views: { eventHubName: 'pageviews', consumerGroup: 'orders' } }, job }),
    /Sluice__Streams__orders__Sources__veiws__EventHubName names source "veiws" of stream "orders", which reads "orders", "views"/,
  );
  const twice = fresh({ Sluice__Streams__orders__EventHubName: 'a', sluice__streams__orders__eventhubname: 'b' });
  rejects(() => twice.app.stream({ name: 'orders', job }), /Sluice__Streams__orders__EventHubName="a" and sluice__streams__orders__eventhubname="b" all set the event hub name of stream "orders": keep one/);
});
