import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startAzurite } from '#dev/azurite.js';
import { startLocalHost } from '#local-host/local-host.js';
import { ManualClock } from '#sluice/util/clock.js';
import { createDurableExtension, type AttachedDurableRuntime } from '#local-durable/durable-extension.js';
import type { DurableHostApi } from '#local-host/durable-extension-point.js';
import { uniqueHub } from './fixtures.js';

const APP_DIR = fileURLToPath(new URL('../../../test/durable/host-app/', import.meta.url));

test('through the local host: an HTTP starter with df.app.client starts an orchestration that completes', async () => {
  const azurite = await startAzurite();
  let attached: AttachedDurableRuntime | undefined;
  const extension = createDurableExtension({ taskHub: uniqueHub('Host') });
  const host = await startLocalHost({
    appDir: APP_DIR,
    env: {},
    port: 0,
    clock: new ManualClock(Date.UTC(2025, 0, 1)),
    storageConnectionString: azurite.connectionString,
    log: () => undefined,
    durable: {
      attach: async (api: DurableHostApi) => (attached = await extension.attach(api)),
    },
  });
  try {
    const response = await fetch(`${host.url}/api/greet`, { method: 'POST', body: JSON.stringify(['Ada', 'Linus']) });
    assert.equal(response.status, 202);
    const links = (await response.json()) as { id: string; statusQueryGetUri: string };
    assert.ok(attached, 'the host attached the durable runtime');
    const final = await attached.runtime.waitFor(links.id, (s) => s.runtimeStatus === 'Completed' || s.runtimeStatus === 'Failed', 5000);
    assert.deepEqual(final.output, ['Hello Ada', 'Hello Linus']);
    assert.ok(links.statusQueryGetUri.startsWith(host.url), `status link ${links.statusQueryGetUri} points at this host`);
    const status = await fetch(links.statusQueryGetUri);
    assert.equal(status.status, 200);
    assert.equal(((await status.json()) as { runtimeStatus: string }).runtimeStatus, 'Completed');
  } finally {
    await host.stop();
    await azurite.close();
  }
});
