import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { memoryStreamStorage } from '#sluice/adapters/memory/memory-storage.js';
import type { BatchPage } from '#sluice/status/batch-pages.js';
import type { BatchDetail } from '#sluice/status/batch-detail.js';
import type { DeadLetterReport } from '#sluice/status/dead-letters.js';
import type { ReceiverReport } from '#sluice/status/receivers.js';
import { createStatusApi, type StatusApi } from '#sluice/status/status-api.js';
import type { StreamStatus } from '#sluice/status/stream-status.js';
import type { StreamIndexEntry } from '#sluice/status/stream-index.js';
import { BATCH_MS, BLOCK_MS, MALFORMED_BODY, produceStream, START, STREAM, type ProducedStream } from './stream-fixture.js';

async function get<T>(api: StatusApi, url: string): Promise<{ status: number; body: T; headers: Record<string, string> }> {
  const u = new URL(url, 'http://status.test');
  const res = await api({ method: 'GET', path: u.pathname, query: u.searchParams });
  return { status: res.status, headers: res.headers, body: (res.headers['content-type']?.startsWith('application/json') ? JSON.parse(res.body) : res.body) as T };
}

interface ErrorBody {
  error: { code: string; message: string; parameter?: string; value?: string; rule?: string };
}

describe('status API over a real stream (memory storage)', () => {
  let produced: ProducedStream;
  let api: StatusApi;
  const base = `/api/streams/${STREAM}`;

  before(async () => {
    produced = await produceStream(memoryStreamStorage());
    api = createStatusApi({ streams: () => [produced.handle], clock: produced.clock });
  });

  test('the index lists the stream with its driver state and newest batch', async () => {
    const res = await get<{ streams: StreamIndexEntry[] }>(api, '/api/streams');
    assert.equal(res.status, 200);
    const newest = produced.expected.batches.at(-1)!;
    assert.deepEqual(res.body.streams, [{
      name: STREAM, state: 'running', reason: null, batchIntervalMs: BATCH_MS,
      latestBatch: { time: newest.time, status: 'allocated' }, links: { self: base, ui: `${base}/ui` },
    }]);
  });

  test('the stream header derives its totals from the WAL', async () => {
    const { body } = await get<StreamStatus>(api, base);
    const { expected } = produced;
    const completed = expected.batches.filter((b) => b.status === 'completed');
    assert.equal(body.state, 'running');
    assert.equal(body.uptimeMs, produced.clock.now() - (START - 3_600_000));
    assert.equal(body.batchIntervalMs, BATCH_MS);
    assert.equal(body.blockIntervalMs, BLOCK_MS);
    assert.equal(body.receiverMode, 'reliable');
    assert.equal(body.completedBatches, completed.length);
    assert.equal(body.completedBatchesExact, true);
    assert.equal(body.recordsProcessed, expected.processed);
    assert.equal(body.recordsReceived, expected.events['0']! + expected.events['1']!);
    assert.equal(body.activeBatches, 1);
    assert.equal(body.latest?.status, 'allocated');
    assert.equal(body.health.level, 'degraded');
    assert.ok(body.health.problems.some((p) => p.includes('failed and were skipped')), body.health.problems.join('\n'));
    assert.ok(body.health.problems.some((p) => p.includes('dead-lettered')), body.health.problems.join('\n'));
  });

  test('batches page newest first, active first, with Spark figures', async () => {
    const { status, body } = await get<BatchPage>(api, `${base}/batches?limit=5`);
    assert.equal(status, 200);
    const newestFirst = [...produced.expected.batches].reverse();
    assert.deepEqual(body.batches.map((b) => b.time), newestFirst.slice(0, 5).map((b) => b.time));
    assert.equal(body.batches[0]!.status, 'allocated');
    assert.equal(body.batches[0]!.active, true);
    assert.equal(body.paging.next, body.batches[4]!.time);
    for (const b of body.batches) {
      const want = produced.expected.batches.find((e) => e.time === b.time)!;
      assert.equal(b.records, want.records, `records of batch ${b.time}`);
      assert.equal(b.inputRate, want.records / (BATCH_MS / 1000));
      if (b.status === 'completed') {
        assert.equal(b.totalDelayMs, b.schedulingDelayMs! + b.processingMs!);
        assert.ok(b.tasks! >= 1);
      } else {
        assert.equal(b.processingMs, null);
      }
    }
  });

  test('paging with before walks the whole history once, in order, and ends on the last page', async () => {
    const seen: number[] = [];
    let before: number | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: BatchPage } = await get<BatchPage>(api, `${base}/batches?limit=4${before === null ? '' : `&before=${before}`}`);
      assert.equal(res.status, 200);
      assert.ok(res.body.batches.length <= 4);
      seen.push(...res.body.batches.map((b) => b.time));
      before = res.body.paging.next;
      pages++;
    } while (before !== null && pages < 50);
    const all = produced.expected.batches.map((b) => b.time).sort((a, b) => b - a);
    assert.deepEqual(seen, all);
    assert.equal(pages, Math.ceil(all.length / 4));
    const pastTheEnd = await get<BatchPage>(api, `${base}/batches?before=${all.at(-1)!}`);
    assert.deepEqual(pastTheEnd.body.batches, []);
    assert.equal(pastTheEnd.body.paging.next, null);
  });

  test('a batch detail has its partition ranges, tasks, outputs and dead letters', async () => {
    const { expected } = produced;
    const time = expected.deadLetter.batchTime;
    const { status, body } = await get<BatchDetail>(api, `${base}/batches/${time}`);
    assert.equal(status, 200);
    const want = expected.batches.find((b) => b.time === time)!;
    assert.deepEqual(body.ranges.map((r) => [r.partition, r.first, r.last, r.records]), Object.entries(want.ranges).map(([p, r]) => [p, r!.first, r!.last, r!.last - r!.first + 1]));
    assert.equal(body.batch.deadLettered, 1);
    assert.equal(body.tasks.reduce((n, t) => n + t.recordsIn, 0), want.records);
    assert.equal(body.tasks.reduce((n, t) => n + t.deadLettered, 0), 1);
    assert.deepEqual(body.outputs, [`orders/revenue-${time}.ndjson`]);
    assert.equal(body.deadLetters.length, 1);
    assert.equal(body.deadLetters[0]!.sequenceNumber, expected.deadLetter.sequenceNumber);

    const failed = expected.batches.find((b) => b.status === 'failed')!;
    const f = await get<BatchDetail>(api, `${base}/batches/${failed.time}`);
    assert.equal(f.body.batch.status, 'failed');
    assert.equal(f.body.batch.skipped, true);
    assert.match(f.body.batch.error!, /output container is unavailable/);
  });

  test('receivers match the checkpoints the receivers wrote', async () => {
    const { body } = await get<ReceiverReport>(api, `${base}/receivers`);
    const { expected } = produced;
    assert.deepEqual(body.receivers.map((r) => r.partition), ['0', '1']);
    const [p0, p1] = body.receivers;
    assert.equal(p0!.lastSeq, expected.lastSeq['0']);
    assert.equal(p1!.lastSeq, expected.lastSeq['1']);
    assert.equal(p0!.events, expected.events['0']);
    assert.equal(p1!.events, expected.events['1']);
    assert.equal(p0!.redeliveries, 3);
    assert.equal(p1!.redeliveries, 0);
    assert.equal(p0!.owner, 'receiver-a');
    assert.equal(p0!.lastEnqueued, expected.lastSeq['0']! + 7);
    assert.equal(p0!.lag, 7);
    assert.equal(p1!.lag, null, 'unreachable partition properties give no lag');
    // Everything received has been allocated: the newest batch is allocated.
    assert.equal(p0!.pending, 0);
    assert.equal(p0!.allocatedUpTo, expected.lastSeq['0']);
    const window = expected.batches.slice(-body.rateWindow.batches);
    const p0Records = window.reduce((n, b) => n + (b.ranges['0'] ? b.ranges['0'].last - b.ranges['0'].first + 1 : 0), 0);
    assert.equal(p0!.eventsPerSec, p0Records / ((window.length * BATCH_MS) / 1000));
  });

  test('dead letters show the malformed event with its error, and a count', async () => {
    const { body } = await get<DeadLetterReport>(api, `${base}/deadletters?limit=5`);
    assert.equal(body.count, 1);
    assert.equal(body.entries.length, 1);
    const [e] = body.entries;
    assert.equal(e!.batchTime, produced.expected.deadLetter.batchTime);
    assert.equal(e!.partition, '1');
    assert.equal(e!.sequenceNumber, produced.expected.deadLetter.sequenceNumber);
    assert.equal(e!.preview, MALFORMED_BODY);
    assert.match(e!.error, /SyntaxError/);
  });

  test('a stopped driver shows as stopped, with its reason', async () => {
    produced.setDriver({ state: 'stopped', reason: 'stopped by operator', since: produced.clock.now() - 1000 });
    try {
      const { body } = await get<StreamStatus>(api, base);
      assert.equal(body.state, 'stopped');
      assert.equal(body.reason, 'stopped by operator');
      assert.equal(body.uptimeMs, null);
      assert.equal(body.health.level, 'stopped');
    } finally {
      produced.setDriver({ state: 'running', since: produced.clock.now() - 60_000 });
    }
  });

  test('404 for an unknown stream, batch or route', async () => {
    for (const url of ['/api/streams/nope', '/api/streams/nope/batches', '/api/streams/nope/ui', `${base}/batches/12345`, `${base}/whatever`, '/api/other', '/elsewhere']) {
      const res = await get<ErrorBody>(api, url);
      assert.equal(res.status, 404, url);
      assert.equal(res.body.error.code, 'not_found', url);
    }
    const res = await get<ErrorBody>(api, '/api/streams/nope');
    assert.match(res.body.error.message, /no stream named "nope"/);
  });

  test('400 for bad parameters, naming the parameter, value and rule', async () => {
    const cases: [string, string, string][] = [
      [`${base}/batches?limit=abc`, 'limit', 'abc'],
      [`${base}/batches?limit=0`, 'limit', '0'],
      [`${base}/batches?limit=100000`, 'limit', '100000'],
      [`${base}/batches?limit=-3`, 'limit', '-3'],
      [`${base}/batches?limit=2.5`, 'limit', '2.5'],
      [`${base}/batches?before=x`, 'before', 'x'],
      [`${base}/batches?before=`, 'before', ''],
      [`${base}/batches?limit=1&limit=2`, 'limit', '1,2'],
      [`${base}/batches/yesterday`, 'time', 'yesterday'],
      [`${base}/deadletters?limit=1000`, 'limit', '1000'],
    ];
    for (const [url, parameter, value] of cases) {
      const res = await get<ErrorBody>(api, url);
      assert.equal(res.status, 400, url);
      assert.equal(res.body.error.code, 'bad_parameter', url);
      assert.equal(res.body.error.parameter, parameter, url);
      assert.equal(res.body.error.value, value, url);
      assert.ok(res.body.error.rule && res.body.error.message.includes(res.body.error.rule), url);
    }
    const res = await get<ErrorBody>(api, `${base}/batches?limit=100000`);
    assert.equal(res.body.error.message, 'limit="100000" is invalid: must be a whole number from 1 to 500');
  });

  test('only GET and HEAD are served', async () => {
    const res = await api({ method: 'POST', path: base, query: new URLSearchParams() });
    assert.equal(res.status, 405);
    assert.equal(res.headers['allow'], 'GET, HEAD');
    const head = await api({ method: 'HEAD', path: base, query: new URLSearchParams() });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  });

  test('pages and assets are served from the module, with no external references', async () => {
    const html = await get<string>(api, `${base}/ui`);
    assert.equal(html.status, 200);
    assert.match(html.headers['content-type']!, /^text\/html/);
    assert.match(html.headers['content-security-policy']!, /default-src 'none'/);
    assert.match(html.body, /data-api="\/api\/streams\/orders"/);
    const index = await get<string>(api, '/api/ui');
    assert.match(index.body, /data-page="index"/);
    assert.match(html.body, /<script type="module" src="\/api\/streams\/orders\/ui\/app\.js">/);
    assert.match(html.body, /<link rel="icon" type="image\/svg\+xml" href="\/api\/streams\/orders\/ui\/icon\.svg">/);
    // Every module app.js imports, transitively, is served next to it.
    const modules = new Set<string>();
    const pending = ['app.js'];
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (modules.has(file)) continue;
      modules.add(file);
      const res = await get<string>(api, `${base}/ui/${file}`);
      assert.equal(res.status, 200, file);
      assert.match(res.headers['content-type']!, /^text\/javascript/, file);
      for (const m of res.body.matchAll(/\bfrom\s*'\.\/([a-z0-9-]+\.js)'/g)) pending.push(m[1]!);
    }
    assert.ok(modules.size >= 8, `app.js imports the page's modules (${[...modules].join(', ')})`);
    for (const url of [...[...modules].flatMap((m) => [`${base}/ui/${m}`, `/api/ui/${m}`]), `${base}/ui/app.css`, '/api/ui/app.css', `${base}/ui/icon.svg`]) {
      const res = await get<string>(api, url);
      assert.equal(res.status, 200, url);
      assert.doesNotMatch(res.body, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, `${url} must not load anything from the network`);
    }
    assert.match((await get<string>(api, `${base}/ui/icon.svg`)).headers['content-type']!, /^image\/svg\+xml/);
    for (const bad of ['other.js', 'columns.d.ts', '..%2Fstatus-api.js', 'app.js.map']) {
      assert.equal((await get<ErrorBody>(api, `${base}/ui/${bad}`)).status, 404, bad);
    }
  });

  test('with a function key, the page and every module import carry it on', async () => {
    const html = await get<string>(api, `${base}/ui?code=k%2B1`);
    assert.match(html.body, /src="\/api\/streams\/orders\/ui\/app\.js\?code=k%2B1"/);
    const app = await get<string>(api, `${base}/ui/app.js?code=k%2B1`);
    const imports = [...app.body.matchAll(/\bfrom\s*'(\.\/[^']+)'/g)].map((m) => m[1]!);
    assert.ok(imports.length >= 2, 'app.js imports its modules');
    for (const specifier of imports) assert.match(specifier, /^\.\/[a-z0-9-]+\.js\?code=k%2B1$/);
  });

  test('a stream name is escaped into the page', async () => {
    const odd = { ...produced.handle, name: '<b>"x"</b>' };
    const oddApi = createStatusApi({ streams: () => [odd], clock: produced.clock });
    const res = await get<string>(oddApi, `/api/streams/${encodeURIComponent(odd.name)}/ui`);
    assert.equal(res.status, 200);
    assert.ok(!res.body.includes('<b>"x"</b>'));
    assert.ok(res.body.includes('&lt;b&gt;&quot;x&quot;&lt;/b&gt;'));
  });
});
