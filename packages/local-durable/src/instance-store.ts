import { storageClients } from 'sluice/internal';
import { TableEntityTable } from 'sluice/internal';
import { MAX_TRANSACTION_OPERATIONS, type Entity, type EntityTable, type EntityValue, type TableOperation } from 'sluice/internal';
import { fromColumns, toColumns } from 'sluice/internal';
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
/** Characters per transaction, well under the 4 MB payload limit. */
const BATCH_CHARS = 1_500_000;
/** Characters of JSON one history row holds: well under the 1 MB entity limit (strings count two bytes a character). */
export const MAX_ROW_CHARS = 450_000;
/** An inbox message is one table property (64 KiB, 32K UTF-16 characters). */
const MAX_MESSAGE_CHARS = 30_000;

/**
 * All rows of an instance share one partition (PartitionKey = instance id), so an episode's
 * history and the instance row commit in one table transaction. Stored through the engine's
 * EntityTable port; long JSON spans columns as the WAL's does (json-columns.ts).
 */
export class InstanceStore {
  constructor(private readonly table: EntityTable) {}

  /** The store in `${taskHub}Instances` of the storage account (created on first use). */
  static open(connectionString: string, taskHub: string): InstanceStore {
    return new InstanceStore(new TableEntityTable(storageClients({ kind: 'connectionString', connectionString }).table(`${taskHub}Instances`)));
  }

  async load(instanceId: string): Promise<LoadedInstance | undefined> {
    let record: InstanceRecord | undefined;
    const rows = new Map<number, HistoryEvent[]>();
    const inbox: InboxEntry[] = [];
    for (const { entity } of await this.table.range(instanceId)) {
      const key = entity.rowKey;
      if (key === INSTANCE_ROW) record = toRecord(entity);
      else if (key.startsWith('history-')) rows.set(Number(key.slice(8)), readJson<HistoryEvent[]>(entity, 'Events') ?? []);
      else if (key.startsWith('inbox-')) inbox.push({ seq: Number(key.slice(6)), message: JSON.parse(String(entity['Message'])) as InboxMessage });
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
    const row = await this.table.get(instanceId, INSTANCE_ROW);
    return row && toRecord(row.entity);
  }

  async listRecords(): Promise<InstanceRecord[]> {
    return (await this.table.scan('', INSTANCE_ROW)).map((row) => toRecord(row.entity));
  }

  /** Writes a new instance row; an instance with no history yet is started by the next episode. */
  async create(record: InstanceRecord): Promise<void> {
    await this.table.transact([{ kind: 'upsert', entity: fromRecord(record) }]);
  }

  async appendInbox(instanceId: string, entry: InboxEntry): Promise<void> {
    await this.table.transact([{ kind: 'upsert', entity: inboxEntity(instanceId, entry) }]);
  }

  /**
   * History rows first, the instance row last: a crash in between leaves rows past
   * record.historyRows, which load() ignores. Deletes follow and may fail harmlessly.
   */
  async commit(write: EpisodeWrite): Promise<void> {
    const { record } = write;
    const first = record.historyRows - write.rows.length;
    const writes: { op: TableOperation; chars: number }[] = write.rows.map((events, i) => {
      const entity: Entity = { partitionKey: record.instanceId, rowKey: historyKey(first + i), ...toColumns('Events', events) };
      return { op: { kind: 'upsert', entity }, chars: JSON.stringify(events).length };
    });
    writes.push({ op: { kind: 'upsert', entity: fromRecord(record) }, chars: 10_000 });
    let batch: TableOperation[] = [];
    let chars = 0;
    for (const { op, chars: size } of writes) {
      if (batch.length > 0 && (batch.length >= MAX_TRANSACTION_OPERATIONS || chars + size > BATCH_CHARS)) {
        await this.table.transact(batch);
        batch = [];
        chars = 0;
      }
      batch.push(op);
      chars += size;
    }
    await this.table.transact(batch);
    const deletes = [...write.staleRows.map(historyKey), ...write.consumedInbox.map(inboxKey)];
    if (deletes.length > 0) await this.deleteRows(record.instanceId, deletes);
  }

  /** Deletes every row of the instance; false when it did not exist. */
  async purge(instanceId: string): Promise<boolean> {
    const keys = (await this.table.range(instanceId)).map((row) => row.entity.rowKey);
    await this.deleteRows(instanceId, keys);
    return keys.includes(INSTANCE_ROW);
  }

  /** Best-effort batched deletes; a batch that fails (a row already gone) falls back to one by one. */
  private async deleteRows(instanceId: string, rowKeys: string[]): Promise<void> {
    const remove = (slice: string[]) => this.table.transact(slice.map((rowKey) => ({ kind: 'delete', partitionKey: instanceId, rowKey })));
    for (let i = 0; i < rowKeys.length; i += MAX_TRANSACTION_OPERATIONS) {
      const slice = rowKeys.slice(i, i + MAX_TRANSACTION_OPERATIONS);
      try {
        await remove(slice);
      } catch {
        for (const rowKey of slice) {
          try {
            await remove([rowKey]);
          } catch (error) {
            // Gone already is what we wanted; a row still there did not delete.
            if ((await this.table.get(instanceId, rowKey)) !== undefined) throw error;
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
    if (size + 2 > MAX_ROW_CHARS) throw new Error(`a history event of ${size} characters is too large; pass references (e.g. blob names) instead of data`);
    if (row.length > 0 && chars + size > MAX_ROW_CHARS) {
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

function inboxEntity(instanceId: string, entry: InboxEntry): Entity {
  const text = JSON.stringify(entry.message);
  if (text.length > MAX_MESSAGE_CHARS) throw new Error(`message for ${instanceId} is ${text.length} characters; pass references (e.g. blob names) instead of data`);
  return { partitionKey: instanceId, rowKey: inboxKey(entry.seq), Message: text };
}

/** JSON text fields (input, output, custom status) of at most MAX_ROW_CHARS, as columns. */
function textColumns(name: string, text: string | undefined): Record<string, EntityValue> {
  if (text === undefined) return {};
  if (text.length > MAX_ROW_CHARS) {
    throw new Error(`${name} is ${text.length} characters, over the ${MAX_ROW_CHARS} a table row can hold; pass references (e.g. blob names) instead of data`);
  }
  return toColumns(name, text);
}

/** A JSON value written by toColumns, or by the store's earlier layout (see legacyText). */
function readJson<T>(entity: Entity, name: string): T | undefined {
  if (isLegacy(entity, name)) {
    const text = legacyText(entity, name);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }
  return fromColumns<T>(name, entity);
}

/** A JSON text field (input, output, custom status), in either layout. */
function readText(entity: Entity, name: string): string | undefined {
  return isLegacy(entity, name) ? legacyText(entity, name) : fromColumns<string>(name, entity);
}

/**
 * Rows written before the store used json-columns kept raw text in Name, Name_1, ... with the part
 * count in NameParts (no Name0). Still read, so a task hub persisted by an earlier version (npm
 * start keeps .sluice/) resumes; every row written now has the json-columns layout.
 */
const isLegacy = (entity: Entity, name: string): boolean => entity[`${name}Parts`] !== undefined && entity[`${name}0`] === undefined;

function legacyText(entity: Entity, name: string): string | undefined {
  const parts = entity[`${name}Parts`];
  if (typeof parts !== 'number') return undefined;
  let text = '';
  for (let i = 0; i < parts; i++) {
    const part = entity[i === 0 ? name : `${name}_${i}`];
    if (typeof part !== 'string') throw new Error(`table row ${entity.partitionKey}/${entity.rowKey} is missing part ${i} of ${name}`);
    text += part;
  }
  return text;
}

function fromRecord(r: InstanceRecord): Entity {
  return {
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
    ...textColumns('Input', r.input),
    ...textColumns('Output', r.output),
    ...textColumns('CustomStatus', r.customStatus),
  };
}

function toRecord(e: Entity): InstanceRecord {
  const record: InstanceRecord = {
    instanceId: e.partitionKey,
    name: String(e['Name']),
    executionId: String(e['ExecutionId']),
    status: String(e['RuntimeStatus']) as RuntimeStatus,
    createdTime: Date.parse(String(e['CreatedTime'])),
    lastUpdatedTime: Date.parse(String(e['LastUpdatedTime'])),
    nextEventId: Number(e['NextEventId']),
    actionCount: Number(e['ActionCount']),
    historyRows: Number(e['HistoryRows']),
    inboxConsumed: Number(e['InboxConsumed']),
  };
  const input = readText(e, 'Input');
  const output = readText(e, 'Output');
  const customStatus = readText(e, 'CustomStatus');
  if (input !== undefined) record.input = input;
  if (output !== undefined) record.output = output;
  if (customStatus !== undefined) record.customStatus = customStatus;
  return record;
}
