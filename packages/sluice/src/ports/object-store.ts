/**
 * A flat namespace of immutable-by-convention objects: the engine's view of one Blob container.
 * Blocks, partials, state snapshots, dead letters and Blob sink outputs all live behind it.
 */
export interface ObjectStore {
  /** Creates the object only if absent. 'exists' means it was already there and was kept as is. */
  create(name: string, data: Uint8Array): Promise<'created' | 'exists'>;
  /** Writes the object, replacing any previous content (idempotent rewrites of deterministic data). */
  put(name: string, data: Uint8Array): Promise<void>;
  /** The object's bytes, or undefined when it does not exist. */
  get(name: string): Promise<Uint8Array | undefined>;
  /** Deletes the object; deleting a missing object is not an error. */
  delete(name: string): Promise<void>;
  /** Names under the prefix, in lexicographic order. */
  list(prefix: string): Promise<string[]>;
}
