import type { FunctionCallback, FunctionMetadata, HookCallback, HookName } from './functions-core-types.js';

/** One `registerFunction` call: the metadata and the user's handler as the worker receives them. */
export interface FunctionRegistration {
  readonly metadata: FunctionMetadata;
  readonly handler: FunctionCallback;
}

/** Everything an app registered through `@azure/functions-core`: its functions and its hooks. */
export class FunctionRegistry {
  private readonly functionsByName = new Map<string, FunctionRegistration>();
  private readonly hooksByName = new Map<string, HookCallback[]>();
  /** Shared by every hook of the app, as the worker's appHookData is. */
  readonly appHookData: Record<string, unknown> = {};

  addFunction(metadata: FunctionMetadata, handler: FunctionCallback): () => void {
    if (!metadata?.name) throw new Error('registerFunction: metadata.name is required');
    if (typeof handler !== 'function') {
      throw new Error(`registerFunction: the handler of function "${metadata.name}" is not a function`);
    }
    // The host refuses duplicate function names too; a silent overwrite would hide a bug.
    if (this.functionsByName.has(metadata.name)) {
      throw new Error(`registerFunction: a function named "${metadata.name}" is already registered`);
    }
    const registration = { metadata, handler };
    this.functionsByName.set(metadata.name, registration);
    return () => {
      if (this.functionsByName.get(metadata.name) === registration) this.functionsByName.delete(metadata.name);
    };
  }

  addHook(name: string, callback: HookCallback): () => void {
    const list = this.hooksByName.get(name) ?? [];
    list.push(callback);
    this.hooksByName.set(name, list);
    return () => {
      const current = this.hooksByName.get(name) ?? [];
      this.hooksByName.set(name, current.filter((c) => c !== callback));
    };
  }

  get(name: string): FunctionRegistration | undefined {
    return this.functionsByName.get(name);
  }

  /** In registration order, which is the order the app declared them. */
  list(): FunctionRegistration[] {
    return [...this.functionsByName.values()];
  }

  hooks(name: HookName): readonly HookCallback[] {
    return [...(this.hooksByName.get(name) ?? [])];
  }
}
