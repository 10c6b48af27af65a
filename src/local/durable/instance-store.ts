import { TableClient, type TableEntity, type TransactionAction } from '@azure/data-tables';
import { MAX_TEXT_CHARS, readChunkedText, writeChunkedText } from './chunked-text.js';
import type { HistoryEvent } from './history-event.js';

export type RuntimeStatus = 'Pending' | 'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Terminated';

export const TERMINAL_STATUSES: readonly RuntimeStatus[] = ['Completed', 'Failed', 'Terminated'];

/** The instance row: what the status API reports plus the replay bookkeeping a restart needs. */
export interface InstanceRecord {
  instanceId: string;
  name: string;
  executionId: string;
  status: RuntimeStatus;
  /** JSON text of the current execution's input. */
  input?: string;
  /** JSON text of the output (for Failed the error text, for Terminated the reason). */
  output?: string;
  /** JSON text. */
  customStatus?: string;
  createdTime: number;
  lastUpdatedTime: number;
  /** EventIds the library has numbered so far in this execution. */
  nextEventId: number;
  /** Flattened orchestrator actions seen so far in this execution. */
  actionCount: number;
  /** History rows 0..historyRows-1 hold this execution's history; rows past it are stale. */
  historyRows: number;
  /** Inbox messages with seq <= this were consumed by a committed episode. */
  inboxConsumed: number;
}

/** Messages from clients; kept in the instance's inbox rows until an episode consumes them. */
export type InboxMessage =
  | { kind: 'event'; name: string; input?: string }
  | { kind: 'terminate'; reason: string };

export interface InboxEntry {
  seq: number;
  message: InboxMessage;
}

export interface LoadedInstance {
  record: InstanceRecord;
  history: HistoryEvent[];
  inbox: InboxEntry[];
}

export interface EpisodeWrite {
  record: InstanceRecord;
  /** History rows to write, at indexes record.historyRows - rows.length onwards. */
  rows: HistoryEvent[][];
  /** Row indexes to delete once the record is written (an old execution's rows). */
  staleRows: number[];
  /** Inbox seqs to delete once the record is written. */
  consumedInbox: number[];
}

const INSTANCE_ROW = 'instance';
const historyKey = (index: number) => `history-${String(index).padStart(10, '0')}`;
const inboxKey = (seq: number) => `inbox-${String(seq).padStart(12, '0')}`;
const BATCH_LIMIT = 100;
/** Characters per transaction, well under the 4 MB payload limit. */
const BATCH_CHARS = 1_500_000;

/**
 * All rows of an instance share one partition (PartitionKey = instance id), so an episode's
 * history and the instance row commit in one table transaction.
 */
export class InstanceStore {
  private constructor(private readonly table: TableClient) {}

  static async open(connectionString: string, taskHub: string): Promise<InstanceStore> {
    const secure = /DefaultEndpointsProtocol=https/i.test(connectionString) && !/=http:\/\//i.test(connectionString);
    const table = TableClient.fromConnectionString(connectionString, `${taskHub}Instances`, { allowInsecureConnection: !secure });
    await table.createTable();
    return new InstanceStore(table);
  }

  async load(instanceId: string): Promise<LoadedInstance | undefined> {
    let record: InstanceRecord | undefined;
    const rows = new Map<number, HistoryEvent[]>();
    const inbox: InboxEntry[] = [];
    for await (const entity of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter: `PartitionKey eq '${escape(instanceId)}'` } })) {
      const key = entity.rowKey ?? '';
      if (key === INSTANCE_ROW) record = toRecord(entity);
      else if (key.startsWith('history-')) rows.set(Number(key.slice(8)), JSON.parse(readChunkedText(entity, 'Events') ?? '[]') as HistoryEvent[]);
      else if (key.startsWith('inbox-')) inbox.push({ seq: Number(key.slice(6)), message: JSON.parse(String(entity.Message)) as InboxMessage });
    }
    if (!record) return undefined;
    const history: HistoryEvent[] = [];
    for (let i = 0; i < record.historyRows; i++) {
      const events = rows.get(i);
      if (!events) throw new Error(`instance ${instanceId}: history row ${i} is missing`);
      history.push(...events);
    }
    const consumed = record.inboxConsumed;
    const stale = inbox.filter((e) => e.seq <= consumed).map((e) => e.seq);
    const staleRows = [...rows.keys()].filter((i) => i >= record.historyRows);
    if (stale.length > 0 || staleRows.length > 0) await this.deleteRows(instanceId, [...staleRows.map(historyKey), ...stale.map(inboxKey)]);
    return { record, history, inbox: inbox.filter((e) => e.seq > consumed).sort((a, b) => a.seq - b.seq) };
  }

  async readRecord(instanceId: string): Promise<InstanceRecord | undefined> {
    try {
      return toRecord(await this.table.getEntity<Record<string, unknown>>(instanceId, INSTANCE_ROW));
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async listRecords(): Promise<InstanceRecord[]> {
    const out: InstanceRecord[] = [];
    for await (const entity of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter: `RowKey eq '${INSTANCE_ROW}'` } })) {
      out.push(toRecord(entity));
    }
    return out;
  }

  /** Writes a new instance row; an instance with no history yet is started by the next episode. */
  async create(record: InstanceRecord): Promise<void> {
    await this.table.upsertEntity(fromRecord(record), 'Replace');
  }

  async appendInbox(instanceId: string, entry: InboxEntry): Promise<void> {
    await this.table.upsertEntity(inboxEntity(instanceId, entry), 'Replace');
  }

  /**
   * History rows first, the instance row last: a crash in between leaves rows past
   * record.historyRows, which load() ignores. Deletes follow and may fail harmlessly.
   */
  async commit(write: EpisodeWrite): Promise<void> {
    const { record } = write;
    const first = record.historyRows - write.rows.length;
    const actions: { action: TransactionAction; chars: number }[] = write.rows.map((events, i) => {
      const entity: Record<string, unknown> = { partitionKey: record.instanceId, rowKey: historyKey(first + i) };
      const text = JSON.stringify(events);
      writeChunkedText(entity, 'Events', text);
      return { action: ['upsert', entity as TableEntity, 'Replace'], chars: text.length };
    });
    actions.push({ action: ['upsert', fromRecord(record), 'Replace'], chars: 10_000 });
    let batch: TransactionAction[] = [];
    let chars = 0;
    for (const { action, chars: size } of actions) {
      if (batch.length > 0 && (batch.length >= BATCH_LIMIT || chars + size > BATCH_CHARS)) {
        await this.table.submitTransaction(batch);
        batch = [];
        chars = 0;
      }
      batch.push(action);
      chars += size;
    }
    await this.table.submitTransaction(batch);
    const deletes = [...write.staleRows.map(historyKey), ...write.consumedInbox.map(inboxKey)];
    if (deletes.length > 0) await this.deleteRows(record.instanceId, deletes);
  }

  /** Deletes every row of the instance; false when it did not exist. */
  async purge(instanceId: string): Promise<boolean> {
    const keys: string[] = [];
    for await (const entity of this.table.listEntities({ queryOptions: { filter: `PartitionKey eq '${escape(instanceId)}'`, select: ['RowKey'] } })) {
      keys.push(entity.rowKey as string);
    }
    await this.deleteRows(instanceId, keys);
    return keys.includes(INSTANCE_ROW);
  }

  /** Best-effort batched deletes; a batch that fails (a row already gone) falls back to one by one. */
  private async deleteRows(instanceId: string, rowKeys: string[]): Promise<void> {
    for (let i = 0; i < rowKeys.length; i += BATCH_LIMIT) {
      const slice = rowKeys.slice(i, i + BATCH_LIMIT);
      try {
        await this.table.submitTransaction(slice.map((rowKey) => ['delete', { partitionKey: instanceId, rowKey }]));
      } catch {
        for (const rowKey of slice) {
          try {
            await this.table.deleteEntity(instanceId, rowKey);
          } catch (error) {
            if (statusOf(error) !== 404) throw error;
          }
        }
      }
    }
  }
}

/** Splits events into rows that each fit a table entity. */
export function packHistoryRows(events: HistoryEvent[]): HistoryEvent[][] {
  const rows: HistoryEvent[][] = [];
  let row: HistoryEvent[] = [];
  let chars = 2;
  for (const event of events) {
    const size = JSON.stringify(event).length + 1;
    if (size + 2 > MAX_TEXT_CHARS) throw new Error(`a history event of ${size} characters is too large; pass references (e.g. blob names) instead of data`);
    if (row.length > 0 && chars + size > MAX_TEXT_CHARS) {
      rows.push(row);
      row = [];
      chars = 2;
    }
    row.push(event);
    chars += size;
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

function inboxEntity(instanceId: string, entry: InboxEntry): TableEntity {
  const text = JSON.stringify(entry.message);
  if (text.length > 30_000) throw new Error(`message for ${instanceId} is ${text.length} characters; pass references (e.g. blob names) instead of data`);
  return { partitionKey: instanceId, rowKey: inboxKey(entry.seq), Message: text };
}

function fromRecord(r: InstanceRecord): TableEntity {
  const entity: Record<string, unknown> = {
    partitionKey: r.instanceId,
    rowKey: INSTANCE_ROW,
    Name: r.name,
    ExecutionId: r.executionId,
    RuntimeStatus: r.status,
    CreatedTime: new Date(r.createdTime).toISOString(),
    LastUpdatedTime: new Date(r.lastUpdatedTime).toISOString(),
    NextEventId: r.nextEventId,
    ActionCount: r.actionCount,
    HistoryRows: r.historyRows,
    InboxConsumed: r.inboxConsumed,
  };
  writeChunkedText(entity, 'Input', r.input);
  writeChunkedText(entity, 'Output', r.output);
  writeChunkedText(entity, 'CustomStatus', r.customStatus);
  return entity as TableEntity;
}

function toRecord(e: Record<string, unknown>): InstanceRecord {
  const record: InstanceRecord = {
    instanceId: String(e.partitionKey),
    name: String(e.Name),
    executionId: String(e.ExecutionId),
    status: String(e.RuntimeStatus) as RuntimeStatus,
    createdTime: Date.parse(String(e.CreatedTime)),
    lastUpdatedTime: Date.parse(String(e.LastUpdatedTime)),
    nextEventId: Number(e.NextEventId),
    actionCount: Number(e.ActionCount),
    historyRows: Number(e.HistoryRows),
    inboxConsumed: Number(e.InboxConsumed),
  };
  const input = readChunkedText(e, 'Input');
  const output = readChunkedText(e, 'Output');
  const customStatus = readChunkedText(e, 'CustomStatus');
  if (input !== undefined) record.input = input;
  if (output !== undefined) record.output = output;
  if (customStatus !== undefined) record.customStatus = customStatus;
  return record;
}

function escape(value: string): string {
  return value.replace(/'/g, "''");
}

function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'statusCode' in error ? Number((error as { statusCode: unknown }).statusCode) : undefined;
}
