import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readIndexJson, readTypesJson, type BicepType, type ResourceType, type TypeReference } from 'bicep-types';

/** One types.json of the trimmed copy, read with the `bicep-types` package. */
export interface TypeFile {
  readonly path: string;
  readonly types: readonly BicepType[];
}

/** A resource type found in the index, with the file its references resolve in. */
export interface FoundResource {
  readonly key: string;
  readonly file: TypeFile;
  readonly resource: ResourceType;
}

/**
 * The trimmed Azure resource type data in infra/types (index.json plus one types.json per
 * provider folder and API version), the format the Bicep compiler embeds. Keys compare
 * case-insensitively, as ARM and Bicep compare resource types.
 */
export class TypeStore {
  private readonly byKey = new Map<string, FoundResource>();

  constructor(typesDir: string) {
    const index = readIndexJson(readFileSync(join(typesDir, 'index.json'), 'utf8'));
    const files = new Map<string, TypeFile>();
    for (const [key, ref] of Object.entries(index.resources)) {
      let file = files.get(ref.relativePath);
      if (!file) {
        file = { path: ref.relativePath, types: readTypesJson(readFileSync(join(typesDir, ref.relativePath), 'utf8')) };
        files.set(ref.relativePath, file);
      }
      const resource = file.types[ref.index];
      if (resource?.type !== 'ResourceType') throw new Error(`infra/types/index.json: ${key} does not point at a ResourceType`);
      this.byKey.set(key.toLowerCase(), { key, file, resource });
    }
  }

  /** The resource type for `Type@apiVersion`, or undefined. */
  find(typeAtVersion: string): FoundResource | undefined {
    return this.byKey.get(typeAtVersion.toLowerCase());
  }

  /** Every key in the copy. */
  get keys(): string[] {
    return [...this.byKey.values()].map((r) => r.key);
  }
}

/** The type a reference points at within its file. */
export function resolve(file: TypeFile, ref: TypeReference): BicepType {
  const t = file.types[ref.index];
  if (!t) throw new Error(`infra/types/${file.path}: no type #${ref.index}`);
  return t;
}
