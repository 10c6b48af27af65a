import { fromJsonText, type HistoryEvent } from './history-event.js';
import type { InstanceRecord, RuntimeStatus } from './instance-store.js';

/** What GET /instances/{id} returns; input and output are null rather than absent, as the client requires. */
export interface DurableInstanceStatus {
  name: string;
  instanceId: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: HistoryEvent[];
}

export interface StatusOptions {
  showInput?: boolean;
  showHistory?: boolean;
}

export function toStatus(record: InstanceRecord, history: readonly HistoryEvent[] | undefined, options: StatusOptions = {}): DurableInstanceStatus {
  const status: DurableInstanceStatus = {
    name: record.name,
    instanceId: record.instanceId,
    runtimeStatus: record.status,
    input: options.showInput === false ? null : (fromJsonText(record.input) ?? null),
    output: fromJsonText(record.output) ?? null,
    customStatus: fromJsonText(record.customStatus) ?? null,
    createdTime: new Date(record.createdTime).toISOString(),
    lastUpdatedTime: new Date(record.lastUpdatedTime).toISOString(),
  };
  if (options.showHistory && history) status.historyEvents = history.map(({ ActionIndex: _index, Retry: _retry, ...event }) => event);
  return status;
}
