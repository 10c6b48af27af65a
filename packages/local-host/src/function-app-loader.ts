import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveEntryFiles } from './entry-files.js';
import { FunctionRegistry } from './function-registry.js';
import { collectRegistrationsInto, currentProgrammingModel, installFunctionsCoreShim } from './functions-core-shim.js';
import { consoleHostLog, type HostLog } from './host-log.js';
import { describeFunction, rawTriggerOf } from './registered-functions.js';

export interface LoadOptions {
  log?: HostLog;
}

/**
 * Module code runs once per process (ESM caches it), so an app registers once; loading the same
 * app again returns the registry from the first load.
 */
const loaded = new Map<string, Promise<FunctionRegistry>>();
const capabilitiesRequested = new WeakSet<object>();

function readMain(appDir: string): string {
  const path = join(appDir, 'package.json');
  let pkg: unknown;
  try {
    pkg = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the app's package.json at ${path}: ${(error as Error).message}`);
  }
  const main = (pkg as { main?: unknown } | null)?.main;
  if (typeof main !== 'string' || main.length === 0) {
    throw new Error(`${path} has no "main": the v4 programming model needs it to find the functions`);
  }
  return main;
}

/** Loads a v4 Node functions app from `appDir` through the registration shim and returns what it registered. */
export function loadFunctionsApp(appDir: string, options: LoadOptions = {}): Promise<FunctionRegistry> {
  const dir = resolve(appDir);
  const existing = loaded.get(dir);
  if (existing) return existing;
  const loading = load(dir, options.log ?? consoleHostLog);
  loaded.set(dir, loading);
  loading.catch(() => loaded.delete(dir));
  return loading;
}

async function load(appDir: string, log: HostLog): Promise<FunctionRegistry> {
  const files = resolveEntryFiles(appDir, readMain(appDir));
  installFunctionsCoreShim();
  const registry = new FunctionRegistry();
  collectRegistrationsInto(registry, log);
  for (const file of files) {
    try {
      await import(pathToFileURL(file).href);
    } catch (error) {
      throw new Error(`Loading ${file} failed: ${(error as Error).message}`, { cause: error });
    }
  }
  await requestCapabilities();
  const functions = registry.list();
  if (functions.length === 0) log(`[host] No functions found in ${appDir} (main: ${files.join(', ')})`);
  else log(`[host] Functions in ${appDir}:`);
  for (const registration of functions) {
    log(`[host]   ${describeFunction({ name: registration.metadata.name, trigger: rawTriggerOf(registration) })}`);
  }
  return registry;
}

/** The worker asks for capabilities once the app is loaded; that also locks `app.setup()`. */
async function requestCapabilities(): Promise<void> {
  const model = currentProgrammingModel();
  if (!model?.getCapabilities || capabilitiesRequested.has(model)) return;
  capabilitiesRequested.add(model);
  const capabilities = await model.getCapabilities({});
  if (capabilities.HttpUri) {
    throw new Error('HTTP streaming (app.setup({ enableHttpStream: true })) is not supported by the local host');
  }
}
