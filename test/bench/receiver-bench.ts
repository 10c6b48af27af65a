import { performance } from 'node:perf_hooks';
import type { StreamStorage } from '#sluice/ports/stream-storage.js';
import { BlockStore } from '#sluice/receiver/block-store.js';
import { BufferedReceiver } from '#sluice/receiver/buffered-receiver.js';
import { ReliableReceiver } from '#sluice/receiver/reliable-receiver.js';
import { ManualClock } from '#sluice/util/clock.js';
import { silentLogger } from '#sluice/util/log.js';
import { CheckpointStore } from '#sluice/wal/checkpoint-store.js';
import { WriteCounter } from './counting-storage.js';
import { syntheticEvents } from './synthetic-events.js';

const PARTITIONS = 4;
const RATE = 1000; // events/s per partition
const BLOCK_MS = 200;

interface Result { name: string; events: number; seconds: number; writes: number; blocks: number }

/**
 * Receiver ingest on Azurite: 4 partitions of 200-byte JSON at 1,000 events/s each, 200 ms blocks,
 * in reliable and unreliable mode, against a naive receiver that writes one Table entity per event.
 */
export async function receiverBench(fresh: () => StreamStorage, eventsPerPartition: number, callSize: number, print: (line: string) => void): Promise<void> {
  const results: Result[] = [];
  for (const mode of ['reliable', 'unreliable'] as const) {
    const counter = new WriteCounter();
    const storage = counter.wrap(fresh());
    const clock = new ManualClock(0);
    const blocks = new BlockStore(storage.blocks, 'bench');
    const checkpoints = new CheckpointStore(storage.wal, 'bench');
    const receivers = Array.from({ length: PARTITIONS }, (_, p) => new ReliableReceiver(blocks, checkpoints, { source: 'events', partition: String(p), blockIntervalMs: BLOCK_MS, maxBlockBytes: 1 << 20, owner: 'bench' }, clock, silentLogger));
    const buffered = receivers.map((r) => new BufferedReceiver(r, BLOCK_MS, 1 << 20, clock, silentLogger));
    const events = Array.from({ length: PARTITIONS }, (_, p) => syntheticEvents(p, eventsPerPartition, RATE));
    const start = performance.now();
    await Promise.all(events.map(async (list, p) => {
      for (let i = 0; i < list.length; i += callSize) {
        const call = list.slice(i, i + callSize);
        if (mode === 'reliable') await receivers[p]!.receive(call);
        else {
          await buffered[p]!.receive(call);
          // The manual clock stands in for time: a flush per block interval the calls cover.
          if (Math.floor(call[call.length - 1]!.enqueuedTime / BLOCK_MS) !== Math.floor(call[0]!.enqueuedTime / BLOCK_MS) || call.length * 1000 / RATE >= BLOCK_MS) await buffered[p]!.flush();
        }
      }
      await buffered[p]!.close();
    }));
    const seconds = (performance.now() - start) / 1000;
    const blockCount = (await checkpoints.list()).reduce((n, c) => n + c.blocks, 0);
    results.push({ name: mode, events: PARTITIONS * eventsPerPartition, seconds, writes: counter.total, blocks: blockCount });
  }
  {
    const counter = new WriteCounter();
    const storage = counter.wrap(fresh());
    const events = Array.from({ length: PARTITIONS }, (_, p) => syntheticEvents(p, eventsPerPartition, RATE));
    const start = performance.now();
    await Promise.all(events.map(async (list, p) => {
      for (const e of list) await storage.wal.transact([{ kind: 'upsert', entity: { partitionKey: `naive~${p}`, rowKey: String(e.sequenceNumber).padStart(16, '0'), body: String(e.body), offset: e.offset, enqueuedTime: e.enqueuedTime } }]);
    }));
    results.push({ name: 'naive (1 entity/event)', events: PARTITIONS * eventsPerPartition, seconds: (performance.now() - start) / 1000, writes: counter.total, blocks: 0 });
  }
  const naive = results[2]!;
  print(`receiver ingest, ${PARTITIONS} partitions x ${eventsPerPartition} events (200 B JSON, ${RATE}/s per partition, ${BLOCK_MS} ms blocks), ${callSize} events per trigger call, Azurite in-process`);
  print('  mode                     events/s   writes/1k events   writes/block   writes vs naive   speed vs naive');
  for (const r of results) {
    const perK = (r.writes / r.events) * 1000;
    print(`  ${r.name.padEnd(24)} ${String(Math.round(r.events / r.seconds)).padStart(8)}   ${perK.toFixed(1).padStart(16)}   ${(r.blocks ? (r.writes / r.blocks).toFixed(2) : '-').padStart(12)}   ${(naive.writes / r.writes).toFixed(1).padStart(14)}x   ${((r.events / r.seconds) / (naive.events / naive.seconds)).toFixed(1).padStart(13)}x`);
  }
}
