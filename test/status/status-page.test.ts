import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openOfflineBrowser, type OfflineBrowser } from './offline-browser.js';
import { startAzurite, type Azurite } from '#dev/azurite.js';
import type { StreamStorage } from '#sluice/ports/stream-storage.js';
import { summarize } from '#sluice/scheduler/stream-engine.js';
import type { BatchRowView, StreamStatusView } from '#sluice/status/page/browser/api-types.js';
import { fmtBytes, fmtInt, fmtMs, fmtTime } from '#sluice/status/page/browser/format.js';
import { createStatusApi } from '#sluice/status/status-api.js';
import { BatchLog } from '#sluice/wal/batch-log.js';
import { azuriteStorage } from '../support/backends.js';
import { BATCH_MS, produceStream, STREAM, type ProducedStream } from './stream-fixture.js';

const ARTIFACTS = resolve('test-artifacts');
const WAIT = { timeout: 15_000 };

/** What the WAL says, read directly (not through the status queries under test). */
async function walBatches(storage: StreamStorage) {
  const records = await new BatchLog(storage.wal, STREAM).list();
  return records.map((r) => ({ record: r, summary: r.completion ? summarize(r.allocation, r.completion) : undefined }));
}

const digits = (s: string | null): number => Number((s ?? '').replace(/[^\d]/g, ''));

/** Each body row's cell texts (th and td) of a table. */
async function tableRows(page: Page, table: string): Promise<string[][]> {
  const rows = page.locator(`${table} tbody tr`);
  const out: string[][] = [];
  for (let i = 0; i < (await rows.count()); i++) out.push(await rows.nth(i).locator('th, td').allTextContents());
  return out;
}

async function rowAttrs(page: Page, table: string, name: string): Promise<(string | null)[]> {
  const rows = page.locator(`${table} tbody tr`);
  const out: (string | null)[] = [];
  for (let i = 0; i < (await rows.count()); i++) out.push(await rows.nth(i).getAttribute(name));
  return out;
}

/** Browser-side expressions are strings: this project compiles without the DOM library. */
const js = async <T>(page: Page, expression: string): Promise<T> => (await page.evaluate(expression)) as T;

describe('status page in headless Chromium, over a real stream on Azurite', () => {
  let azurite: Azurite;
  let storage: StreamStorage;
  let produced: ProducedStream;
  let server: Server;
  let origin: string;
  let page: Page;
  let browser: OfflineBrowser | undefined;
  let failing = false;
  let served = 0;
  const servedWaiters: { at: number; resolve: () => void }[] = [];
  /** The contract's optional fields, merged into the API's answers while set (the features that fill them come separately). */
  let extras: { status: Partial<StreamStatusView>; row: (b: BatchRowView, i: number) => Partial<BatchRowView> } | undefined;

  /** Resolves once the server has answered `count` more stream-status requests: one per page refresh. */
  function refreshes(count: number): Promise<void> {
    const at = served + count;
    return new Promise((resolveWait, reject) => {
      const timer = setTimeout(() => reject(new Error(`the page did not refresh ${count} times within 15 s`)), 15_000);
      servedWaiters.push({ at, resolve: () => { clearTimeout(timer); resolveWait(); } });
    });
  }

  before(async () => {
    azurite = await startAzurite();
    storage = azuriteStorage(azurite);
    produced = await produceStream(storage);
    const api = createStatusApi({ streams: () => [produced.handle], clock: produced.clock });
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const isData = !/\/ui(\/app\.(js|css))?$/.test(url.pathname);
      if (failing && isData) {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"unavailable","message":"test outage"}}');
        return;
      }
      api({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams }).then((r) => {
        res.writeHead(r.status, r.headers).end(withExtras(url.pathname, r.body));
        if (url.pathname === `/api/streams/${STREAM}`) {
          served++;
          for (const w of servedWaiters.filter((x) => x.at <= served)) w.resolve();
        }
      }, (err: unknown) => res.writeHead(500).end(String(err)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    browser = await openOfflineBrowser(origin);
    page = browser.page;
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.goto(`${origin}/api/streams/${STREAM}/ui?refresh=300`);
    await page.waitForSelector('#conn[data-conn="live"]', WAIT);
  });

  function withExtras(path: string, body: string): string {
    if (!extras) return body;
    if (path === `/api/streams/${STREAM}`) return JSON.stringify({ ...(JSON.parse(body) as StreamStatusView), ...extras.status });
    if (path === `/api/streams/${STREAM}/batches`) {
      const answer = JSON.parse(body) as { batches: BatchRowView[] };
      const { row } = extras;
      return JSON.stringify({ ...answer, batches: answer.batches.map((b, i) => ({ ...b, ...row(b, i) })) });
    }
    return body;
  }

  // Any console error, page error or failed request fails the test it happened in.
  afterEach(() => browser?.assertClean());

  after(async () => {
    await browser?.close();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await azurite?.close();
  });

  test('the header shows the stream, its state and totals from the WAL', async () => {
    const wal = await walBatches(storage);
    const completed = wal.filter((b) => b.summary);
    assert.equal(await page.textContent('#stream-name'), STREAM);
    assert.equal(await page.getAttribute('#state', 'data-state'), 'running');
    assert.equal((await page.textContent('#state'))?.trim(), 'Running');
    assert.equal(digits(await page.textContent('#s-completed')), completed.length);
    assert.equal(digits(await page.textContent('#s-processed')), completed.reduce((n, b) => n + b.record.allocation.records, 0));
    assert.equal(await page.textContent('#s-batch'), '2 s');
    assert.equal(await page.textContent('#s-block'), '500 ms');
    assert.equal(await page.textContent('#s-mode'), 'Reliable');
    assert.equal(await page.getAttribute('#health', 'data-level'), 'degraded');
    // Headless Chromium does not fetch tab icons, so a missing one would never show as a failed
    // request here; without the link a desktop browser asks for /favicon.ico and logs its 404.
    const icon = await page.getAttribute('link[rel="icon"]', 'href');
    assert.ok(icon, 'the page links its icon');
    const served = await page.request.get(new URL(icon, page.url()).href);
    assert.equal(served.status(), 200);
    assert.match(served.headers()['content-type'] ?? '', /^image\/svg\+xml/);
  });

  test('each chart has one point per completed batch shown, and processing over the interval is highlighted', async () => {
    const wal = await walBatches(storage);
    const completed = wal.filter((b) => b.summary);
    for (const metric of ['input-rate', 'scheduling-delay', 'processing-time', 'total-delay']) {
      const points = await page.locator(`svg.timeline[data-metric="${metric}"] circle.pt`).count();
      assert.equal(points, completed.length, metric);
      assert.equal(await page.getAttribute(`svg.timeline[data-metric="${metric}"]`, 'role'), 'img');
      assert.match((await page.getAttribute(`svg.timeline[data-metric="${metric}"]`, 'aria-label')) ?? '', new RegExp(`last ${completed.length} completed batches`));
      assert.equal(await page.locator(`svg.histogram[data-metric="${metric}"] rect.bar`).count(), 10);
      assert.ok((await page.locator(`svg.timeline[data-metric="${metric}"] title`).first().textContent())?.length);
    }
    const over = completed.filter((b) => b.summary!.processingMs > BATCH_MS).length;
    assert.ok(over >= 2, 'the fixture has batches slower than the interval');
    assert.equal(await page.locator('svg.timeline[data-metric="processing-time"] circle.pt.over').count(), over);
    assert.equal(await page.locator('svg.timeline[data-metric="processing-time"] line.threshold').count(), 1);
    assert.equal(await page.locator('svg.timeline[data-metric="scheduling-delay"] line.threshold').count(), 0);
  });

  test('the batches table shows active first, then newest first, with the WAL counts', async () => {
    const wal = await walBatches(storage);
    const rows = page.locator('#batch-table tbody tr');
    assert.equal(await rows.count(), Math.min(20, wal.length));
    const cellsOf = await tableRows(page, '#batch-table');
    const times = await rowAttrs(page, '#batch-table', 'data-time');
    const statuses = await rowAttrs(page, '#batch-table', 'data-status');
    const shown = cellsOf.map((c, i) => ({ time: Number(times[i]), status: statuses[i], records: c[2]!, tasks: c[4]!, deadLettered: c[8]! }));
    assert.equal(shown[0]!.status, 'allocated');
    assert.deepEqual(shown.slice(1).map((r) => r.time), wal.filter((b) => b.record.status !== 'allocated').map((b) => b.record.time));
    for (const row of shown) {
      const b = wal.find((x) => x.record.time === row.time)!;
      assert.equal(digits(row.records), b.record.allocation.records, `records of ${row.time}`);
      assert.equal(row.tasks, b.summary ? String(b.summary.tasks) : '—');
      assert.equal(row.deadLettered, b.summary ? String(b.summary.deadLettered) : '—');
    }
    assert.equal(shown.filter((r) => r.status === 'skipped').length, 1);
    assert.equal(await page.locator('#batch-table thead th[scope="col"]:not([hidden])').count(), 10);
    assert.equal(await page.locator('#batch-table thead th[scope="col"][hidden]').count(), 3, 'attempts, late and duplicates wait for a row that has them');
    assert.equal(await page.locator('#batch-table tbody th[scope="row"]').count(), shown.length);
  });

  test('receivers and dead letters show what the receivers and tasks wrote', async () => {
    const { expected } = produced;
    const receivers = await tableRows(page, '#receivers');
    assert.deepEqual(receivers.map((r) => r[0]), ['events/0', 'events/1']);
    assert.equal(digits(receivers[0]![2]!), expected.lastSeq['0']);
    assert.equal(digits(receivers[1]![2]!), expected.lastSeq['1']);
    assert.equal(receivers[0]![4], '7');
    assert.equal(receivers[1]![4], '—');
    assert.equal(receivers[0]![8], '3');
    assert.equal(digits(receivers[0]![9]!), expected.events['0']);
    assert.equal(await page.textContent('#dl-count'), '1');
    const dead = await tableRows(page, '#dead-letters');
    assert.equal(dead.length, 1);
    assert.equal(dead[0]![1], 'events/1');
    assert.equal(digits(dead[0]![2]!), expected.deadLetter.sequenceNumber);
    assert.match(dead[0]![4]!, /SyntaxError/);
    await page.screenshot({ path: join(ARTIFACTS, 'status-page.png'), fullPage: true });
  });

  test('clicking a batch opens its detail with its partition ranges, tasks and outputs', async () => {
    const { expected } = produced;
    const time = expected.deadLetter.batchTime;
    const want = expected.batches.find((b) => b.time === time)!;
    await page.click(`#batch-table tbody tr[data-time="${time}"]`);
    await page.waitForSelector('#detail[open]', WAIT);
    await page.waitForSelector('#detail-message', { state: 'hidden', ...WAIT });
    const ranges = await tableRows(page, '#detail-ranges');
    assert.deepEqual(ranges.map((r) => [r[0], r[1], digits(r[2]!)]), Object.entries(want.ranges).map(([p, r]) => [`events/${p}`, `${r!.first} – ${r!.last}`, r!.last - r!.first + 1]));
    assert.ok((await page.locator('#detail-tasks tbody tr').count()) >= 1);
    assert.equal(await page.textContent('#detail-outputs li'), `orders/revenue-${time}.ndjson`);
    assert.equal(await page.locator('#detail-dead-letters tbody tr').count(), 1);
    await page.screenshot({ path: join(ARTIFACTS, 'status-page-batch-detail.png') });
    await page.keyboard.press('Escape');
    await page.waitForSelector('#detail', { state: 'hidden', ...WAIT });
  });

  test('the batch table is keyboard navigable: arrows move, Enter and Space open the detail', async () => {
    const times = (await rowAttrs(page, '#batch-table', 'data-time')).map(Number);
    await page.locator('#batch-table tbody tr').first().focus();
    const focused = async () => Number(await js<string | null>(page, "document.activeElement && document.activeElement.getAttribute('data-time')"));
    assert.equal(await focused(), times[0]);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), times[2]);
    await page.keyboard.press('ArrowUp');
    assert.equal(await focused(), times[1]);
    await page.keyboard.press('End');
    assert.equal(await focused(), times.at(-1));
    await page.keyboard.press('Home');
    assert.equal(await focused(), times[0]);
    assert.equal(await page.locator('#batch-table tbody tr[tabindex="0"]').count(), 1, 'one tab stop in the table');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#detail[open]', WAIT);
    await page.waitForSelector('#detail-message', { state: 'hidden', ...WAIT });
    assert.match((await page.textContent('#detail-title')) ?? '', /^Batch /);
    await page.keyboard.press('Escape');
    await page.waitForSelector('#detail', { state: 'hidden', ...WAIT });
    assert.equal(await focused(), times[1], 'closing returns focus to the row');
    await page.keyboard.press(' ');
    await page.waitForSelector('#detail[open]', WAIT);
    await page.keyboard.press('Escape');
    await page.waitForSelector('#detail', { state: 'hidden', ...WAIT });
  });

  test('refreshes update nodes in place: a new batch adds a point, no node is rebuilt or leaked', async () => {
    const mark = "document.querySelector('#batch-table tbody tr').marker = 1; document.querySelector('svg.timeline[data-metric=\"processing-time\"] circle.pt').marker = 1";
    await js(page, mark);
    const pointsNow = "document.querySelectorAll('svg.timeline[data-metric=\"processing-time\"] circle.pt').length";
    const before = await js<number>(page, pointsNow);
    await produced.advance();
    // (The page's CSP forbids eval, so waits are selectors, not string predicates.)
    await page.waitForSelector(`svg.timeline[data-metric="processing-time"] circle.pt:nth-of-type(${before + 1})`, { state: 'attached', ...WAIT });
    assert.equal(await js<number>(page, pointsNow), before + 1);
    await refreshes(2);
    const nodes = await js<number>(page, "document.getElementsByTagName('*').length");
    await refreshes(3);
    assert.equal(await js<number>(page, "document.getElementsByTagName('*').length"), nodes, 'same DOM size after more refreshes');
    assert.equal(await js<number>(page, "document.querySelector('#batch-table tbody tr').marker"), 1, 'row reused');
    assert.equal(await js<number>(page, "document.querySelector('svg.timeline[data-metric=\"processing-time\"] circle.pt').marker"), 1, 'point reused');
  });

  test('paging walks to older batches and back', async () => {
    await page.goto(`${origin}/api/streams/${STREAM}/ui?refresh=300&pageSize=5`);
    await page.waitForSelector('#conn[data-conn="live"]', WAIT);
    const wal = await walBatches(storage);
    const firstPage = (await rowAttrs(page, '#batch-table', 'data-time')).map(Number);
    const olderTimes = wal.map((b) => b.record.time).filter((t) => t < Math.min(...firstPage)).slice(0, 5);
    assert.equal(firstPage.length, 5);
    assert.ok(await page.isDisabled('#page-newer'));
    await page.click('#page-older');
    await page.waitForSelector('#page-label:text("Page 2")', WAIT);
    await page.waitForSelector(`#batch-table tbody tr:first-child[data-time="${olderTimes[0]}"]`, WAIT);
    const second = (await rowAttrs(page, '#batch-table', 'data-time')).map(Number);
    assert.deepEqual(second, olderTimes);
    await page.click('#page-newer');
    await page.waitForSelector('#page-label:text("Page 1")', WAIT);
    await page.waitForSelector(`#batch-table tbody tr:first-child[data-time="${firstPage[0]}"]`, WAIT);
  });

  test('a stopped stream shows as stopped, with its reason', async () => {
    produced.setDriver({ state: 'stopped', reason: 'stopped by operator for maintenance', since: produced.clock.now() });
    try {
      await page.waitForSelector('#state[data-state="stopped"]', WAIT);
      assert.equal((await page.textContent('#state'))?.trim(), 'Stopped');
      assert.match((await page.textContent('#health-problems li')) ?? '', /stopped by operator for maintenance/);
      assert.equal(await page.getAttribute('#health', 'data-level'), 'stopped');
      assert.equal(await page.textContent('#s-uptime'), '—');
      await js(page, 'window.scrollTo(0, 0)');
      await page.screenshot({ path: join(ARTIFACTS, 'status-page-stopped.png') });
    } finally {
      produced.setDriver({ state: 'running', since: produced.clock.now() });
    }
    await page.waitForSelector('#state[data-state="running"]', WAIT);
  });

  test('no console errors, no failed request and nothing fetched from outside while the API is up', () => {
    browser!.assertClean();
  });

  test('retrying, backlog, gaps, event time and the extra batch columns show when the API has them', async () => {
    const now = produced.clock.now();
    const status: Partial<StreamStatusView> = {
      retrying: { batchTime: now - 4000, attempt: 3, nextAt: now + 2500, lastError: 'RestError: The server is busy (503)', since: now - 9000 },
      backlog: { events: 1234, bytes: 5_242_880 },
      gaps: { total: 3, latest: [
        { source: 'events', partition: '1', from: 200, to: 249, count: 50, detectedAt: now - 60_000 },
        { source: 'events', partition: '0', from: 10, to: 10, count: 1, detectedAt: now - 120_000 },
      ] },
      eventTime: { watermark: now - 7000, lagMs: 7000 },
    };
    extras = { status, row: (_b, i) => ({ attempts: i === 0 ? 3 : 1, lateRecords: i, droppedDuplicates: 2 * i }) };
    try {
      await page.waitForSelector('#retrying:not([hidden])', WAIT);
      const r = status.retrying!;
      assert.equal(await page.textContent('#retrying'), `Retrying batch ${fmtTime(r.batchTime)}: attempt 3, next at ${fmtTime(r.nextAt)}, last error: ${r.lastError}`);
      await page.waitForSelector('#batch-table thead th[data-col="attempts"]:not([hidden])', WAIT);
      assert.equal(await page.getAttribute('#gaps', 'role'), 'alert');
      assert.ok(await page.isVisible('#gaps'));
      assert.equal(await page.textContent('#gaps-title'), 'Data loss: 3 sequence ranges the event hub no longer held when a receiver read them; the newest 2 are listed.');
      assert.deepEqual(await page.locator('#gaps-list li').allTextContents(), status.gaps!.latest.map((g) =>
        `${g.source}/${g.partition}: sequence numbers ${fmtInt(g.from)} – ${fmtInt(g.to)} (${g.count} ${g.count === 1 ? 'event' : 'events'}), detected ${fmtTime(g.detectedAt)}`));
      assert.equal(await page.textContent('#s-backlog'), `${fmtInt(1234)} events · ${fmtBytes(5_242_880)}`);
      assert.equal(await page.textContent('#s-watermark'), fmtTime(now - 7000));
      assert.equal(await page.textContent('#s-watermark-lag'), fmtMs(7000));
      for (const id of ['#s-backlog-item', '#s-watermark-item', '#s-watermark-lag-item']) assert.ok(await page.isVisible(id), id);
      const cells = async (col: string) => page.locator(`#batch-table tbody td[data-col="${col}"]`).allTextContents();
      const shown = (await rowAttrs(page, '#batch-table', 'data-time')).length;
      assert.deepEqual(await cells('attempts'), Array.from({ length: shown }, (_, i) => (i === 0 ? '3' : '1')));
      assert.deepEqual(await cells('late'), Array.from({ length: shown }, (_, i) => String(i)));
      assert.deepEqual(await cells('duplicates'), Array.from({ length: shown }, (_, i) => String(2 * i)));
      assert.equal(await page.locator('#batch-table tbody td[data-col="attempts"].has-retries').count(), 1);
      assert.equal(await page.locator('#batch-table thead th[scope="col"]:not([hidden])').count(), 13);
      await js(page, 'window.scrollTo(0, 0)');
      await page.screenshot({ path: join(ARTIFACTS, 'status-page-retrying.png'), fullPage: true });
    } finally {
      extras = undefined;
    }
    await page.waitForSelector('#retrying', { state: 'hidden', ...WAIT });
    await page.waitForSelector('#batch-table thead th[data-col="attempts"]', { state: 'hidden', ...WAIT });
    for (const id of ['#gaps', '#s-backlog-item', '#s-watermark-item', '#s-watermark-lag-item', '#batch-table tbody td[data-col="late"] >> nth=0']) {
      assert.equal(await page.isVisible(id), false, `${id} hides once the API leaves the field out`);
    }
  });

  test('"reconnecting" shows while the API fails and goes away when it recovers', async () => {
    failing = true;
    try {
      await page.waitForSelector('#conn[data-conn="reconnecting"]', WAIT);
      assert.match((await page.textContent('#conn')) ?? '', /Reconnecting/);
      assert.equal(await page.textContent('#stream-name'), STREAM, 'the last good data stays on screen');
      await page.screenshot({ path: join(ARTIFACTS, 'status-page-reconnecting.png') });
    } finally {
      failing = false;
    }
    await page.waitForSelector('#conn[data-conn="live"]', WAIT);
    assert.doesNotMatch((await page.textContent('#conn')) ?? '', /Reconnecting/);
    assert.equal(await js<boolean>(page, "document.body.classList.contains('is-stale')"), false);
    // The outage's own 503s are expected (console and network); anything else still fails the test.
    assert.ok(browser!.takeProblems(/\b503\b/).length > 0, 'the outage showed as failed requests');
  });

  test('the index page lists the streams and links to each', async () => {
    await page.goto(`${origin}/api/ui?refresh=300`);
    await page.waitForSelector('#conn[data-conn="live"]', WAIT);
    await page.waitForSelector('#streams tbody tr', WAIT);
    assert.equal(await page.textContent('#streams tbody tr th a'), STREAM);
    assert.equal(await page.getAttribute('#streams tbody tr th a', 'href'), `/api/streams/${STREAM}/ui`);
    assert.equal(await page.getAttribute('#streams tbody tr .badge', 'data-state'), 'running');
    await page.screenshot({ path: join(ARTIFACTS, 'status-index.png') });
    await page.click('#streams tbody tr th a');
    await page.waitForSelector('#conn[data-conn="live"]', WAIT);
    assert.equal(await page.textContent('#stream-name'), STREAM);
  });
});
