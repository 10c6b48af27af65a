import { ContainerClient } from '@azure/storage-blob';
import { readDeadLetters, type DeadLetter } from '#sluice/scheduler/dead-letter.js';
import { azureStreamStorage } from '#sluice/adapters/azure/azure-storage.js';
import { storageClients } from '#sluice/adapters/azure/storage-clients.js';
import type { DevHub } from '#dev-hub/dev-hub.js';
import { startStack, type Stack } from '#dev/stack.js';
import { silentLogger } from '#sluice/util/log.js';
import { CHECKPOINT_CONTAINER } from '#local-host/eventhub-trigger.js';
import type { StreamStorage } from '#sluice/ports/stream-storage.js';
import { BatchLog } from '#sluice/wal/batch-log.js';
import { CheckpointStore } from '#sluice/wal/checkpoint-store.js';
import type { BatchRecord } from '#sluice/wal/wal-events.js';
import { singleStreamAppDir } from '../../app/single-stream-app/app-dir.js';

/** Reads what a stream wrote, as a user of the outputs would, and whether it has drained. */
export class StreamOutputs {
  readonly batches: BatchLog;
  readonly checkpoints: CheckpointStore;

  constructor(readonly storage: StreamStorage, readonly stream: string) {
    this.batches = new BatchLog(storage.wal, stream);
    this.checkpoints = new CheckpointStore(storage.wal, stream);
  }

  /** Every JSON line of every `<prefix><batchTime>.ndjson` of the Blob sink. */
  async blobLines(prefix: string): Promise<unknown[]> {
    const lines: unknown[] = [];
    for (const name of await this.storage.output.list(prefix)) {
      if (!new RegExp(`^${prefix}\\d+\\.ndjson$`).test(name)) continue;
      for (const line of Buffer.from((await this.storage.output.get(name))!).toString().split('\n')) if (line) lines.push(JSON.parse(line));
    }
    return lines;
  }

  /** Sums the `{"key","value"}` lines of a Blob sink over all its batches. */
  async blobTotals(prefix: string): Promise<Map<string, number>> {
    const totals = new Map<string, number>();
    for (const { key, value } of (await this.blobLines(prefix)) as { key: string; value: number }[]) totals.set(key, (totals.get(key) ?? 0) + value);
    return totals;
  }

  /** The Table sink's rows of one partition, key to value. */
  async tableValues(partition: string): Promise<Map<string, number>> {
    return new Map((await this.storage.outputTable.range(partition)).map((r) => [String(r.entity['key']), Number(r.entity['value'])]));
  }

  deadLetters(): Promise<DeadLetter[]> {
    return readDeadLetters(this.storage.deadLetters, `${this.stream}/`);
  }

  /** Events the receivers made durable, over all partitions. */
  async storedEvents(): Promise<number> {
    return (await this.checkpoints.list()).reduce((n, c) => n + c.events, 0);
  }

  /** Every batch, oldest first. */
  async allBatches(): Promise<BatchRecord[]> {
    return (await this.batches.list()).reverse();
  }

  /**
   * True once every partition's receiver checkpoint reached the hub's last sequence number
   * (`hubEnds`, partition to number) and a committed batch's allocation reaches every checkpoint:
   * then all the hub holds went through the receivers, and whatever they stored is in committed
   * outputs. Counts are not part of it, so a lost event shows as a wrong total, not a timeout.
   */
  async drained(hubEnds: ReadonlyMap<string, number>): Promise<boolean> {
    const checkpoints = await this.checkpoints.list();
    for (const [partition, last] of hubEnds) if (!checkpoints.some((c) => c.partition === partition && c.lastSeq >= last)) return false;
    const latest = (await this.batches.list({ limit: 5 })).find((b) => b.status === 'completed' || b.status === 'cleaned');
    if (!latest) return false;
    return checkpoints.every((c) => latest.allocation.ranges.some((r) => r.source === c.source && r.partition === c.partition && r.upTo >= c.lastSeq));
  }

  /** Where draining stands, for a failure message: each partition's checkpoint against the hub's end, and the newest batches. */
  async progress(hubEnds: ReadonlyMap<string, number>): Promise<string> {
    const checkpoints = await this.checkpoints.list();
    const partitions = [...hubEnds].map(([p, last]) => `${p}: stored up to ${checkpoints.find((c) => c.partition === p)?.lastSeq ?? 'nothing'} of ${last}`);
    const batches = (await this.batches.list({ limit: 5 })).map((b) => `${b.time} ${b.status} ${b.allocation.records} records`);
    return `partitions ${partitions.join('; ')}\nnewest batches: ${batches.join('; ') || 'none'}`;
  }
}

/** Each non-empty partition's last sequence number, from the dev hub. */
export function hubEnds(hub: DevHub, eventHub: string, partitions: number): Map<string, number> {
  const ends = new Map<string, number>();
  for (let p = 0; p < partitions; p++) {
    const state = hub.partitionState(eventHub, String(p));
    if (!state.isEmpty) ends.set(String(p), state.lastSequenceNumber);
  }
  return ends;
}

/**
 * Deletes the Event Hubs trigger's partition ownership claims, as their expiry would after a host
 * died (60 s in the SDK): the next host then claims every partition at once. Checkpoints stay.
 */
export async function expireOwnerships(storageConnectionString: string): Promise<void> {
  const container = new ContainerClient(storageConnectionString, CHECKPOINT_CONTAINER);
  if (!(await container.exists())) return;
  for await (const blob of container.listBlobsFlat()) if (blob.name.includes('/ownership/')) await container.deleteBlob(blob.name);
}

/** The whole stack in this process on free ports, on the system clock with 1 s batches, and a reader of the stream's outputs. */
export async function startTestStack(stream: string): Promise<{ stack: Stack; outputs: StreamOutputs }> {
  const stack = await startStack({
    appDir: singleStreamAppDir(),
    port: 0, hubPort: 0, partitions: 4, log: silentLogger,
    settings: { SLUICE_STREAM_NAME: stream, SLUICE_BATCH_INTERVAL: '1s', SLUICE_BLOCK_INTERVAL: '100ms', SLUICE_MAX_TASKS_PER_BATCH: '4', SLUICE_SUPERVISOR_SCHEDULE: '0 0 0 1 1 *' },
  });
  const outputs = new StreamOutputs(azureStreamStorage(stack.config, storageClients({ kind: 'connectionString', connectionString: stack.storageConnectionString })), stream);
  return { stack, outputs };
}
