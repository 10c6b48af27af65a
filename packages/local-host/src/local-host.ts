import { resolve } from 'node:path';
import { systemClock, type Clock } from 'sluice';
import { loadAppSettings, type AppSettings } from './app-settings.js';
import type { DurableAttachment, DurableExtension } from './durable-extension-point.js';
import { failOnUnhandledRejections } from './unhandled-rejections.js';
import { startEventHubTriggers, type EventHubTriggers } from './eventhub-trigger.js';
import { loadFunctionsApp } from './function-app-loader.js';
import type { FunctionRegistry } from './function-registry.js';
import { functionsCoreApi } from './functions-core-shim.js';
import type { AppStartContext, HookContext } from './functions-core-types.js';
import { readHostJson } from './host-json.js';
import { consoleHostLog, type HostLog } from './host-log.js';
import { startHttpServer, type LocalHttpServer, type Mount } from './http-server.js';
import { createInvoker, type Invoke, type RegisteredFunction } from './invoke.js';
import { inputBindingNames, isFunctionDisabled, registeredFunctions } from './registered-functions.js';
import { startTimerScheduler, type TimerScheduler } from './timer-scheduler.js';

export interface LocalHostOptions {
  /** The app folder: package.json (main), host.json, local.settings.json. */
  appDir: string;
  /** Settings over local.settings.json Values; normally process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** 7071 by default, like Core Tools; 0 picks a free port. */
  port?: number;
  /** Loopback by default. */
  hostname?: string;
  /** Drives timers and retry delays; the system clock by default. */
  clock?: Clock;
  /** AzureWebJobsStorage; the setting of that name when omitted. Needed for Event Hubs and durable. */
  storageConnectionString?: string;
  durable?: DurableExtension;
  log?: HostLog;
}

export interface LocalHost {
  readonly port: number;
  readonly url: string;
  readonly registry: FunctionRegistry;
  readonly functions: readonly RegisteredFunction[];
  readonly settings: AppSettings;
  invoke: Invoke;
  mount: Mount;
  /** Stops triggers, then durable, then the HTTP server; runs appTerminate hooks. Idempotent. */
  stop(): Promise<void>;
}

const DURABLE_CLIENT_TYPES = ['durableClient', 'orchestrationClient'];

export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  const appDir = resolve(options.appDir);
  const log = options.log ?? consoleHostLog;
  failOnUnhandledRejections(log);
  const clock = options.clock ?? systemClock;
  const registry = await loadFunctionsApp(appDir, { log });
  const settings = loadAppSettings(appDir, options.env ?? process.env);
  const hostJson = readHostJson(appDir);
  const functions = registeredFunctions(registry, settings);
  // A disabled function keeps its registration but gets no listener: no HTTP route, no timer, no
  // Event Hubs processor, and the durable runtime does not see it, so a client here cannot start
  // it. The real host logs the same line (webjobs-sdk HostListenerFactory.CreateAsync).
  const active = functions.filter((f) => !isFunctionDisabled(f.name, settings));
  for (const f of functions) if (!active.includes(f)) log(`[host] Function '${f.name}' is disabled`);
  const storageConnectionString = options.storageConnectionString ?? settings.AzureWebJobsStorage;

  let durable: DurableAttachment | undefined;
  const { invoke, invokeDetailed } = createInvoker({
    registry,
    functions,
    programmingModel: () => functionsCoreApi().getProgrammingModel(),
    log,
    extraInputsFor(fn) {
      const names = DURABLE_CLIENT_TYPES.flatMap((type) => inputBindingNames(fn, type));
      if (names.length === 0) return undefined;
      if (!durable) {
        throw new Error(`Function "${fn.name}" has a durableClient input, but no durable runtime is attached to the local host`);
      }
      const binding = durable.clientBinding();
      return Object.fromEntries(names.map((name) => [name, binding]));
    },
  });

  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    const errors: unknown[] = [];
    for (const stop of stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'The local host did not stop cleanly');
  };

  try {
    await runHooks(registry, 'appStart', { functionAppDirectory: appDir });
    stops.push(() => runHooks(registry, 'appTerminate', {}));

    const http: LocalHttpServer = await startHttpServer({
      port: options.port ?? 7071,
      hostname: options.hostname,
      routePrefix: hostJson.extensions?.http?.routePrefix ?? 'api',
      functions: active,
      invokeDetailed,
      log,
    });
    stops.push(() => http.close());

    if (options.durable) {
      durable = await options.durable.attach({
        invoke,
        functions: active,
        mount: http.mount,
        baseUrl: http.url,
        clock,
        settings,
        storageConnectionString: requireStorage(storageConnectionString, 'the durable runtime'),
        hostJson,
      });
      const attached = durable;
      stops.push(() => attached.stop());
    }

    const timers: TimerScheduler = startTimerScheduler({
      functions: active,
      invokeDetailed,
      clock,
      timeZone: settings.WEBSITE_TIME_ZONE,
    });
    stops.push(() => timers.stop());

    const hasEventHubs = active.some((f) => f.trigger.type.toLowerCase() === 'eventhubtrigger');
    if (hasEventHubs) {
      const eventHubs: EventHubTriggers = await startEventHubTriggers({
        functions: active,
        invokeDetailed,
        clock,
        settings,
        hostOptions: hostJson.extensions?.eventHubs,
        storageConnectionString: requireStorage(storageConnectionString, 'Event Hubs triggers'),
        log,
      });
      stops.push(() => eventHubs.stop());
    }

    log(`[host] Local functions host listening on ${http.url}`);
    let stopping: Promise<void> | undefined;
    return {
      port: http.port,
      url: http.url,
      registry,
      functions,
      settings,
      invoke,
      mount: http.mount,
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await stopAll().catch(() => {});
    throw error;
  }
}

function requireStorage(connectionString: string | undefined, forWhat: string): string {
  if (!connectionString) {
    throw new Error(`${forWhat} need a storage account: pass storageConnectionString or set AzureWebJobsStorage`);
  }
  return connectionString;
}

async function runHooks(
  registry: FunctionRegistry,
  name: 'appStart' | 'appTerminate',
  extra: Partial<AppStartContext>,
): Promise<void> {
  const context: HookContext = { hookData: {}, appHookData: registry.appHookData, ...extra };
  for (const hook of registry.hooks(name)) await hook(context);
}
