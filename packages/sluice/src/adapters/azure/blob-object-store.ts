import { buffer } from 'node:stream/consumers';
import type { ContainerClient } from '@azure/storage-blob';
import { createOnce } from './create-once.js';
import type { ObjectStore } from '../../ports/object-store.js';

/** ObjectStore over one Blob container. The container is created on first use. */
export class BlobObjectStore implements ObjectStore {
  constructor(private readonly container: ContainerClient) {}

  private readonly ensure = createOnce(() => this.container.createIfNotExists());

  async create(name: string, data: Uint8Array): Promise<'created' | 'exists'> {
    await this.ensure();
    try {
      await this.container.getBlockBlobClient(name).uploadData(data, { conditions: { ifNoneMatch: '*' } });
      return 'created';
    } catch (err) {
      if (statusOf(err) === 409) return 'exists';
      throw err;
    }
  }

  async put(name: string, data: Uint8Array): Promise<void> {
    await this.ensure();
    await this.container.getBlockBlobClient(name).uploadData(data);
  }

  /**
   * One GET. downloadToBuffer would first send a HEAD for the size (BlobClient.downloadToBuffer,
   * azure-sdk-for-js sdk/storage/storage-blob/src/Clients.ts); download() streams the body instead,
   * and in Node resumes a broken body from where it stopped, pinned to the blob's etag (up to 5
   * times, DEFAULT_MAX_DOWNLOAD_RETRY_REQUESTS, same file).
   */
  async get(name: string): Promise<Uint8Array | undefined> {
    await this.ensure();
    try {
      const response = await this.container.getBlockBlobClient(name).download();
      const body = response.readableStreamBody ? await buffer(response.readableStreamBody) : Buffer.alloc(0);
      return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  async delete(name: string): Promise<void> {
    await this.ensure();
    await this.container.getBlockBlobClient(name).deleteIfExists();
  }

  async list(prefix: string): Promise<string[]> {
    await this.ensure();
    const names: string[] = [];
    for await (const blob of this.container.listBlobsFlat({ prefix })) names.push(blob.name);
    return names.sort();
  }
}

/** The HTTP status of an Azure SDK RestError (duck-typed: each SDK may bundle its own class). */
export function statusOf(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null && 'statusCode' in err ? (err as { statusCode?: number }).statusCode : undefined;
}
