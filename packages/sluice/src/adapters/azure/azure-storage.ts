import type { SluiceConfig } from '../../config/config.js';
import type { StreamStorage } from '../../ports/stream-storage.js';
import { BlobObjectStore } from './blob-object-store.js';
import type { StorageClients } from './storage-clients.js';
import { TableEntityTable } from './table-entity-table.js';

/** The stream's stores on Blob and Table Storage, named by the config's container and table settings. */
export function azureStreamStorage(config: Pick<SluiceConfig, 'containers' | 'tables'>, clients: StorageClients): StreamStorage {
  const container = (name: string) => new BlobObjectStore(clients.blobService.getContainerClient(name));
  return {
    blocks: container(config.containers.blocks),
    partials: container(config.containers.partials),
    state: container(config.containers.state),
    output: container(config.containers.output),
    deadLetters: container(config.containers.deadLetter),
    wal: new TableEntityTable(clients.table(config.tables.wal)),
    outputTable: new TableEntityTable(clients.table(config.tables.output)),
  };
}
