import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { EventHubProducerClient } from '@azure/event-hubs';
import type { Page } from 'playwright-core';
import { openOfflineBrowser, type OfflineBrowser } from './offline-browser.js';
import { azureStreamStorage } from '#sluice/adapters/azure/azure-storage.js';
import { storageClients } from '#sluice/adapters/azure/storage-clients.js';
import { startStack, type Stack } from '#dev/stack.js';
import type { StreamStorage } from '#sluice/ports/stream-storage.js';
import { readDeadLetters } from '#sluice/scheduler/dead-letter.js';
import { ManualClock } from '#sluice/util/clock.js';
import { silentLogger } from '#sluice/util/log.js';
import { BatchLog } from '#sluice/wal/batch-log.js';
import { CheckpointStore } from '#sluice/wal/checkpoint-store.js';
import { runOneBatch, waitUntil } from '../support/wait.js';
import { singleStreamAppDir } from '../app/single-stream-app/app-dir.js';

const ARTIFACTS = resolve('test-artifacts');
const WAIT = { timeout: 15_000 };
const STREAM = 'uitest';
const DRIVER = `sluice-${STREAM}`;
const T0 = 1_800_000_000_000;
const INTERVAL = 1000;
const VALID_EVENTS = 12;
const MALFORMED = 'not json at all';

const digits = (s: string | null | undefined): number => Number((s ?? '').replace(/[^\d]/g, ''));

async function rowAttrs(page: Page, selector: string, name: string): Promise<(string | null)[]> {
  const rows = page.locator(selector);
  const out: (string | null)[] = [];
  for (let i = 0; i < (await rows.count()); i++) out.push(await rows.nth(i).getAttribute(name));
  return out;
}

describe('status page in headless Chromium, served by the app on the local stack', () => {
  const clock = new ManualClock(T0);
  let stack: Stack;
  let storage: StreamStorage;
  let batches: BatchLog;
  let page: Page;
  let browser: OfflineBrowser | undefined;

  const runBatch = (): Promise<number> => runOneBatch(clock, batches, INTERVAL);

  before(async () => {
    stack = await startStack({
      appDir: singleStreamAppDir(),
      clock, port: 0, hubPort: 0, partitions: 2, log: silentLogger,
      settings: { SLUICE_STREAM_NAME: STREAM, SLUICE_BATCH_INTERVAL: '1s', SLUICE_BLOCK_INTERVAL: '100ms', SLUICE_MAX_TASKS_PER_BATCH: '2', SLUICE_SUPERVISOR_SCHEDULE: '0 0 0 1 1 *' },
    });
    storage = azureStreamStorage(stack.config, storageClients({ kind: 'connectionString', connectionString: stack.storageConnectionString }));
    batches = new BatchLog(storage.wal, STREAM);
    await waitUntil(async () => (await stack.runtime.getStatus(DRIVER))?.runtimeStatus === 'Running', 'the supervisor started the driver');

    const hubConnection = stack.eventHubConnectionString;
    assert.ok(hubConnection, 'the stack runs the dev hub (no identity-based EventHubConnection in the environment)');
    const producer = new EventHubProducerClient(hubConnection, stack.config.eventHubName);
    try {
      for (const partitionId of ['0', '1']) {
        const batch = await producer.createBatch({ partitionId });
        for (let i = 0; i < VALID_EVENTS / 2; i++) {
          const n = Number(partitionId) * 100 + i;
          assert.ok(batch.tryAdd({ body: { id: `v${n}`, ts: T0, user: `u${n % 3}`, page: `/p${n % 4}`, country: 'NL', device: 'mobile', durationMs: n } }));
        }
        if (partitionId === '1') assert.ok(batch.tryAdd({ body: MALFORMED }));
        await producer.sendBatch(batch);
      }
    } finally {
      await producer.close();
    }
    const checkpoints = new CheckpointStore(storage.wal, STREAM);
    await waitUntil(async () => (await checkpoints.list()).reduce((n, c) => n + c.events, 0) === VALID_EVENTS + 1, 'receivers stored every event');
    // Batches until every event was allocated and the malformed one dead-lettered, then two empty ones.
    const allocated = async () => (await batches.list()).reduce((n, b) => n + b.allocation.records, 0);
    for (let i = 0; (await allocated()) < VALID_EVENTS + 1; i++) {
      assert.ok(i < 10, 'the events were allocated within 10 batches');
      await runBatch();
    }
    await runBatch();
    await runBatch();
    assert.equal((await readDeadLetters(storage.deadLetters, `${STREAM}/`)).length, 1);

    browser = await openOfflineBrowser(stack.host.url);
    page = browser.page;
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.goto(`${stack.host.url}/api/streams/${STREAM}/ui?refresh=300`);
    await page.waitForSelector('#conn[data-conn="live"]', WAIT);
  });

  // Any console error, page error or failed request fails the test it happened in.
  afterEach(() => browser?.assertClean());

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  test('the header shows the stream running', async () => {
    assert.equal(await page.textContent('#stream-name'), STREAM);
    await page.waitForSelector('#state[data-state="running"]', WAIT);
    assert.equal((await page.textContent('#state'))?.trim(), 'Running');
    assert.equal(await page.textContent('#s-batch'), '1 s');
  });

  test('each chart has one point per completed batch shown', async () => {
    const statuses = await rowAttrs(page, '#batch-table tbody tr', 'data-status');
    const completedShown = statuses.filter((s) => s === 'completed' || s === 'cleaned').length;
    const completedInWal = (await batches.list()).filter((b) => b.completion).length;
    assert.ok(completedShown >= 3, `at least three completed batches are shown (${completedShown})`);
    assert.equal(completedShown, completedInWal, 'the table shows every completed batch of this short history');
    for (const metric of ['input-rate', 'scheduling-delay', 'processing-time', 'total-delay']) {
      assert.equal(await page.locator(`svg.timeline[data-metric="${metric}"] circle.pt`).count(), completedShown, metric);
    }
  });

  test('the batches table shows the WAL\'s batches, newest first, with their record counts', async () => {
    const wal = await batches.list();
    const rows = page.locator('#batch-table tbody tr');
    const times = (await rowAttrs(page, '#batch-table tbody tr', 'data-time')).map(Number);
    assert.deepEqual(times, wal.slice(0, 20).map((b) => b.time));
    for (let i = 0; i < times.length; i++) {
      const records = digits(await rows.nth(i).locator('td').nth(1).textContent());
      assert.equal(records, wal[i]!.allocation.records, `records of batch ${times[i]}`);
    }
    assert.equal(wal.reduce((n, b) => n + b.allocation.records, 0), VALID_EVENTS + 1, 'the WAL holds every event sent');
    await page.screenshot({ path: join(ARTIFACTS, 'app-status-page.png'), fullPage: true });
  });

  test('the dead-letter count is 1, the malformed event', async () => {
    assert.equal(await page.textContent('#dl-count'), '1');
    assert.equal(await page.locator('#dead-letters tbody tr').count(), 1);
    assert.match((await page.locator('#dead-letters tbody tr td').last().textContent()) ?? '', new RegExp(MALFORMED));
  });

  test('clicking a batch opens its detail', async () => {
    const [dead] = await readDeadLetters(storage.deadLetters, `${STREAM}/`);
    const record = (await batches.get(dead!.batchTime))!;
    await page.click(`#batch-table tbody tr[data-time="${record.time}"]`);
    await page.waitForSelector('#detail[open]', WAIT);
    await page.waitForSelector('#detail-message', { state: 'hidden', ...WAIT });
    assert.match((await page.textContent('#detail-title')) ?? '', /^Batch /);
    assert.equal(await page.getAttribute('#detail-status', 'data-state'), 'completed');
    const ranges = page.locator('#detail-ranges tbody tr');
    let records = 0;
    for (let i = 0; i < (await ranges.count()); i++) records += digits(await ranges.nth(i).locator('td').nth(1).textContent());
    assert.equal(records, record.allocation.records, 'the partition ranges add up to the WAL\'s record count');
    assert.equal(await page.locator('#detail-dead-letters tbody tr').count(), 1);
    await page.screenshot({ path: join(ARTIFACTS, 'app-status-page-batch-detail.png') });
    await page.keyboard.press('Escape');
    await page.waitForSelector('#detail', { state: 'hidden', ...WAIT });
  });

  test('no console errors, no failed request and nothing fetched from outside', () => {
    browser!.assertClean();
  });

  test('the index page loads its stylesheet, icon and modules from the app and links to the stream', async () => {
    await page.goto(`${stack.host.url}/api/ui?refresh=300`);
    await page.waitForSelector('#streams tbody tr', WAIT);
    assert.equal(await page.textContent('#streams tbody tr th a'), STREAM);
    assert.equal(await page.getAttribute('#streams tbody tr .badge', 'data-state'), 'running');
    for (const asset of ['app.css', 'icon.svg', 'app.js']) {
      const res = await page.request.get(`${stack.host.url}/api/ui/${asset}`);
      assert.equal(res.status(), 200, asset);
    }
    await page.click('#streams tbody tr th a');
    await page.waitForSelector('#conn[data-conn="live"]', WAIT);
    assert.equal(await page.textContent('#stream-name'), STREAM);
  });

  test('after POST stop, the page shows the stream stopped on its next refresh', async () => {
    const response = await fetch(`${stack.host.url}/api/streams/${STREAM}/stop`, { method: 'POST' });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { stopped: true });
    await page.waitForSelector('#state[data-state="stopped"]', WAIT);
    assert.equal((await page.textContent('#state'))?.trim(), 'Stopped');
    assert.equal(await page.getAttribute('#health', 'data-level'), 'stopped');
    await page.evaluate('window.scrollTo(0, 0)'); // closing the detail scrolled to the batch row
    await page.screenshot({ path: join(ARTIFACTS, 'app-status-page-stopped.png') });
  });
});
