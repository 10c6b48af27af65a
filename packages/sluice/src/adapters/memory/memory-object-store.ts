import type { ObjectStore } from '../../ports/object-store.js';

/** The in-memory twin of a Blob container; passes the same contract tests. */
export class MemoryObjectStore implements ObjectStore {
  private readonly objects = new Map<string, Uint8Array>();

  async create(name: string, data: Uint8Array): Promise<'created' | 'exists'> {
    if (this.objects.has(name)) return 'exists';
    this.objects.set(name, Uint8Array.from(data));
    return 'created';
  }

  async put(name: string, data: Uint8Array): Promise<void> {
    this.objects.set(name, Uint8Array.from(data));
  }

  async get(name: string): Promise<Uint8Array | undefined> {
    const data = this.objects.get(name);
    return data && Uint8Array.from(data);
  }

  async delete(name: string): Promise<void> {
    this.objects.delete(name);
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.objects.keys()].filter((n) => n.startsWith(prefix)).sort();
  }
}
