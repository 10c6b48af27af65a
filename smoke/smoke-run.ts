import { randomUUID } from 'node:crypto';
import { EventHubProducerClient, type EventData } from '@azure/event-hubs';
import { DefaultAzureCredential } from '@azure/identity';
import { azureStreamStorage } from '#sluice/adapters/azure/azure-storage.js';
import { storageClients } from '#sluice/adapters/azure/storage-clients.js';
import { loadConfig, type Connection } from '#sluice/config/config.js';
import { takeSampleEvents } from '#dev/sample-events.js';
import type { StreamStorage } from '#sluice/ports/stream-storage.js';
import { BlockStore } from '#sluice/receiver/block-store.js';
import { eventBytes } from '#sluice/receiver/event-body.js';
import type { ReceivedEvent } from '#sluice/receiver/received-event.js';
import { deadLetterBody, readDeadLetters, type DeadLetter } from '#sluice/scheduler/dead-letter.js';
import { systemClock, type Clock } from '#sluice/util/clock.js';
import { CheckpointStore, type Checkpoint } from '#sluice/wal/checkpoint-store.js';
import { edgeCases, type EdgeCase } from './edge-cases.js';
import type { SmokeOptions } from './smoke-options.js';

export interface SmokeCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** Where events of this run are marked (lower-case names: the Functions library lower-cases the first letter). */
const RUN = 'smokeRun';
const CASE = 'smokeCase';
const POLL_MS = 2000;

/**
 * Smoke-checks a deployed stream running the sample job: sends the edge-case bodies and a seeded
 * workload of page views on pages unique to this run, waits for the receivers and the batches,
 * then checks, byte for byte, that blocks and dead letters hold what was sent and that the sink's
 * per-page counts match the workload; and, with an app URL, that the status API answers and shows
 * no gaps. Reports one line per check; never throws for a failed check.
 */
export async function runSmoke(options: SmokeOptions, report: (check: SmokeCheck) => void, clock: Clock = systemClock): Promise<SmokeCheck[]> {
  const checks: SmokeCheck[] = [];
  const record = (name: string, ok: boolean, detail: string): boolean => {
    const check = { name, ok, detail };
    checks.push(check);
    report(check);
    return ok;
  };
  const deadline = clock.now() + options.timeoutMs;
  const runId = randomUUID().slice(0, 8);
  const storage = storageOf(options);
  const checkpoints = new CheckpointStore(storage.wal, options.stream);
  const producer = producerOf(options);
  try {
    if (options.appUrl) {
      const status = await getJson(options, `/api/streams/${encodeURIComponent(options.stream)}`);
      record('status API answers', status.ok, status.ok ? `stream ${options.stream} is ${String(status.body?.['state'])}` : status.detail);
    }
    const before = await checkpoints.list();
    const cases = edgeCases();
    const workload = takeSampleEvents(options.count, { seed: options.seed }).map((e) => ({ ...e.pageView!, page: `/smoke/${runId}${e.pageView!.page}` }));
    try {
      for (const [i, c] of cases.entries()) await producer.sendBatch([edgeEvent(c, runId, i)], c.partitionKey !== undefined ? { partitionKey: c.partitionKey } : {});
      for (let i = 0; i < workload.length; i += 100) {
        await producer.sendBatch(workload.slice(i, i + 100).map((v): EventData => ({ body: Buffer.from(JSON.stringify(v)), properties: { [RUN]: runId } })));
      }
      record('events sent', true, `${cases.length} edge cases and ${workload.length} page views (run ${runId}, seed ${options.seed})`);
    } catch (error) {
      record('events sent', false, messageOf(error));
      return checks;
    }

    // Blocks: the receivers store every event, byte for byte, with its key and properties.
    let stored = new Map<number, ReceivedEvent>();
    await until(deadline, clock, async () => {
      stored = await storedCases(storage, options.stream, checkpoints, before, runId);
      return stored.size === cases.length;
    });
    checkCases(cases, stored, 'blocks', (e) => eventBytes(e), record);

    // Dead letters: the sample job cannot decode any edge case, so each is dead-lettered exactly once, raw.
    let letters: DeadLetter[] = [];
    await until(deadline, clock, async () => {
      letters = (await readDeadLetters(storage.deadLetters, `${options.stream}/`)).filter((d) => d.properties?.[RUN] === runId);
      return letters.length >= cases.length;
    });
    const byCase = new Map<number, DeadLetter[]>();
    for (const d of letters) byCase.set(Number(d.properties?.[CASE]), [...(byCase.get(Number(d.properties?.[CASE])) ?? []), d]);
    const once = [...byCase.values()].every((l) => l.length === 1);
    record('dead letters exactly once', byCase.size === cases.length && once, `${letters.length} dead letters for ${cases.length} edge cases`);
    checkCases(cases, new Map([...byCase].map(([k, l]) => [k, l[0]!])), 'dead letters', (d) => deadLetterBody(d) ?? new Uint8Array(0), record);

    // The sink: per-page counts of this run's pages, summed over the batches' page-counts blobs.
    const expected = new Map<string, number>();
    for (const v of workload) expected.set(v.page, (expected.get(v.page) ?? 0) + 1);
    let totals = new Map<string, number>();
    await until(deadline, clock, async () => {
      totals = await pageCounts(storage, `/smoke/${runId}/`);
      return sameCounts(totals, expected);
    });
    record('sink totals match the workload', sameCounts(totals, expected),
      `${sum(totals)} of ${workload.length} page views counted over ${expected.size} pages`);

    const after = await checkpoints.list();
    const gaps = after.reduce((n, c) => n + c.gaps, 0);
    record('no gaps recorded', gaps === 0, gaps === 0 ? 'no sequence range was lost' : `${gaps} GapDetected records: see the status API's "gaps"`);
    if (options.appUrl) {
      const status = await getJson(options, `/api/streams/${encodeURIComponent(options.stream)}`);
      const health = status.body?.['health'] as { level?: string; problems?: string[] } | undefined;
      record('status API shows the stream healthy', status.ok && health?.level !== 'failing' && status.body?.['gaps'] === undefined,
        status.ok ? `health ${health?.level ?? '?'}${health?.problems?.length ? `: ${health.problems.join(' ')}` : ''}` : status.detail);
    }
    return checks;
  } finally {
    await producer.close();
  }
}

function edgeEvent(c: EdgeCase, runId: string, i: number): EventData {
  return { body: Buffer.from(c.body), properties: { ...c.properties, [RUN]: runId, [CASE]: i } };
}

/** Compares what came back with what was sent: bytes, partition key and properties. */
function checkCases<T extends { partitionKey?: string | null; properties?: Readonly<Record<string, unknown>> }>(
  cases: readonly EdgeCase[], found: ReadonlyMap<number, T>, where: string, bytesOf: (t: T) => Uint8Array,
  record: (name: string, ok: boolean, detail: string) => boolean,
): void {
  for (const [i, c] of cases.entries()) {
    const got = found.get(i);
    if (!got) {
      record(`${where}: ${c.name}`, false, 'not found before the timeout');
      continue;
    }
    const problems: string[] = [];
    const bytes = bytesOf(got);
    if (!Buffer.from(bytes).equals(Buffer.from(c.body))) problems.push(`body differs (${bytes.byteLength} bytes back, ${c.body.byteLength} sent)`);
    if ((got.partitionKey ?? null) !== (c.partitionKey ?? null)) problems.push(`partition key ${JSON.stringify(got.partitionKey)} instead of ${JSON.stringify(c.partitionKey ?? null)}`);
    for (const [k, v] of Object.entries(c.properties ?? {})) {
      if (got.properties?.[k] !== v) problems.push(`property ${k} is ${JSON.stringify(got.properties?.[k])}, sent ${JSON.stringify(v)}`);
    }
    record(`${where}: ${c.name}`, problems.length === 0, problems.length === 0 ? `${c.body.byteLength} bytes exact` : problems.join('; '));
  }
}

/** This run's edge cases in blocks stored since `before`, by case number. */
async function storedCases(storage: StreamStorage, stream: string, checkpoints: CheckpointStore, before: readonly Checkpoint[], runId: string): Promise<Map<number, ReceivedEvent>> {
  const from = new Map(before.map((c) => [`${c.source}/${c.partition}`, c.lastSeq]));
  const blocks = new BlockStore(storage.blocks, stream);
  const found = new Map<number, ReceivedEvent>();
  for (const c of await checkpoints.list()) {
    for (const b of await checkpoints.blocksBetween(c, from.get(`${c.source}/${c.partition}`) ?? -1, c.lastSeq)) {
      for (const e of await blocks.read(c, b.first, b.last)) if (e.properties?.[RUN] === runId) found.set(Number(e.properties?.[CASE]), e);
    }
  }
  return found;
}

/** Sums the page-counts sink's lines ({ key, value }) for pages under `pagePrefix`. */
async function pageCounts(storage: StreamStorage, pagePrefix: string): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  for (const name of await storage.output.list('')) {
    if (!/(^|\/)page-counts-\d+\.ndjson$/.test(name)) continue;
    for (const line of Buffer.from((await storage.output.get(name)) ?? new Uint8Array(0)).toString('utf8').split('\n')) {
      if (!line.includes(pagePrefix)) continue;
      const { key, value } = JSON.parse(line) as { key: string; value: number };
      if (key.startsWith(pagePrefix)) totals.set(key, (totals.get(key) ?? 0) + value);
    }
  }
  return totals;
}

const sum = (m: ReadonlyMap<string, number>): number => [...m.values()].reduce((n, v) => n + v, 0);
const sameCounts = (a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean => a.size === b.size && [...b].every(([k, v]) => a.get(k) === v);

async function until(deadline: number, clock: Clock, done: () => Promise<boolean>): Promise<void> {
  while (!(await done())) {
    if (clock.now() >= deadline) return;
    await clock.sleepUntil(Math.min(deadline, clock.now() + POLL_MS));
  }
}

function storageOf(options: SmokeOptions): StreamStorage {
  const config = loadConfig({ SLUICE_STREAM_NAME: options.stream });
  const connection: Connection = options.target.kind === 'connectionString'
    ? { kind: 'connectionString', connectionString: options.target.storageConnection }
    : { kind: 'identity', blobServiceUri: `https://${options.target.storageAccount}.blob.core.windows.net`, tableServiceUri: `https://${options.target.storageAccount}.table.core.windows.net` };
  return azureStreamStorage(config, storageClients(connection));
}

function producerOf(options: SmokeOptions): EventHubProducerClient {
  const t = options.target;
  if (t.kind === 'identity') return new EventHubProducerClient(t.namespace, t.hub, new DefaultAzureCredential());
  return /(?:^|;)\s*EntityPath=/i.test(t.eventHubConnection) ? new EventHubProducerClient(t.eventHubConnection) : new EventHubProducerClient(t.eventHubConnection, t.hub);
}

async function getJson(options: SmokeOptions, path: string): Promise<{ ok: boolean; body?: Record<string, unknown>; detail: string }> {
  try {
    const response = await fetch(`${options.appUrl}${path}`, {
      headers: options.functionKey ? { 'x-functions-key': options.functionKey } : {},
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) return { ok: false, detail: `GET ${path}: HTTP ${response.status}${response.status === 401 ? ' (give --function-key)' : ''}` };
    return { ok: true, body: (await response.json()) as Record<string, unknown>, detail: '' };
  } catch (error) {
    return { ok: false, detail: `GET ${path}: ${messageOf(error)}` };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
