import { cpuUsage } from 'node:process';
import { performance } from 'node:perf_hooks';
import { eventsOfTrigger } from '#sluice/app/event-hub-batch.js';
import type { StreamStorage } from '#sluice/ports/stream-storage.js';
import { encodeEvent } from '#sluice/receiver/block-codec.js';
import { BlockStore } from '#sluice/receiver/block-store.js';
import type { ReceivedEvent } from '#sluice/receiver/received-event.js';
import { ReliableReceiver } from '#sluice/receiver/reliable-receiver.js';
import { ManualClock } from '#sluice/util/clock.js';
import { silentLogger } from '#sluice/util/log.js';
import { CheckpointStore } from '#sluice/wal/checkpoint-store.js';
import { syntheticEvents } from './synthetic-events.js';

const CALL = 1000;
const PARTITIONS = 4;

interface Measured { events: number; wallMs: number; cpuMs: number }

async function measure(events: number, run: () => Promise<void> | void): Promise<Measured> {
  const cpu0 = cpuUsage();
  const t0 = performance.now();
  await run();
  const wallMs = performance.now() - t0;
  const cpu = cpuUsage(cpu0);
  return { events, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** The library's lenient JSON.parse of each string body (fromRpcTypedData.ts). */
function tryJsonParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

function metadataOf(events: readonly ReceivedEvent[]) {
  return {
    partitionContext: { partitionId: '0' },
    sequenceNumberArray: events.map((e) => ({ low: e.sequenceNumber, high: 0, unsigned: false })),
    offsetArray: events.map((e) => Number(e.offset)),
    enqueuedTimeUtcArray: events.map((e) => new Date(e.enqueuedTime).toISOString().slice(0, -1)),
    partitionKeyArray: [],
    propertiesArray: events.map(() => ({})),
  };
}

/**
 * Binary bodies against text bodies in the receiver, per trigger call of 1,000 200-byte JSON
 * events: (1) the conversion alone, from what the library hands the handler to encoded block
 * lines, with the text path as it was (JSON.parse by the library, JSON.stringify back) and the
 * binary path as it is (Buffers, UTF-8 check, exact text); (2) receiver ingest on Azurite with
 * each kind of body, which adds storage and Azurite's CPU (in this process).
 */
export async function bodyBench(fresh: () => StreamStorage, eventsPerPartition: number, print: (line: string) => void): Promise<void> {
  const n = PARTITIONS * eventsPerPartition;
  const source = syntheticEvents(0, n, 1000);
  const strings = source.map((e) => e.body as string);
  const buffers = strings.map((s) => Buffer.from(s, 'utf8'));
  const calls = Math.ceil(n / CALL);
  const metas = Array.from({ length: calls }, (_, c) => metadataOf(source.slice(c * CALL, (c + 1) * CALL)));
  // The text path as it was: bodies parsed by the library and stringified back, metadata read with Number() and Date.parse.
  const text = (): void => {
    for (let c = 0; c < calls; c++) {
      const slice = strings.slice(c * CALL, (c + 1) * CALL).map(tryJsonParse);
      const m = metas[c]!;
      for (const [i, body] of slice.entries()) {
        const e = source[c * CALL + i]!;
        encodeEvent({ body: typeof body === 'string' ? body : JSON.stringify(body), sequenceNumber: Number(m.sequenceNumberArray[i]!.low), offset: String(m.offsetArray[i]), enqueuedTime: Date.parse(m.enqueuedTimeUtcArray[i]!), partitionKey: null, properties: m.propertiesArray[i]! });
        void e;
      }
    }
  };
  const binary = (): void => {
    for (let c = 0; c < calls; c++) {
      const bodies = buffers.slice(c * CALL, (c + 1) * CALL).map((b) => Buffer.from(b));
      for (const e of eventsOfTrigger(bodies, metas[c]!).events) encodeEvent(e);
    }
  };
  text(); binary(); // warm up both paths
  const convertText = await measure(n, text);
  const convertBinary = await measure(n, binary);
  const ingest = async (bodyOf: (e: ReceivedEvent, i: number) => string | Uint8Array): Promise<Measured> => {
    const storage = fresh();
    const blocks = new BlockStore(storage.blocks, 'bench');
    const checkpoints = new CheckpointStore(storage.wal, 'bench');
    const clock = new ManualClock(0);
    const lists = Array.from({ length: PARTITIONS }, (_, p) => syntheticEvents(p, eventsPerPartition, 1000).map((e, i) => ({ ...e, body: bodyOf(e, i) })));
    return measure(n, () => Promise.all(lists.map(async (list, p) => {
      const r = new ReliableReceiver(blocks, checkpoints, { source: 'events', partition: String(p), blockIntervalMs: 200, maxBlockBytes: 1 << 20, owner: 'bench' }, clock, silentLogger);
      for (let i = 0; i < list.length; i += CALL) await r.receive(list.slice(i, i + CALL));
    })).then(() => undefined));
  };
  await ingest((e) => e.body as string); // warm up Azurite and the receiver
  const ingestText = await ingest((e) => e.body as string);
  const ingestBinary = await ingest((e) => new Uint8Array(Buffer.from(e.body as string, 'utf8')));
  const ingestRaw = await ingest((e, i) => { const b = Buffer.from(e.body as string, 'utf8'); b[0] = 0xff ^ (i & 1); return new Uint8Array(b); });
  print(`binary vs text bodies, ${n} events of ~200 B JSON, ${CALL} per trigger call`);
  print('  path                                    events/s   CPU µs/event   (CPU includes in-process Azurite for ingest)');
  const row = (name: string, m: Measured): void => print(`  ${name.padEnd(38)} ${String(Math.round(m.events / (m.wallMs / 1000))).padStart(9)}   ${(m.cpuMs * 1000 / m.events).toFixed(2).padStart(12)}`);
  row('convert: text (JSON.parse + stringify)', convertText);
  row('convert: binary (bytes, exact)', convertBinary);
  row('ingest: text bodies', ingestText);
  row('ingest: binary bodies, UTF-8', ingestBinary);
  row('ingest: binary bodies, not UTF-8', ingestRaw);
}
