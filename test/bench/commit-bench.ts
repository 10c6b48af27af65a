import { performance } from 'node:perf_hooks';
import { StreamingContext } from '#sluice/dstream/streaming-context.js';
import type { StreamStorage } from '#sluice/ports/stream-storage.js';
import { BlockStore } from '#sluice/receiver/block-store.js';
import { ReliableReceiver } from '#sluice/receiver/reliable-receiver.js';
import { StreamEngine } from '#sluice/scheduler/stream-engine.js';
import { ManualClock } from '#sluice/util/clock.js';
import { silentLogger } from '#sluice/util/log.js';
import { CheckpointStore } from '#sluice/wal/checkpoint-store.js';
import { syntheticEvents } from './synthetic-events.js';

/**
 * The scaling shape of one batch on Azurite: 10k, 100k and 1M events (4 partitions), a keyed count
 * over 1,000 users to the Blob sink, 8 tasks. Tasks grow with the events; the commit should not,
 * because only map-side combiners reach it.
 */
export async function commitBench(fresh: () => StreamStorage, sizes: readonly number[], print: (line: string) => void): Promise<void> {
  print('batch scaling on Azurite: keyed count over 1,000 users, 8 tasks, 4 partitions');
  print('  events/batch   allocate ms   tasks ms   commit ms   commit ms per 10k events');
  for (const size of sizes) {
    const storage = fresh();
    const clock = new ManualClock(0);
    const ssc = new StreamingContext({ batchInterval: 10_000 });
    ssc.eventHubStream<{ user: string }>().map((v) => [v.user, 1] as [string, number]).reduceByKey((a, b) => a + b).saveAsTextFiles('users');
    const engine = new StreamEngine({ stream: 'bench', batchIntervalMs: 10_000, maxTasksPerBatch: 8, blockRetentionMs: 1e12, walRetentionMs: 1e12, storage, graph: ssc.graph, clock, log: silentLogger });
    await engine.zeroTime();
    const blocks = new BlockStore(storage.blocks, 'bench');
    const checkpoints = new CheckpointStore(storage.wal, 'bench');
    await Promise.all(Array.from({ length: 4 }, async (_, p) => {
      const r = new ReliableReceiver(blocks, checkpoints, { source: 'events', partition: String(p), blockIntervalMs: 10_000, maxBlockBytes: 4 << 20, owner: 'bench' }, clock, silentLogger);
      const perPartition = size / 4;
      for (let i = 0; i < perPartition; i += 50_000) await r.receive(syntheticEvents(p, Math.min(50_000, perPartition - i), 1e6, i));
    }));
    clock.set(10_000);
    let t = performance.now();
    const allocation = await engine.allocateBatch(10_000);
    const allocMs = performance.now() - t;
    t = performance.now();
    await Promise.all(engine.planTasks(allocation).map((p) => engine.runTask(10_000, p.task)));
    const tasksMs = performance.now() - t;
    t = performance.now();
    await engine.commitBatch(10_000);
    const commitMs = performance.now() - t;
    print(`  ${String(size).padStart(12)}   ${allocMs.toFixed(0).padStart(11)}   ${tasksMs.toFixed(0).padStart(8)}   ${commitMs.toFixed(0).padStart(9)}   ${((commitMs / size) * 10_000).toFixed(2).padStart(24)}`);
  }
}
