import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TableClient } from '@azure/data-tables';
import { EventHubProducerClient } from '@azure/event-hubs';
import { waitUntil, within } from '../support/wait.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const APP_SOURCE = join(ROOT, 'test/packaging/tarball-app');
/** The published library and the private dev stack, packed as npm would publish them. */
const PACKAGES = ['packages/sluice', 'packages/dev-hub', 'packages/local-host', 'packages/local-durable', 'packages/dev'];

const USERS = ['ada', 'bob', 'cy', 'dee', 'eve', 'fay'];
const PAGES = ['/home', '/pricing', '/docs'];
/** Each user clicks one page, some twice; orders come from users who clicked, and one who did not. */
const CLICKS = USERS.flatMap((user, i) => Array.from({ length: 1 + (i % 2) }, () => ({ user, page: PAGES[i % PAGES.length]! })));
const ORDERS = [
  { user: 'ada', cents: 1200 }, { user: 'bob', cents: 900 }, { user: 'cy', cents: 4500 },
  { user: 'ada', cents: 300 }, { user: 'eve', cents: 700 }, { user: 'zed', cents: 9999 },
];

/** What the app must compute from what is sent: clicks per page, and revenue per page by joining orders with clicks. */
function expected(): { clicks: Map<string, number>; revenue: Map<string, number> } {
  const clicks = new Map<string, number>();
  for (const c of CLICKS) clicks.set(c.page, (clicks.get(c.page) ?? 0) + 1);
  const revenue = new Map<string, number>();
  for (const o of ORDERS) {
    // A user's clicks are all on one page; the join pairs an order with each of them.
    for (const c of CLICKS.filter((c) => c.user === o.user)) revenue.set(c.page, (revenue.get(c.page) ?? 0) + o.cents);
  }
  return { clicks, revenue };
}

let dir: string;
let app: string;
let child: ChildProcess | undefined;
let output = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-tarball-'));
  const packs = join(dir, 'packs');
  app = join(dir, 'app');
  mkdirSync(packs);
  const tarballs: Record<string, string> = {};
  for (const p of PACKAGES) {
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', packs, join(ROOT, p)], { cwd: ROOT, maxBuffer: 16 << 20 });
    const [packed] = JSON.parse(stdout) as { name: string; filename: string }[];
    tarballs[packed!.name] = join(packs, packed!.filename);
  }
  cpSync(APP_SOURCE, app, { recursive: true });
  const local = (name: string): string => `file:${tarballs[name]}`;
  writeFileSync(join(app, 'package.json'), JSON.stringify({
    name: 'tarball-app', version: '1.0.0', private: true, type: 'module', main: 'functions.js',
    dependencies: { sluice: local('sluice') },
    // The dev stack's private packages come from their tarballs too, as a user's would from a registry.
    devDependencies: Object.fromEntries(Object.keys(tarballs).filter((n) => n !== 'sluice').map((n) => [n, local(n)])),
  }, null, 2));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, maxBuffer: 16 << 20 });
}, { timeout: 300_000 });

after(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
  }
  rmSync(dir, { recursive: true, force: true });
});

test('the installed app holds Sluice from the tarballs, with nothing linked to the repository', () => {
  for (const name of ['sluice', '@sluice/dev', '@sluice/dev-hub', '@sluice/local-host', '@sluice/local-durable']) {
    const installed = join(app, 'node_modules', name);
    assert.ok(existsSync(join(installed, 'package.json')), `${name} is installed`);
    assert.equal(lstatSync(installed).isSymbolicLink(), false, `${name} is a copy, not a link`);
  }
  const shipped = readdirSync(join(app, 'node_modules/sluice'));
  assert.deepEqual(shipped.filter((f) => f === 'src' || f === 'test'), [], 'the library ships compiled code only');
  for (const f of ['functions.js', 'package.json']) assert.doesNotMatch(readFileSync(join(app, f), 'utf8'), /packages\/|\.\.\/\.\.\//, `${f} reaches no repository path`);
});

test('`sluice dev` runs the app: two streams, two hubs, a join, with outputs that match what was sent', { timeout: 300_000 }, async () => {
  child = spawn(process.execPath, [join(app, 'node_modules/@sluice/dev/dist/cli.js'), 'dev', '--memory', '--port', '0', '--hub-port', '0', '--partitions', '2'], {
    cwd: app, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child!.once('exit', r));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { output = (output + chunk).slice(-40_000); });
  const lines = createInterface({ input: child.stdout! });
  const seen: Record<string, string> = {};
  lines.on('line', (line) => {
    output = (output + line + '\n').slice(-40_000);
    const m = /^\s+(Functions host|Event Hubs|Storage):\s+(\S+)/.exec(line);
    if (m) seen[m[1]!] = m[2]!;
  });
  await waitUntil(() => Boolean(seen['Functions host'] && seen['Event Hubs'] && seen['Storage']) || child!.exitCode !== null, 'sluice dev prints its endpoints', 120_000);
  assert.equal(child.exitCode, null, `sluice dev exited early:\n${output}`);
  const host = seen['Functions host']!;

  const streams = await (await fetch(`${host}/api/streams`)).json() as { streams?: { name: string }[] } | { name: string }[];
  const names = (Array.isArray(streams) ? streams : streams.streams ?? []).map((s) => s.name).sort();
  assert.deepEqual(names, ['clicks', 'sales'], 'the status index lists both streams');

  const send = async (hub: string, bodies: readonly object[]): Promise<void> => {
    const producer = new EventHubProducerClient(seen['Event Hubs']!, hub);
    try {
      const batch = await producer.createBatch();
      for (const b of bodies) assert.ok(batch.tryAdd({ body: b }), 'the events fit one batch');
      await producer.sendBatch(batch);
    } finally {
      await producer.close();
    }
  };
  await within(send('clicks', CLICKS), 60_000, 'sending clicks');
  await within(send('orders', ORDERS), 60_000, 'sending orders');

  const want = expected();
  const tableOf = (partition: string) => async (): Promise<Map<string, number>> => {
    const table = TableClient.fromConnectionString(seen['Storage']!, 'sluiceoutput', { allowInsecureConnection: true });
    const rows = new Map<string, number>();
    try {
      for await (const e of table.listEntities<{ key: string; value: number }>({ queryOptions: { filter: `PartitionKey eq '${partition}'` } })) rows.set(e.key, e.value);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err; // the table appears with the first output
    }
    return rows;
  };
  const same = (a: Map<string, number>, b: Map<string, number>): boolean => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
  const clicks = tableOf('clicks-by-page');
  const revenue = tableOf('revenue-by-page');
  await waitUntil(async () => same(await clicks(), want.clicks), `clicks per page reach ${JSON.stringify([...want.clicks])}`, 180_000)
    .catch(async (err: Error) => assert.fail(`${err.message}; table holds ${JSON.stringify([...await clicks()])}\n${output}`));
  await waitUntil(async () => same(await revenue(), want.revenue), `revenue per page reaches ${JSON.stringify([...want.revenue])}`, 180_000)
    .catch(async (err: Error) => assert.fail(`${err.message}; table holds ${JSON.stringify([...await revenue()])}\n${output}`));

  child.kill('SIGINT');
  assert.equal(await within(exited, 60_000, 'sluice dev stops on Ctrl-C'), 0, `sluice dev stops cleanly:\n${output}`);
});
