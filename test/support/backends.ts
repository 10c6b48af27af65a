import { after, before, describe } from 'node:test';
import { azureStreamStorage } from '#sluice/adapters/azure/azure-storage.js';
import { storageClients } from '#sluice/adapters/azure/storage-clients.js';
import { memoryStreamStorage } from '#sluice/adapters/memory/memory-storage.js';
import { startAzurite, type Azurite } from '#dev/azurite.js';
import type { StreamStorage } from '#sluice/ports/stream-storage.js';

export interface Backend {
  readonly name: 'memory' | 'azurite';
  /** Fresh, empty stores each call (unique container and table names on Azurite). */
  storage(): StreamStorage;
}

let counter = 0;

/**
 * Runs the same suite against the in-memory twins and against Azure adapters on an in-process
 * Azurite started for that suite: the contract every adapter must keep.
 */
export function forEachBackend(title: string, body: (backend: () => Backend) => void): void {
  describe(`${title} [memory]`, () => {
    body(() => ({ name: 'memory', storage: memoryStreamStorage }));
  });
  describe(`${title} [azurite]`, () => {
    let azurite: Azurite | undefined;
    before(async () => {
      azurite = await startAzurite();
    });
    after(async () => {
      await azurite?.close();
    });
    body(() => ({ name: 'azurite', storage: () => azuriteStorage(azurite!) }));
  });
}

export function azuriteStorage(azurite: Azurite): StreamStorage {
  const n = ++counter;
  const clients = storageClients({ kind: 'connectionString', connectionString: azurite.connectionString });
  return azureStreamStorage(
    {
      containers: { blocks: `blocks-${n}`, partials: `partials-${n}`, state: `state-${n}`, output: `output-${n}`, deadLetter: `deadletter-${n}` },
      tables: { wal: `wal${n}`, output: `output${n}` },
    },
    clients,
  );
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const str = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : new TextDecoder().decode(b));
