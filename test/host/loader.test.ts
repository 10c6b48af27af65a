import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveEntryFiles } from '#local-host/entry-files.js';
import { loadFunctionsApp } from '#local-host/function-app-loader.js';
import { startLocalHost, type LocalHost } from '#local-host/local-host.js';
import { registeredFunctions } from '#local-host/registered-functions.js';
import { ManualClock } from '#sluice/util/clock.js';
import { callsOf, hookEvents } from '../fixtures/host-app/recorder.js';
import { FIXTURE_APP_DIR, logCollector, NO_EVENT_HUBS } from './host-test-support.js';

describe('loading a v4 app through the functions-core shim', () => {
  test('finds every function with its registration metadata', async () => {
    const { lines, log } = logCollector();
    const registry = await loadFunctionsApp(FIXTURE_APP_DIR, { log });
    const byName = new Map(registry.list().map((r) => [r.metadata.name, r.metadata]));
    assert.deepEqual([...byName.keys()].sort(), [
      'boom', 'defaultRoute', 'echo', 'hello', 'helloSequence', 'ingest', 'onStartup', 'sayHello', 'startHello',
      'status', 'tickA', 'tickB',
    ]);

    const echo = byName.get('echo')?.bindings ?? {};
    const [echoTriggerName, echoTrigger] = Object.entries(echo).find(([, b]) => b.type === 'httpTrigger') ?? [];
    assert.match(echoTriggerName ?? '', /^httpTrigger/);
    assert.deepEqual(echoTrigger, {
      type: 'httpTrigger', name: echoTriggerName, direction: 'in', methods: ['GET', 'POST'], route: 'items/{id:int}/{name?}',
      authLevel: 'function', properties: { supportsDeferredBinding: 'false' },
    });
    assert.equal(echo.$return?.type, 'http');

    const ingest = byName.get('ingest');
    const trigger = Object.values(ingest?.bindings ?? {}).find((b) => b.type === 'eventHubTrigger');
    assert.equal(trigger?.eventHubName, '%HUB_NAME%');
    assert.equal(trigger?.cardinality, 'many');
    assert.equal(ingest?.retryOptions?.retryStrategy, 'fixedDelay');
    assert.deepEqual(ingest?.retryOptions?.delayInterval, { seconds: 5 });

    // durable-functions registers through app.generic like everything else.
    assert.equal(Object.values(byName.get('helloSequence')?.bindings ?? {})[0]?.type, 'orchestrationTrigger');
    assert.equal(Object.values(byName.get('sayHello')?.bindings ?? {})[0]?.type, 'activityTrigger');
    const client = Object.values(byName.get('startHello')?.bindings ?? {}).find((b) => b.type === 'durableClient');
    assert.equal(client?.direction, 'in');

    // One line per function: name, trigger type, route/schedule/hub.
    assert.ok(lines.some((l) => l.includes('echo: [httpTrigger] GET,POST /api/items/{id:int}/{name?}')), lines.join('\n'));
    assert.ok(lines.some((l) => l.includes('tickA: [timerTrigger] schedule=*/10 * * * * *')));
    assert.ok(lines.some((l) => l.includes('ingest: [eventHubTrigger] hub=%HUB_NAME%')));
    assert.ok(lines.some((l) => l.includes('sayHello: [activityTrigger]')));
  });

  test('loading the same app again returns the same registry (modules run once per process)', async () => {
    const quiet = logCollector().log;
    assert.equal(await loadFunctionsApp(FIXTURE_APP_DIR, { log: quiet }), await loadFunctionsApp(FIXTURE_APP_DIR, { log: quiet }));
  });

  test('%SETTING% references resolve from env over local.settings.json, and a missing one is an error', async () => {
    const registry = await loadFunctionsApp(FIXTURE_APP_DIR, { log: logCollector().log });
    const { loadAppSettings } = await import('#local-host/app-settings.js');
    const settings = loadAppSettings(FIXTURE_APP_DIR, { HUB_NAME: 'from-env' });
    const functions = new Map(registeredFunctions(registry, settings).map((f) => [f.name, f]));
    assert.equal(functions.get('hello')?.trigger.route, 'greetings/{who}'); // local.settings.json
    assert.equal(functions.get('tickB')?.trigger.schedule, '5-59/20 * * * * *');
    assert.equal(functions.get('ingest')?.trigger.eventHubName, 'from-env'); // env wins
    // The registration itself keeps the reference, as the worker's metadata does.
    assert.equal(functions.get('ingest')?.metadata.bindings[functions.get('ingest')?.trigger.name ?? '']?.eventHubName, '%HUB_NAME%');

    const { HUB_NAME: _dropped, ...withoutHub } = settings;
    assert.throws(() => registeredFunctions(registry, withoutHub), /Function "ingest" trigger option "eventHubName" refers to %HUB_NAME%, but no app setting "HUB_NAME" is defined/);
  });

  test('package.json main may be a glob or a single file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'host-entry-'));
    mkdirSync(join(dir, 'dist', 'functions', 'nested'), { recursive: true });
    for (const f of ['dist/functions/a.js', 'dist/functions/b.js', 'dist/functions/b.js.map', 'dist/functions/nested/c.js', 'dist/index.js']) {
      writeFileSync(join(dir, f), '');
    }
    const rel = (files: string[]): string[] => files.map((f) => f.slice(dir.length + 1).split('\\').join('/'));
    assert.deepEqual(rel(resolveEntryFiles(dir, 'dist/functions/*.js')), ['dist/functions/a.js', 'dist/functions/b.js']);
    assert.deepEqual(rel(resolveEntryFiles(dir, 'dist/**/*.js')), ['dist/functions/a.js', 'dist/functions/b.js', 'dist/functions/nested/c.js', 'dist/index.js']);
    assert.deepEqual(rel(resolveEntryFiles(dir, 'dist/index.js')), ['dist/index.js']);
    assert.throws(() => resolveEntryFiles(dir, 'dist/missing.js'), /does not exist.*is the app built/);
    assert.throws(() => resolveEntryFiles(dir, 'out/*.js'), /matches no files/);
  });
});

describe('invoking a function as the worker does', () => {
  let host: LocalHost;
  const collected = logCollector();

  before(async () => {
    host = await startLocalHost({
      appDir: FIXTURE_APP_DIR, env: { ...NO_EVENT_HUBS, HUB_NAME: 'hub-x' }, port: 0, clock: new ManualClock(0), log: collected.log,
    });
  });
  after(() => host.stop());

  test('the handler gets a real InvocationContext with functionName, invocationId and camel-cased triggerMetadata', async () => {
    await host.invoke('ingest', {
      triggerValue: ['{"n":1}', 'plain text'],
      triggerMetadata: {
        PartitionContext: { FullyQualifiedNamespace: 'ns.example', EventHubName: 'hub-x', ConsumerGroup: '$Default', PartitionId: '3' },
        OffsetArray: ['10', '20'],
        SequenceNumberArray: [1, 2],
        PropertiesArray: [{ UserKey: 'v' }, {}],
      },
    });
    const call = callsOf('ingest').at(-1);
    assert.ok(call);
    assert.equal(call.functionName, 'ingest');
    assert.match(call.invocationId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(call.input, [{ n: 1 }, 'plain text']);
    assert.deepEqual(call.triggerMetadata, {
      partitionContext: { fullyQualifiedNamespace: 'ns.example', eventHubName: 'hub-x', consumerGroup: '$Default', partitionId: '3' },
      offsetArray: ['10', '20'],
      sequenceNumberArray: [1, 2],
      propertiesArray: [{ userKey: 'v' }, {}],
    });
  });

  test('a handler error rejects invoke and prints one line', async () => {
    await assert.rejects(
      host.invoke('ingest', { triggerValue: ['{"fail":true}'] }),
      /ingest refuses a poisoned batch/,
    );
    assert.equal(collected.lines.filter((l) => l.includes("Executed 'Functions.ingest' (Failed")).length, 1);
    await assert.rejects(host.invoke('nope', { triggerValue: null }), /No function named "nope"/);
  });

  test('activities run through invoke and resolve to their return value (the durable runtime path)', async () => {
    assert.equal(await host.invoke('sayHello', { triggerValue: 'Lisbon' }), 'Hello Lisbon');
  });

  test('appStart, preInvocation and postInvocation hooks run where the worker runs them', async () => {
    await host.invoke('sayHello', { triggerValue: 'Oslo' });
    assert.ok(hookEvents.includes('appStart'));
    const tail = hookEvents.slice(-2);
    assert.deepEqual(tail, ['preInvocation:sayHello', 'postInvocation:sayHello:true']);
  });

  test('a durableClient input without an attached durable runtime is a clear error', async () => {
    await assert.rejects(host.invoke('startHello', { triggerValue: { method: 'GET', url: 'http://x/api/start/a' } }), /no durable runtime is attached/);
  });
});
