import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { GCProfiler } from 'node:v8';

/**
 * What one measured process spent over a window of the benchmark, reported to the bench process
 * over IPC. CPU is the process's own (process.cpuUsage: every thread, user + system), so it does
 * not depend on what else the shared machine runs, as wall-clock time does.
 */
export interface WindowReport {
  cpuMs: number;
  /** Main-thread GC pauses (V8's GC profiler) and their count. */
  gcMs: number;
  gcCount: number;
  /** Bytes allocated on the V8 heap: used heap before each GC minus used heap after the previous. */
  allocatedBytes: number;
  /** Peak RSS of the process over its life. */
  maxRssBytes: number;
  /** Counters the role keeps (storage requests by kind, function executions by name). */
  counts: Record<string, number>;
  profile?: ProfileSummary;
}

/** From a .cpuprofile: where the sampled CPU went. */
export interface ProfileSummary {
  file: string;
  /** Share of non-idle samples in V8's "(garbage collector)" node. */
  gcShare: number;
  /** The functions with the most self time, as "share name (file:line)". */
  top: string[];
  /** From the sampling heap profile written beside it (.heapprofile): the functions that allocate most, as "share name (file:line)". */
  topAllocations: string[];
  /** Inclusive shares of the paths in CPU_SPLIT, as "share what". */
  split: string[];
  /** Every sample in one CPU_CATEGORIES category (the first that matches, from the sampled function outwards), as "share what". */
  categories: string[];
}

/**
 * Paths whose inclusive time the bench reports on its own, because where they run in Azure
 * differs: the local host encodes trigger data in the app's process, where in Azure the
 * Functions host (a separate .NET process on the same instance) does it; @azure/functions then
 * converts it inside the Node worker, in Azure too. Keyed by the function that starts each path.
 */
const CPU_SPLIT: readonly (readonly [entry: string, what: string])[] = [
  ['eventHubBatchInput', 'local host encodes each invocation\'s trigger data (in Azure: the Functions host, a separate process)'],
  ['getArguments', '@azure/functions converts trigger data and metadata (in Azure: the Node worker, so the app)'],
  ['eventsOfTrigger', 'the receiver maps trigger data to events'],
  ['cutBlocks', 'the receiver encodes block lines'],
  ['decodeBlock', 'tasks decode blocks'],
];

/** The app's count of CPU microseconds the local host spent encoding trigger data (in Azure, the Functions host's). */
export const HOST_ENCODING_MICROS = 'local-host trigger-encoding-cpu-µs';

/**
 * Where a process's CPU goes, by the code that runs: each sample is charged to the first category
 * that matches, from the sampled function out through its callers, so the shares add up to 100%.
 * A library's category claims a sample only when no Sluice code lies between it and the sampled
 * function: Sluice code that the Event Hubs client calls back into is Sluice's. Only synchronous
 * callers are on a sample's stack: a storage response handled in a later microtask is the
 * storage client's, not the caller's.
 */
const SLUICE_CATEGORIES: readonly (readonly [what: string, matches: (frame: CallFrame) => boolean])[] = [
  ['local host: trigger data encoding (the Functions host in Azure)', (f) => f.url.endsWith('/host/eventhub-batch-input.js')],
  ['receiver: trigger data to events', (f) => /\/src\/app\/(event-hub-batch|trigger-values)\.js$/.test(f.url)],
  ['receiver: block encoding', (f) => /\/src\/receiver\/(block-generator|block-codec)\.js$/.test(f.url) && f.functionName !== 'decodeBlock' && !/Body$|viewOf/.test(f.functionName)],
  ['tasks: block decoding', (f) => f.url.endsWith('/src/receiver/block-codec.js')],
  ['tasks, DStream operators, the job', (f) => /\/src\/(scheduler|dstream|sample)\//.test(f.url)],
  ['durable driver and local durable runtime', (f) => /durable/.test(f.url)],
];
const LIBRARY_CATEGORIES: readonly (readonly [what: string, matches: (frame: CallFrame) => boolean])[] = [
  ['garbage collection', (f) => f.functionName === '(garbage collector)'],
  ['@azure/functions: trigger data conversion', (f) => f.url.endsWith('/azure-functions.js') && /^(getArguments|fromRpc|toCamelCase|tryJsonParse)/.test(f.functionName)],
  ['storage clients (@azure/core-*, storage-blob, data-tables, node:http)', (f) => /@azure\/(core-|storage-blob|data-tables|abort-controller)|@typespec|node:_http_/.test(f.url)],
  ['Event Hubs client (rhea, @azure/event-hubs, core-amqp, debug)', (f) => /\/node_modules\/(rhea|@azure\/event-hubs|@azure\/core-amqp|@azure\/eventhubs-checkpointstore-blob|debug)\//.test(f.url)],
];
/** Samples in Sluice's code that no Sluice category claims. */
const OTHER_SLUICE = 'other Sluice code (WAL, receiver, adapters, local host)';
const isSluice = (f: CallFrame): boolean => /\/dist\/(src|functions)\//.test(f.url);

/** The user-agent prefix of the bench's own storage clients, whose polling Azurite leaves out of its counts. */
export const OBSERVER_AGENT = 'sluice-bench-observer';

export type ProbeRequest = { type: 'begin'; profileFile?: string } | { type: 'end' } | { type: 'ask'; what: string };

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface CpuProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: CpuProfileNode[]; samples: number[]; timeDeltas: number[] }
interface HeapProfileNode { callFrame: CallFrame; selfSize: number; children: HeapProfileNode[] }

const frameName = (frame: CallFrame): string => {
  const where = frame.url ? ` (${frame.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${frame.lineNumber + 1})` : '';
  return `${frame.functionName || '(anonymous)'}${where}`;
};

const topShares = (totals: Map<string, number>, all: number): string[] =>
  [...totals].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([name, t]) => `${(100 * t / all).toFixed(1)}% ${name}`);

/** Self size by function over a sampling heap profile's tree. */
function summariseHeap(head: HeapProfileNode): string[] {
  const self = new Map<string, number>();
  let all = 0;
  const walk = (node: HeapProfileNode): void => {
    const name = frameName(node.callFrame);
    self.set(name, (self.get(name) ?? 0) + node.selfSize);
    all += node.selfSize;
    for (const c of node.children) walk(c);
  };
  walk(head);
  return topShares(self, all);
}

function summariseProfile(file: string, profile: CpuProfile, heap: HeapProfileNode): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let busy = 0;
  let gc = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    const dt = profile.timeDeltas[i] ?? 0;
    if (frame.functionName === '(idle)') return;
    busy += dt;
    if (frame.functionName === '(garbage collector)') gc += dt;
    const name = frameName(frame);
    self.set(name, (self.get(name) ?? 0) + dt);
  });
  return {
    file, gcShare: busy ? gc / busy : 0, top: topShares(self, busy), topAllocations: summariseHeap(heap), split: splitShares(profile, busy),
    categories: categoryShares(profile, busy),
  };
}

/** Each non-idle sample's CPU_CATEGORIES category, as shares of the busy time, largest first. */
function categoryShares(profile: CpuProfile, busy: number): string[] {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Per node and whether Sluice code lies below it, worked out once (samples repeat nodes).
  const memo = new Map<string, string>();
  const category = (id: number, sluiceBelow = false): string => {
    const key = `${id}:${sluiceBelow}`;
    let found = memo.get(key);
    if (found) return found;
    const frame = byId.get(id)!.callFrame;
    const up = parent.get(id);
    const library = LIBRARY_CATEGORIES.find(([, matches]) => matches(frame));
    found = SLUICE_CATEGORIES.find(([, matches]) => matches(frame))?.[0]
      ?? (library ? (sluiceBelow ? OTHER_SLUICE : library[0]) : undefined)
      ?? (up !== undefined ? category(up, sluiceBelow || isSluice(frame)) : sluiceBelow || isSluice(frame) ? OTHER_SLUICE : 'other (Node.js internals, V8)');
    memo.set(key, found);
    return found;
  };
  const time = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    if (byId.get(id)!.callFrame.functionName === '(idle)') return;
    const c = category(id);
    time.set(c, (time.get(c) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return [...time].sort((a, b) => b[1] - a[1]).map(([what, t]) => `${(100 * t / (busy || 1)).toFixed(1)}% ${what}`);
}

/** Inclusive time of each CPU_SPLIT path, as a share of the busy time. */
function splitShares(profile: CpuProfile, busy: number): string[] {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // The paths each node lies on, worked out once per node (samples repeat nodes).
  const pathsOf = new Map<number, Set<number>>();
  const paths = (id: number): Set<number> => {
    let found = pathsOf.get(id);
    if (found) return found;
    const up = parent.get(id);
    found = new Set(up === undefined ? [] : paths(up));
    const at = CPU_SPLIT.findIndex(([entry]) => entry === byId.get(id)!.callFrame.functionName);
    if (at >= 0) found.add(at);
    pathsOf.set(id, found);
    return found;
  };
  const time = CPU_SPLIT.map(() => 0);
  profile.samples.forEach((id, i) => {
    for (const at of paths(id)) time[at]! += profile.timeDeltas[i] ?? 0;
  });
  return CPU_SPLIT.map(([entry, what], i) => `${(100 * time[i]! / (busy || 1)).toFixed(1)}% ${what} (${entry})`);
}

/**
 * Installs the IPC side of a measured child: `begin` starts a window (CPU baseline, GC profiler,
 * and a CPU profile when a file is given), `end` closes it and replies with a WindowReport, `ask`
 * answers a role-specific question. Counters are read through `counts` at both ends of a window.
 */
export function serveProbe(counts: () => Record<string, number>, answer: (what: string) => Promise<unknown> = async () => undefined): void {
  let cpu = process.cpuUsage();
  let before: Record<string, number> = {};
  let gcProfiler: GCProfiler | undefined;
  let heapAtStart = 0;
  let session: Session | undefined;
  let profileFile: string | undefined;
  const reply = (message: unknown): void => { process.send!(message); };
  const handle = async (request: ProbeRequest): Promise<void> => {
    if (request.type === 'ask') return reply({ type: 'answer', value: await answer(request.what) });
    if (request.type === 'begin') {
      profileFile = request.profileFile;
      if (profileFile) {
        session = new Session();
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: 500 });
        await session.post('Profiler.start');
        // Objects the GC already collected stay in the samples, so the profile shows all allocation, not only what survives.
        await session.post('HeapProfiler.startSampling', { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
      }
      before = { ...counts() };
      heapAtStart = process.memoryUsage().heapUsed;
      gcProfiler = new GCProfiler();
      gcProfiler.start();
      cpu = process.cpuUsage();
      return reply({ type: 'begun' });
    }
    if (request.type !== 'end') return;
    const used = process.cpuUsage(cpu);
    const heapAtEnd = process.memoryUsage().heapUsed;
    const gcs = gcProfiler?.stop()?.statistics ?? [];
    let allocated = 0;
    let last = heapAtStart;
    let gcMs = 0;
    for (const g of gcs) {
      allocated += Math.max(0, g.beforeGC.heapStatistics.usedHeapSize - last);
      last = g.afterGC.heapStatistics.usedHeapSize;
      gcMs += g.cost / 1000;
    }
    allocated += Math.max(0, heapAtEnd - last);
    const now = counts();
    const delta: Record<string, number> = {};
    for (const [k, v] of Object.entries(now)) if (v - (before[k] ?? 0) > 0) delta[k] = v - (before[k] ?? 0);
    let profile: ProfileSummary | undefined;
    if (session && profileFile) {
      const { profile: heap } = await session.post('HeapProfiler.stopSampling');
      const { profile: p } = await session.post('Profiler.stop');
      writeFileSync(profileFile, JSON.stringify(p));
      writeFileSync(profileFile.replace(/\.cpuprofile$/, '.heapprofile'), JSON.stringify(heap));
      profile = summariseProfile(profileFile, p as unknown as CpuProfile, heap.head as unknown as HeapProfileNode);
      session.disconnect();
      session = undefined;
    }
    const report: WindowReport = {
      cpuMs: (used.user + used.system) / 1000, gcMs, gcCount: gcs.length, allocatedBytes: allocated,
      maxRssBytes: process.resourceUsage().maxRSS * 1024, counts: delta, ...(profile && { profile }),
    };
    return reply({ type: 'window', report });
  };
  process.on('message', (request: ProbeRequest | { type: 'go' }) => {
    if (request.type === 'go') return;
    handle(request).catch((err: unknown) => reply({ type: 'error', message: (err as Error).stack ?? String(err) }));
  });
}
