import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DurableExtension, DurableHostApi } from '#local-host/durable-extension-point.js';
import { compileRoute } from '#local-host/http-route.js';
import { startLocalHost, type LocalHost } from '#local-host/local-host.js';
import { ManualClock } from '#sluice/util/clock.js';
import { FIXTURE_APP_DIR, logCollector, NO_EVENT_HUBS } from './host-test-support.js';

describe('route templates', () => {
  test('parameters, optional parameters, constraints and catch-all', () => {
    const items = compileRoute('api', 'items/{id:int}/{name?}');
    assert.deepEqual(items.match('/api/items/42/bob'), { id: '42', name: 'bob' });
    assert.deepEqual(items.match('/api/items/42'), { id: '42' });
    assert.deepEqual(items.match('/API/Items/42/'), { id: '42' });
    assert.equal(items.match('/api/items/x'), undefined);
    assert.equal(items.match('/api/items/1/2/3'), undefined);
    assert.deepEqual(compileRoute('api', 'files/{*path}').match('/api/files/a/b%20c.txt'), { path: 'a/b c.txt' });
    assert.deepEqual(compileRoute('api', 'doc.{ext}').match('/api/doc.pdf'), { ext: 'pdf' });
    assert.deepEqual(compileRoute('', 'root').match('/root'), {});
    assert.ok(compileRoute('api', 'items/list').precedence > compileRoute('api', 'items/{id}').precedence);
  });
});

describe('HTTP triggers', () => {
  let host: LocalHost;
  let attachedWith: DurableHostApi | undefined;
  const collected = logCollector();

  // Stands in for the durable runtime: the client binding plus a webhook mounted on the host.
  const fakeDurable: DurableExtension = {
    async attach(api) {
      attachedWith = api;
      api.mount('/runtime/webhooks/durabletask', (req, res) => {
        res.writeHead(202, { 'content-type': 'text/plain' }).end(`durable ${req.method} ${req.url}`);
      });
      return {
        clientBinding: () => ({
          taskHubName: 'TestHub',
          creationUrls: { createNewInstancePostUri: `${api.baseUrl}/runtime/webhooks/durabletask/orchestrators/{functionName}` },
          managementUrls: { id: 'INSTANCEID', statusQueryGetUri: `${api.baseUrl}/runtime/webhooks/durabletask/instances/INSTANCEID` },
          baseUrl: `${api.baseUrl}/runtime/webhooks/durabletask`,
          requiredQueryStringParameters: '',
          rpcBaseUrl: `${api.baseUrl}/runtime/webhooks/durabletask/`,
        }),
        stop: async () => {},
      };
    },
  };

  before(async () => {
    host = await startLocalHost({
      appDir: FIXTURE_APP_DIR,
      env: { ...NO_EVENT_HUBS, HUB_NAME: 'unused' },
      port: 0,
      clock: new ManualClock(0),
      storageConnectionString: 'UseDevelopmentStorage=true',
      durable: fakeDurable,
      log: collected.log,
    });
  });
  after(() => host.stop());

  test('route params, query and headers reach a real HttpRequest; the response maps back', async () => {
    const res = await fetch(`${host.url}/api/items/42/bob?q=x&tag=a`, { headers: { 'x-test': 'hdr' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    const body = await res.json() as Record<string, unknown>;
    assert.equal(body.functionName, 'echo');
    assert.equal(body.isContextInstance, true);
    assert.equal(body.method, 'GET');
    assert.equal(body.id, '42');
    assert.equal(body.name, 'bob');
    assert.equal(body.q, 'x');
    assert.deepEqual(body.tags, ['a']);
    assert.equal(body.header, 'hdr');
  });

  test('JSON body on POST, optional parameter absent, status from HttpResponseInit', async () => {
    const res = await fetch(`${host.url}/api/items/7`, {
      method: 'POST', body: JSON.stringify({ a: [1, 2] }), headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, 201);
    const body = await res.json() as Record<string, unknown>;
    assert.equal(body.name, null);
    assert.deepEqual(body.body, { a: [1, 2] });
  });

  test('an HttpResponse maps status, headers, cookies and body', async () => {
    const res = await fetch(`${host.url}/api/status/418`);
    assert.equal(res.status, 418);
    assert.equal(res.headers.get('x-fixture'), 'yes');
    assert.equal(res.headers.get('set-cookie'), 'sid=abc; Path=/; HttpOnly');
    assert.equal(await res.text(), 'status 418');
  });

  test('default route is the function name; %SETTING% routes are resolved', async () => {
    assert.equal(await (await fetch(`${host.url}/api/defaultRoute`)).text(), 'default route');
    assert.equal(await (await fetch(`${host.url}/api/greetings/ann`)).text(), 'hello ann');
  });

  test('unknown routes, constraint misses and wrong methods get 404; a throwing handler gets 500', async () => {
    for (const [path, method] of [['/api/nope', 'GET'], ['/api/items/abc', 'GET'], ['/api/status/200', 'POST'], ['/other', 'GET']] as const) {
      const res = await fetch(`${host.url}${path}`, { method });
      assert.equal(res.status, 404, `${method} ${path}`);
      await res.arrayBuffer();
    }
    const res = await fetch(`${host.url}/api/boom`);
    assert.equal(res.status, 500);
    await res.arrayBuffer();
    assert.ok(collected.lines.some((l) => l.includes("Executed 'Functions.boom' (Failed") && l.includes('boom from the fixture')));
  });

  test('the durable attach point gets invoke, functions and mount; durableClient inputs get its binding', async () => {
    assert.ok(attachedWith);
    assert.equal(attachedWith.baseUrl, host.url);
    assert.ok(attachedWith.functions.some((f) => f.name === 'helloSequence' && f.trigger.type === 'orchestrationTrigger'));
    assert.equal(await attachedWith.invoke('sayHello', { triggerValue: 'Rome' }), 'Hello Rome');

    const mounted = await fetch(`${host.url}/runtime/webhooks/durabletask/instances/abc?x=1`);
    assert.equal(mounted.status, 202);
    assert.equal(await mounted.text(), 'durable GET /runtime/webhooks/durabletask/instances/abc?x=1');

    const started = await fetch(`${host.url}/api/start/x`);
    assert.equal(started.status, 200);
    assert.deepEqual(await started.json(), { taskHubName: 'TestHub' });
  });
});
