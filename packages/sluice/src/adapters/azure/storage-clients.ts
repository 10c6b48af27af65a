import { TableClient } from '@azure/data-tables';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';
import type { Connection } from '../../config/config.js';

/** Blob and Table clients for a storage connection: a connection string, or Entra ID identity. */
export interface StorageClients {
  blobService: BlobServiceClient;
  table(name: string): TableClient;
}

export function storageClients(connection: Connection, credential?: TokenCredential): StorageClients {
  if (connection.kind === 'connectionString') {
    const cs = connection.connectionString;
    const insecure = /(^|;)\s*(DefaultEndpointsProtocol=http|TableEndpoint=http:)/i.test(cs);
    return {
      blobService: BlobServiceClient.fromConnectionString(cs),
      table: (name) => TableClient.fromConnectionString(cs, name, { allowInsecureConnection: insecure }),
    };
  }
  const { blobServiceUri, tableServiceUri } = connection;
  if (!blobServiceUri || !tableServiceUri) {
    throw new Error('identity-based storage needs both a blob and a table endpoint (set <connection>__accountName, or __blobServiceUri and __tableServiceUri)');
  }
  const cred = credential ?? new DefaultAzureCredential(connection.clientId ? { managedIdentityClientId: connection.clientId } : {});
  return {
    blobService: new BlobServiceClient(blobServiceUri, cred),
    table: (name) => new TableClient(tableServiceUri, name, cred),
  };
}
