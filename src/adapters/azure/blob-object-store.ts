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

  async get(name: string): Promise<Uint8Array | undefined> {
    await this.ensure();
    try {
      const buffer = await this.container.getBlockBlobClient(name).downloadToBuffer();
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
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
