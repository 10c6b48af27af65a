import { createRequire } from 'node:module';
import { FunctionRegistry } from './function-registry.js';
import type {
  Disposable,
  FunctionCallback,
  FunctionMetadata,
  FunctionsCoreApi,
  HookCallback,
  ProgrammingModel,
  RpcLogCategory,
  RpcLogLevel,
} from './functions-core-types.js';
import { consoleHostLog, type HostLog } from './host-log.js';

export const FUNCTIONS_CORE_MODULE_ID = '@azure/functions-core';

/** Hook names the v4 worker accepts; others get a RangeError, as the worker throws. */
const KNOWN_HOOKS = new Set(['appStart', 'appTerminate', 'preInvocation', 'postInvocation', 'log']);

class CoreDisposable implements Disposable {
  private disposed = false;
  constructor(private readonly callOnDispose: () => void) {}
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.callOnDispose();
  }
}

/**
 * Process-wide, like the worker: @azure/functions requires the core module once and caches it,
 * and sets its programming model only once per process. So the API object is a singleton whose
 * registrations go to the registry of the app currently being loaded.
 */
interface ShimState {
  target: FunctionRegistry | undefined;
  programmingModel: ProgrammingModel | undefined;
  log: HostLog;
}
const state: ShimState = { target: undefined, programmingModel: undefined, log: consoleHostLog };

function requireTarget(what: string): FunctionRegistry {
  if (!state.target) {
    throw new Error(`${what} called while no local host is loading a function app`);
  }
  return state.target;
}

const coreApi: FunctionsCoreApi = {
  version: '3.12.0-sluice-local',
  hostVersion: '4.1000.0-sluice-local',
  setProgrammingModel(model: ProgrammingModel): void {
    if (state.programmingModel && state.programmingModel !== model) {
      state.log(`[host] Warning: replacing programming model ${state.programmingModel.name} with ${model.name}`);
    }
    state.programmingModel = model;
  },
  getProgrammingModel(): ProgrammingModel {
    if (!state.programmingModel) {
      throw new Error('No programming model was set: the app did not load @azure/functions v4');
    }
    return state.programmingModel;
  },
  registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
    return new CoreDisposable(requireTarget('registerFunction').addFunction(metadata, callback));
  },
  registerHook(hookName: string, callback: HookCallback): Disposable {
    if (!KNOWN_HOOKS.has(hookName)) {
      throw Object.assign(new RangeError(`Unrecognized hook "${hookName}"`), { isAzureFunctionsSystemError: true });
    }
    return new CoreDisposable(requireTarget('registerHook').addHook(hookName, callback));
  },
  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void {
    // The library's system logs are mostly debug chatter; keep what a developer needs to see.
    if (level === 'warning' || level === 'error' || level === 'critical') state.log(`[${category}] ${message}`);
  },
  Disposable: CoreDisposable,
};

interface ModuleInternals {
  _load(request: string, parent: unknown, isMain: boolean): unknown;
}

let installed = false;

/** Makes `require('@azure/functions-core')` return the local API, for the rest of the process. */
export function installFunctionsCoreShim(): void {
  if (installed) return;
  // Module is the CommonJS loader; @azure/functions is CommonJS and requires the core id by name.
  const moduleInternals = createRequire(import.meta.url)('node:module') as ModuleInternals;
  const originalLoad = moduleInternals._load;
  moduleInternals._load = function loadWithCoreShim(request: string, parent: unknown, isMain: boolean): unknown {
    if (request === FUNCTIONS_CORE_MODULE_ID) return coreApi;
    return originalLoad.call(this, request, parent, isMain);
  };
  installed = true;
}

/** Directs registrations to `registry` (until the next call) and host system logs to `log`. */
export function collectRegistrationsInto(registry: FunctionRegistry, log: HostLog = consoleHostLog): void {
  state.target = registry;
  state.log = log;
}

export function currentProgrammingModel(): ProgrammingModel | undefined {
  return state.programmingModel;
}

export function functionsCoreApi(): FunctionsCoreApi {
  return coreApi;
}
