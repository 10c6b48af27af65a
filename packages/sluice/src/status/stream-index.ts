import { BatchLog } from '../wal/batch-log.js';
import type { BatchStatus } from '../wal/wal-events.js';
import { driverStateOf } from './driver-state.js';
import type { DriverState, StreamHandle } from './status-ports.js';

export interface StreamIndexEntry {
  name: string;
  state: DriverState['state'];
  reason: string | null;
  batchIntervalMs: number;
  latestBatch: { time: number; status: BatchStatus } | null;
  links: { self: string; ui: string };
}

/** The index of streams: per stream its driver state and newest batch (a one-row read). */
export async function streamIndex(handles: readonly StreamHandle[], base: string): Promise<StreamIndexEntry[]> {
  return Promise.all(handles.map(async (h): Promise<StreamIndexEntry> => {
    const [driver, latest] = await Promise.all([driverStateOf(h), new BatchLog(h.storage.wal, h.config.streamName).latest()]);
    const self = `${base}/streams/${encodeURIComponent(h.name)}`;
    return {
      name: h.name, state: driver.state, reason: driver.reason ?? null, batchIntervalMs: h.config.batchIntervalMs,
      latestBatch: latest ? { time: latest.time, status: latest.status } : null,
      links: { self, ui: `${self}/ui` },
    };
  }));
}
