import type { EntityTable } from '../ports/entity-table.js';
import { streamPartitionKey } from './keys.js';

export interface DesiredState {
  readonly desired: 'running' | 'stopped';
  readonly reason: string;
  readonly updatedAt: number;
}

/**
 * What the operator asked for (start or stop), kept in the WAL table beside the stream's zero
 * time. The supervisor restarts a dead driver only while the stream is meant to run.
 */
export class StreamControl {
  constructor(private readonly table: EntityTable, private readonly stream: string) {}

  async read(): Promise<DesiredState> {
    const row = await this.table.get(streamPartitionKey(this.stream), 'control');
    if (!row) return { desired: 'running', reason: 'default', updatedAt: 0 };
    return { desired: row.entity['desired'] === 'stopped' ? 'stopped' : 'running', reason: String(row.entity['reason']), updatedAt: Number(row.entity['updatedAt']) };
  }

  async write(state: DesiredState): Promise<void> {
    await this.table.transact([{ kind: 'upsert', entity: { partitionKey: streamPartitionKey(this.stream), rowKey: 'control', ...state } }]);
  }
}
