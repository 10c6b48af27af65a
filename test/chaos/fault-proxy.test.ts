import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { startAzurite, type Azurite } from '#dev/azurite.js';
import { FaultProxy, type FaultProxyOptions } from '../support/fault-proxy.js';

let azurite: Azurite;
let n = 0;
before(async () => {
  azurite = await startAzurite();
});
after(async () => {
  await azurite.close();
});

/** A container reached through a new proxy, with the SDK's retries off so each fault shows. */
async function through(options: FaultProxyOptions): Promise<{ proxy: FaultProxy; container: ContainerClient; direct: ContainerClient }> {
  const name = `proxy-${++n}`;
  const direct = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(name);
  await direct.create();
  const proxy = await FaultProxy.start(azurite.connectionString, options);
  const container = BlobServiceClient.fromConnectionString(proxy.connectionString, { retryOptions: { maxTries: 1 } }).getContainerClient(name);
  return { proxy, container, direct };
}

const statusOf = async (p: Promise<unknown>): Promise<number | string> => p.then(() => 200, (e: { statusCode?: number; code?: string }) => e.statusCode ?? e.code ?? 'error');

test('the same seed draws the same faults for the same requests, and another seed draws others', async () => {
  const run = async (seed: number): Promise<string[]> => {
    const { proxy, container } = await through({ seed, rates: { reject: 0.2, failAfter: 0.2, drop: 0.1 } });
    try {
      for (let i = 0; i < 40; i++) await statusOf(container.getBlockBlobClient(`b${i}`).upload('x', 1));
      return proxy.trace;
    } finally {
      await proxy.close();
    }
  };
  const [a, b, c] = [await run(7), await run(7), await run(8)];
  assert.equal(a.length, 40);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.ok(new Set(a).size >= 4, `a mix of faults was drawn: ${[...new Set(a)].join(', ')}`);
});

test('without faults, requests and replies pass unchanged (a HEAD reply keeps the blob length)', async () => {
  const { proxy, container } = await through({ seed: 1 });
  try {
    const data = Buffer.from('x'.repeat(70_000));
    await container.getBlockBlobClient('whole').upload(data, data.length);
    assert.equal((await container.getBlockBlobClient('whole').getProperties()).contentLength, data.length);
    assert.deepEqual(await container.getBlockBlobClient('whole').downloadToBuffer(), data);
    assert.equal(proxy.injected, 0);
  } finally {
    await proxy.close();
  }
});

test('a 503 before storage leaves storage untouched', async () => {
  const { proxy, container, direct } = await through({ seed: 1, rates: { reject: 1 } });
  try {
    assert.equal(await statusOf(container.getBlockBlobClient('a').upload('x', 1)), 503);
    assert.equal(await direct.getBlockBlobClient('a').exists(), false);
    assert.equal(proxy.counts.reject, 1);
  } finally {
    await proxy.close();
  }
});

test('a 500 after the write: the write happened, and the retry meets it as a 409', async () => {
  const { proxy, container, direct } = await through({ seed: 1, rates: { failAfter: 1 } });
  try {
    const blob = container.getBlockBlobClient('once');
    const create = (): Promise<unknown> => blob.upload('first', 5, { conditions: { ifNoneMatch: '*' } });
    assert.equal(await statusOf(create()), 500);
    assert.equal((await direct.getBlockBlobClient('once').downloadToBuffer()).toString(), 'first');
    proxy.setRates({});
    assert.equal(await statusOf(create()), 409);
    assert.equal(proxy.counts.failAfter, 1);
    assert.equal(proxy.counts.conditionFailures, 1);
  } finally {
    await proxy.close();
  }
});

test('a dropped connection fails the call without an answer', async () => {
  const { proxy, container } = await through({ seed: 1, rates: { drop: 1 } });
  try {
    const status = await statusOf(container.getBlockBlobClient('d').upload('x', 1));
    assert.equal(typeof status, 'string', `a network error, not an HTTP status: ${String(status)}`);
    assert.equal(proxy.counts.drop, 1);
  } finally {
    await proxy.close();
  }
});

test('a slow reply arrives, no sooner than the delay', async () => {
  const { proxy, container } = await through({ seed: 1, rates: { slow: 1 }, slowMs: 300 });
  try {
    const t0 = performance.now();
    assert.equal(await statusOf(container.getBlockBlobClient('s').upload('x', 1)), 200);
    assert.ok(performance.now() - t0 >= 290);
    assert.equal(proxy.counts.slow, 1);
  } finally {
    await proxy.close();
  }
});

test('an outage window fails every request until it closes', async () => {
  const { proxy, container } = await through({ seed: 1 });
  try {
    const window = proxy.outage(400);
    const during = await Promise.all(Array.from({ length: 6 }, (_, i) => statusOf(container.getBlockBlobClient(`o${i}`).upload('x', 1))));
    assert.ok(during.every((s) => s !== 200), `every request failed: ${during.join(', ')}`);
    await window;
    assert.equal(await statusOf(container.getBlockBlobClient('after').upload('x', 1)), 200);
    assert.equal(proxy.counts.outage, 6);
  } finally {
    await proxy.close();
  }
});

test('rates that cannot be probabilities are refused by name', async () => {
  await assert.rejects(FaultProxy.start(azurite.connectionString, { seed: 1, rates: { reject: 0.7, drop: 0.6 } }), /fault rates add up to 1\.3/);
  await assert.rejects(FaultProxy.start(azurite.connectionString, { seed: 1, rates: { slow: -1 } }), /fault rate slow=-1 must be between 0 and 1/);
});
