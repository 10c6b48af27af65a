import type { StreamStorage } from '../../ports/stream-storage.js';
import { MemoryEntityTable } from './memory-entity-table.js';
import { MemoryObjectStore } from './memory-object-store.js';

export function memoryStreamStorage(): StreamStorage {
  return {
    blocks: new MemoryObjectStore(),
    partials: new MemoryObjectStore(),
    state: new MemoryObjectStore(),
    output: new MemoryObjectStore(),
    deadLetters: new MemoryObjectStore(),
    wal: new MemoryEntityTable(),
    outputTable: new MemoryEntityTable(),
  };
}
