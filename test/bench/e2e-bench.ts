import { spawn } from 'node:child_process';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { azureStreamStorage } from '#sluice/adapters/azure/azure-storage.js';
import type { StorageClients } from '#sluice/adapters/azure/storage-clients.js';
import { loadConfig } from '#sluice/config/config.js';
import { BlockStore } from '#sluice/receiver/block-store.js';
import { StreamOutputs } from '../e2e/support/stream-outputs.js';
import { costPerMillion, type CostLine } from './cost-model.js';
import { MeasuredChild } from './measured-child.js';
import { HOST_ENCODING_MICROS, OBSERVER_AGENT, type WindowReport } from './process-probe.js';
import { median, range, type Spread } from './spread.js';

export const HUB = 'pageviews';
export const PARTITIONS = 4;
export const STREAM = 'bench';
export const settings = {
  SLUICE_STREAM_NAME: STREAM, SLUICE_EVENTHUB_NAME: HUB, SLUICE_BATCH_INTERVAL: '2s', SLUICE_BLOCK_INTERVAL: '200ms',
  SLUICE_SUPERVISOR_SCHEDULE: '0 0 0 1 1 *',
};
const PRODUCE_JS = fileURLToPath(new URL('../../../packages/dev/dist/produce.js', import.meta.url));
const POLL_MS = 250;

/** The dev hub in its own process, standing for Event Hubs; it holds a run's backlog. */
interface Hub { child: MeasuredChild; connection: string }

/**
 * Azurite in its own process, standing for Azure Storage. Each app drain gets a fresh one: the
 * trigger's checkpoints live there, so a second app on the same storage would find the backlog
 * already read (and Azurite slows as it fills).
 */
interface Storage { child: MeasuredChild; connection: string; outputs: StreamOutputs }

async function startHub(): Promise<Hub> {
  const child = new MeasuredChild('hub', [HUB, String(PARTITIONS)]);
  return { child, connection: String((await child.ready)['connectionString']) };
}

async function startStorage(): Promise<Storage> {
  const child = new MeasuredChild('azurite');
  const connection = String((await child.ready)['connectionString']);
  // The bench's polls go out under their own user agent, so Azurite does not count them as the app's.
  const userAgentOptions = { userAgentPrefix: OBSERVER_AGENT };
  const clients: StorageClients = {
    blobService: BlobServiceClient.fromConnectionString(connection, { userAgentOptions }),
    table: (name) => TableClient.fromConnectionString(connection, name, { allowInsecureConnection: true, userAgentOptions }),
  };
  return { child, connection, outputs: new StreamOutputs(azureStreamStorage(loadConfig(settings), clients), STREAM) };
}

/** The producer CLI in its own process, as a user runs it; resolves when it has sent everything. */
export function runProducer(connection: string, rate: number, count: number): Promise<void> {
  const args = [PRODUCE_JS, '--connection', connection, '--hub', HUB, '--rate', String(rate), '--count', String(count), '--seed', '1', '--malformed-every', '100'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`produce exited ${code}: ${stderr}`)))));
}

/** The app of this build, or of a baseline build when `baselineStack` (its dist/src/local/stack.js) is given. */
function startApp(hub: Hub, storage: Storage, baselineStack?: string): MeasuredChild {
  return new MeasuredChild('app', [], { ...process.env, ...settings, BENCH_STORAGE: storage.connection, BENCH_EVENTHUB: hub.connection, ...(baselineStack && { BENCH_STACK: baselineStack }) });
}

/** Polls (every 250 ms, so the poll itself costs Azurite little) until `done`, or fails after the bound. */
async function pollUntil(done: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function hubEnds(hub: Hub): Promise<Map<string, number>> {
  return new Map(await hub.child.ask<[string, number][]>('ends'));
}

/** This build's app, a baseline build's app (`--baseline <dir>`), the bare consumer. */
type Variant = 'app' | 'base' | 'bare';

/** One variant's drain of the preloaded backlog: its process's window, the stand-ins', and wall-clock throughput. */
interface Drain { variant: Variant; self: WindowReport; hub: WindowReport; azurite?: WindowReport; eventsPerSecond: number; batches: number }

async function windows(children: MeasuredChild[], profileFile?: string): Promise<() => Promise<WindowReport[]>> {
  await Promise.all(children.map((c, i) => c.begin(i === 0 ? profileFile : undefined)));
  return () => Promise.all(children.map((c) => c.end()));
}

/** The app drains the backlog: from the host's READY to the last batch committed (read from the WAL). */
async function drainApp(hub: Hub, count: number, variant: Variant, profileFile?: string, baselineStack?: string): Promise<Drain> {
  const ends = await hubEnds(hub);
  const storage = await startStorage();
  const app = startApp(hub, storage, variant === 'base' ? baselineStack : undefined);
  try {
    await app.ready;
    const end = await windows([app, hub.child, storage.child], profileFile);
    const started = Date.now();
    await pollUntil(() => storage.outputs.drained(ends), 'the app drained the backlog', 600_000);
    const [self, h, azurite] = await end();
    const withData = (await storage.outputs.allBatches()).filter((x) => x.completion && x.allocation.records > 0);
    const last = Math.max(...withData.map((x) => x.completion!.completedAt));
    return { variant, self: self!, hub: h!, azurite: azurite!, eventsPerSecond: count / ((last - started) / 1000), batches: withData.length };
  } finally {
    await app.stop();
    await storage.child.stop();
  }
}

/** A bare EventHubConsumerClient in its own process reads the same backlog and discards it; it uses no storage. */
async function drainBare(hub: Hub, count: number, profileFile?: string): Promise<Drain> {
  const bare = new MeasuredChild('bare', [hub.connection, HUB, String(count)]);
  try {
    await bare.ready;
    const end = await windows([bare, hub.child], profileFile);
    const done = bare.next('done');
    bare.send({ type: 'go' });
    const { wallMs } = await done as unknown as { wallMs: number };
    const [self, h] = await end();
    return { variant: 'bare', self: self!, hub: h!, eventsPerSecond: count / (wallMs / 1000), batches: 0 };
  } finally {
    await bare.stop();
  }
}

/** One run: a fresh hub with the backlog preloaded once; each variant drains it in the given order. */
async function run(count: number, order: readonly Variant[], profileDir?: string, baselineStack?: string): Promise<Drain[]> {
  const hub = await startHub();
  try {
    await runProducer(hub.connection, 1_000_000, count);
    const out: Drain[] = [];
    for (const v of order) {
      const file = profileDir && resolve(profileDir, `${v}.cpuprofile`);
      out.push(v === 'bare' ? await drainBare(hub, count, file) : await drainApp(hub, count, v, file, baselineStack));
    }
    return out;
  } finally {
    await hub.child.stop();
  }
}

/**
 * Latency and memory: the producer sends at a fixed rate for `seconds`; each event's latency is
 * its batch's completedAt (from the WAL, after its sinks wrote) minus its enqueued time (read back
 * from its block).
 */
async function live(rate: number, seconds: number, baselineStack?: string): Promise<{ p50: number; p99: number; events: number; peakRss: number }> {
  const hub = await startHub();
  const storage = await startStorage();
  try {
    const app = startApp(hub, storage, baselineStack);
    let report: WindowReport;
    try {
      await app.ready;
      await app.begin();
      await runProducer(hub.connection, rate, rate * seconds);
      const ends = await hubEnds(hub);
      await pollUntil(() => storage.outputs.drained(ends), 'the app drained the run', 120_000);
      report = await app.end();
    } finally {
      await app.stop();
    }
    const blocks = new BlockStore(storage.outputs.storage.blocks, STREAM);
    const latencies: number[] = [];
    for (const batch of await storage.outputs.allBatches()) {
      if (!batch.completion) continue;
      for (const r of batch.allocation.ranges) {
        for (const block of r.blocks) {
          for (const e of await blocks.read(r, block.first, block.last)) latencies.push(batch.completion.completedAt - e.enqueuedTime);
        }
      }
    }
    latencies.sort((x, y) => x - y);
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), events: latencies.length, peakRss: report.maxRssBytes };
  } finally {
    await Promise.all([hub.child.stop(), storage.child.stop()]);
  }
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const fmt = (s: Spread, digits = 1): string => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
const per1000 = (ms: number, count: number): number => (ms / count) * 1000;

export interface E2eFlags { quick: boolean; profile: boolean; baseline?: string }

/** `--quick`, `--profile` and `--baseline <dir>` from the command line. */
export function e2eFlags(argv: readonly string[]): E2eFlags {
  const at = argv.indexOf('--baseline');
  const baseline = at >= 0 ? argv[at + 1] : undefined;
  if (at >= 0 && !baseline) throw new Error('--baseline needs the root of a built checkout to compare with');
  return { quick: argv.includes('--quick'), profile: argv.includes('--profile'), ...(baseline && { baseline }) };
}

/**
 * The full local stack end to end, every part in its own process: the app (local Functions host,
 * durable driver, receivers), a bare EventHubConsumerClient, Azurite, the dev hub, and the
 * producer CLI. The variants drain the same backlog in turn, the order rotating each run (A B,
 * B A, ...), so a change in the machine's load touches all of them; figures are medians with their
 * range. `baseline` is another checkout's root, built: its app runs as a third variant.
 */
export async function e2eBench(print: (line: string) => void, { quick, profile, baseline }: E2eFlags): Promise<void> {
  const backlog = quick ? 30_000 : 100_000;
  const runs = quick ? 2 : 5;
  const rate = 500;
  const seconds = quick ? 30 : 180;
  const baselineStack = baseline && resolve(baseline, 'dist/src/local/stack.js');
  const variants: Variant[] = baseline ? ['app', 'base', 'bare'] : ['app', 'bare'];
  const label: Record<Variant, string> = { app: 'app', base: 'baseline app', bare: 'bare consumer' };
  print(`End to end on the local stack, every part in its own process (app | bare consumer | Azurite | dev hub | producer), 2 s batches, ${PARTITIONS} partitions`);
  print(`  reproduce: npm run bench --${quick ? ' --quick' : ''}${profile ? ' --profile' : ''}${baseline ? ` --baseline ${baseline}` : ''}`);
  print(`  ${runs} runs of a ${backlog}-event backlog; ${variants.map((v) => label[v]).join(', ')} drain the same backlog in turn, the order rotating each run`);
  const drains: Drain[] = [];
  for (let i = 0; i < runs; i++) {
    const order = variants.map((_, j) => variants[(i + j) % variants.length]!);
    const done = await run(backlog, order, undefined, baselineStack);
    drains.push(...done);
    print(`  run ${i + 1}: ${done.map((d) => `${label[d.variant]} ${per1000(d.self.cpuMs, backlog).toFixed(1)}`).join(', ')} ms CPU per 1,000 events`);
  }
  const of = (v: Variant) => drains.filter((d) => d.variant === v);
  const cpu = (v: Variant, pick: (d: Drain) => WindowReport | undefined): string => {
    const used = of(v).map(pick);
    return used.every((r) => r) ? fmt(range(used.map((r) => per1000(r!.cpuMs, backlog)))) : 'not used';
  };
  print('  CPU per 1,000 events drained (ms), median (min–max), each process separately:');
  print(`  | process | ${variants.map((v) => `while the ${label[v]} drains`).join(' | ')} |`);
  print(`  |---|${variants.map(() => '---|').join('')}`);
  print(`  | the draining process itself | ${variants.map((v) => cpu(v, (d) => d.self)).join(' | ')} |`);
  print(`  | dev hub (stands for Event Hubs) | ${variants.map((v) => cpu(v, (d) => d.hub)).join(' | ')} |`);
  print(`  | Azurite (stands for Storage) | ${variants.map((v) => cpu(v, (d) => d.azurite)).join(' | ')} |`);
  for (const v of variants.filter((x) => x !== 'bare')) {
    const ratios = range(of(v).map((a, i) => a.self.cpuMs / of('bare')[i]!.self.cpuMs));
    print(`  CPU ratio ${label[v]} / bare consumer, paired per run: ${fmt(ratios, 2)} (target <= 2)`);
    // The local host encodes trigger data in the app's process; in Azure the Functions host does,
    // in its own .NET process. The app's CPU without it still holds the trigger's Event Hubs
    // client, the reading the bare consumer does too.
    const encodingMs = of(v).map((d) => d.self.counts[HOST_ENCODING_MICROS]);
    if (encodingMs.some((us) => us === undefined)) continue;
    const own = of(v).map((d, i) => d.self.cpuMs - encodingMs[i]! / 1000);
    print(`    of which the local host's trigger encoding (the Functions host's work in Azure): ${fmt(range(encodingMs.map((us) => per1000(us! / 1000, backlog))))} ms per 1,000 events;`);
    print(`    without it: ${fmt(range(own.map((ms) => per1000(ms, backlog))))} ms per 1,000 events, ratio to the bare consumer ${fmt(range(own.map((ms, i) => ms / of('bare')[i]!.self.cpuMs)), 2)}`);
  }
  const alloc = (v: Variant) => range(of(v).map((d) => d.self.allocatedBytes / backlog / 1024));
  const gcShare = (v: Variant) => range(of(v).map((d) => (100 * d.self.gcMs) / d.self.cpuMs));
  print(`  V8 heap allocated per event (KB): ${variants.map((v) => `${label[v]} ${fmt(alloc(v))}`).join(', ')}`);
  print(`  main-thread GC pauses as % of process CPU (pauses are wall-clock, so they read high on a busy machine): ${variants.map((v) => `${label[v]} ${fmt(gcShare(v))}`).join(', ')}`);
  const wall = (v: Variant) => range(of(v).map((d) => d.eventsPerSecond));
  print(`  wall-clock throughput, events/s (machine-dependent; an app's includes waiting for its last 2 s batch boundary): ${variants.map((v) => `${label[v]} ${fmt(wall(v), 0)}`).join(', ')}`);

  const counts = of('app').map((d) => {
    const { [HOST_ENCODING_MICROS]: _encoding, ...executions } = d.self.counts;
    return { ...d.azurite!.counts, ...executions };
  });
  const cpuMsPerEvent = median(of('app').map((d) => d.self.cpuMs / backlog));
  printCost(print, costPerMillion(counts, backlog, cpuMsPerEvent));

  if (profile) {
    const dir = resolve('bench-profiles');
    mkdirSync(dir, { recursive: true });
    const profiled = await run(backlog, variants, dir, baselineStack);
    for (const d of profiled) {
      const p = d.self.profile!;
      print(`  profile of the ${label[d.variant]} process over one more drain (not in the medians): ${p.file}`);
      print(`    GC share of sampled CPU ${(100 * p.gcShare).toFixed(1)}%, heap allocated ${(d.self.allocatedBytes / backlog / 1024).toFixed(1)} KB per event; top self time:`);
      for (const line of p.top) print(`      ${line}`);
      print('    top allocation (sampled, with collected objects), written beside it as .heapprofile:');
      for (const line of p.topAllocations) print(`      ${line}`);
      print('    sampled CPU by the code that runs (each sample once, from the sampled function outwards):');
      for (const line of p.categories) print(`      ${line}`);
      if (d.variant === 'bare') continue;
      print('    inclusive CPU of the trigger and block paths (overlapping shares of sampled CPU):');
      for (const line of p.split) print(`      ${line}`);
    }
  }

  // Each app gets latency runs of its own, on fresh stand-ins. Latency follows the machine's load
  // far more than CPU does, so with a baseline the two alternate (A B B A), and each gets the
  // same share of early and late slots.
  const apps = variants.filter((x) => x !== 'bare');
  const latencyOrder = apps.length > 1 ? [...apps, ...[...apps].reverse()] : apps;
  const latencies = new Map<Variant, { p50: number; p99: number }[]>();
  for (const v of latencyOrder) {
    const l = await live(rate, seconds, v === 'base' ? baselineStack : undefined);
    latencies.set(v, [...(latencies.get(v) ?? []), l]);
    print(`  ${label[v]}: latency enqueue -> batch committed (sinks written), ${rate} events/s for ${seconds} s${quick ? ' (--quick; the full run is 180 s)' : ''}: p50 ${l.p50} ms, p99 ${l.p99} ms over ${l.events} events; peak RSS ${mib(l.peakRss)}`);
  }
  if (apps.length > 1) {
    for (const v of apps) {
      const runs = latencies.get(v)!;
      print(`  ${label[v]}: latency over its ${runs.length} runs, median (min–max): p50 ${fmt(range(runs.map((r) => r.p50)), 0)} ms, p99 ${fmt(range(runs.map((r) => r.p99)), 0)} ms`);
    }
  }
}

function printCost(print: (line: string) => void, lines: CostLine[]): void {
  print('  cost per million events, from the counts of the app runs (median per run, scaled), at the list prices in docs/deploy.md:');
  print('  | item | per million events | $ per million events |');
  print('  |---|---|---|');
  for (const l of lines) print(`  | ${l.item} | ${l.quantity} | ${l.dollars === undefined ? 'not priced' : l.dollars.toFixed(4)} |`);
  const total = lines.reduce((n, l) => n + (l.dollars ?? 0), 0);
  print(`  | **total priced** | | **${total.toFixed(4)}** |`);
}
