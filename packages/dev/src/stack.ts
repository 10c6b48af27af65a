import { systemClock, type Clock } from 'sluice';
import {
  checkSettingNames, clearDevOverrides, consoleLogger, loadConfig, loadStreamConfig, registeredApps, setDevOverrides, settingsEnvironment, SETTING_LIST,
  type DevOverrides, type Logger, type RegisteredAppView, type RegisteredSourceView, type SluiceConfig, type StreamingJob,
} from 'sluice/internal';
import { startAzurite, type Azurite } from './azurite.js';
import { devHubConfig, startDevHub, type DevHub } from '@sluice/dev-hub';
import { createDurableExtension, type DurableRuntime } from '@sluice/local-durable';
import { consoleHostLog, loadFunctionsApp, startLocalHost, type LocalHost } from '@sluice/local-host';

export interface StackOptions {
  /** The app folder (package.json main, host.json); the working directory by default. */
  readonly appDir?: string;
  readonly clock?: Clock;
  readonly log?: Logger;
  /** Functions host port: 7071 like Core Tools; 0 picks a free one. */
  readonly port?: number;
  /** Dev hub port: the emulator's 5672; 0 picks a free one. */
  readonly hubPort?: number;
  readonly partitions?: number;
  /** Persist Azurite and the dev hub here; in memory when omitted. */
  readonly dataDir?: string;
  /** Settings over the environment and local.settings.json. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Use this storage account instead of starting Azurite (a connection string). */
  readonly storageConnectionString?: string;
  /** Use this Event Hubs (official emulator or a namespace) instead of the dev hub. */
  readonly eventHubConnectionString?: string;
  /** Runs this pipeline in every stream instead of the one the app registered. */
  readonly job?: StreamingJob;
  /** Runs these pipelines instead of the registered ones, by stream name. */
  readonly jobs?: Readonly<Record<string, StreamingJob>>;
  readonly wrapStorage?: DevOverrides['wrapStorage'];
}

/** A stream the loaded app registered, with the hubs it reads. */
export interface StackStream {
  readonly name: string;
  readonly sources: readonly RegisteredSourceView[];
}

export interface Stack {
  /** The app-wide settings (SLUICE_*); each stream's own are loadStreamConfig(name). */
  readonly config: SluiceConfig;
  /** Every stream the app registered, in order. */
  readonly streams: readonly StackStream[];
  readonly host: LocalHost;
  readonly runtime: DurableRuntime;
  /** The host's own storage (durable history, trigger checkpoints). */
  readonly storageConnectionString: string;
  /** Undefined when the hub is reached with Entra ID (EventHubConnection__fullyQualifiedNamespace). */
  readonly eventHubConnectionString?: string;
  readonly hub?: DevHub;
  readonly azurite?: Azurite;
  stop(): Promise<void>;
}


/**
 * The whole app on one machine, no Azure and no Core Tools: Azurite, the dev Event Hubs, and the
 * local Functions host running functions/ with the durable runtime. The stack owns its process:
 * it writes the resolved connections into process.env, where the app's config module reads them.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? consoleLogger;
  const appDir = options.appDir ?? process.cwd();
  const base = { ...settingsEnvironment(appDir), ...options.settings };
  // Identity-based settings (azd's .env) and no connection string: Sluice's data and the hub are
  // the deployed ones, reached with the developer's sign-in; the host's internals stay in Azurite.
  const cloudStorage = !options.storageConnectionString && !base['AzureWebJobsStorage'] && Boolean(base['AzureWebJobsStorage__blobServiceUri'] || base['AzureWebJobsStorage__accountName']);
  const cloudHub = !options.eventHubConnectionString && !base['EventHubConnection'] && Boolean(base['EventHubConnection__fullyQualifiedNamespace']);
  const started: { close(): Promise<void> }[] = [];
  try {
    // Every setting gets its effective value, as the Bicep sets them all in Azure; per-stream
    // settings (Sluice__Streams__…) pass through. The app resolves its hub names from them as it
    // loads, so they are in place before the app is.
    for (const s of SETTING_LIST) process.env[s.name] = base[s.name] || s.default;
    for (const [key, value] of Object.entries(base)) if (key.startsWith('Sluice__') && value !== undefined) process.env[key] = value;
    clearDevOverrides();
    await loadFunctionsApp(appDir, { log: consoleHostLog });
    const apps = registeredApps();
    const streams = apps.flatMap((a) => a.streams());
    // The first stream's settings stand for the stack's (containers, intervals on the console);
    // an app that registers no stream in code runs the one Sluice__StreamName names.
    if (streams.length > 0) checkSettingNames(streams.map((s) => s.name), base);
    const config = streams.length > 0 ? loadStreamConfig(streams[0]!.name, base) : loadConfig(base);
    const azurite = options.storageConnectionString ? undefined : await startAzurite(options.dataDir ? { location: `${options.dataDir}/azurite` } : {});
    if (azurite) started.push(azurite);
    const hub = options.eventHubConnectionString || cloudHub ? undefined : await startDevHub({
      // The hub keeps real time, like the service: clients sign SAS tokens with the wall clock.
      port: options.hubPort ?? 5672,
      config: devHubConfig(hubsOf(streams, options.partitions ?? 4)),
      ...(options.dataDir ? { persistDir: `${options.dataDir}/devhub` } : {}),
    });
    if (hub) started.push(hub);
    const storageConnectionString = options.storageConnectionString ?? azurite!.connectionString;
    const eventHubConnectionString = options.eventHubConnectionString ?? hub?.connectionString;
    if (cloudStorage) {
      for (const suffix of ['accountName', 'blobServiceUri', 'tableServiceUri', 'clientId']) {
        const value = base[`AzureWebJobsStorage__${suffix}`];
        if (value) process.env[`SluiceStorage__${suffix}`] = value;
      }
      process.env['SLUICE_STORAGE_CONNECTION'] = 'SluiceStorage';
    }
    process.env['AzureWebJobsStorage'] = storageConnectionString;
    // Every connection the app's sources name reaches the one local (or given) hub.
    if (eventHubConnectionString) for (const name of new Set(['EventHubConnection', ...streams.flatMap((st) => st.sources.map((x) => x.connection))])) process.env[name] = eventHubConnectionString;
    setDevOverrides({ clock, log, ...(options.job && { job: options.job }), ...(options.wrapStorage && { wrapStorage: options.wrapStorage }) });
    for (const [stream, job] of Object.entries(options.jobs ?? {})) {
      if (!streams.some((st) => st.name === stream)) throw new Error(`startStack: jobs names stream "${stream}", but the app registers ${streams.map((st) => `"${st.name}"`).join(', ') || 'no streams'}`);
      setDevOverrides({ job }, stream);
    }
    let runtime: DurableRuntime | undefined;
    let stopping = false;
    // Work still in flight when the stack stops fails with "runtime is stopped": expected, not news.
    const extension = createDurableExtension({ onError: (error) => { if (!stopping) log.error('durable runtime error', { error: String(error) }); } });
    const host = await startLocalHost({
      appDir, env: process.env, port: options.port ?? 7071, clock, storageConnectionString,
      durable: {
        async attach(h) {
          const attached = await extension.attach(h);
          runtime = attached.runtime;
          return attached;
        },
      },
    });
    // Durable clients build their callback URLs from WEBSITE_HOSTNAME, as in Azure.
    process.env['WEBSITE_HOSTNAME'] = `127.0.0.1:${host.port}`;
    return {
      config, streams, host, runtime: runtime!, storageConnectionString, ...(eventHubConnectionString && { eventHubConnectionString }),
      ...(hub && { hub }), ...(azurite && { azurite }),
      async stop() {
        stopping = true;
        await host.stop();
        await flushAll(apps);
        for (const s of started.reverse()) await s.close();
      },
    };
  } catch (err) {
    for (const s of started.reverse()) await s.close().catch(() => undefined);
    throw err;
  }
}

/** The dev hub's hubs: every hub a registered source reads, with its trigger and gap-fill groups. */
function hubsOf(streams: readonly StackStream[], partitions: number): { name: string; partitions: number; consumerGroups: string[] }[] {
  const groups = new Map<string, Set<string>>();
  for (const source of streams.flatMap((s) => s.sources)) {
    const set = groups.get(source.eventHubName) ?? new Set<string>();
    for (const g of [source.consumerGroup, source.gapConsumerGroup]) if (g !== '$Default') set.add(g);
    groups.set(source.eventHubName, set);
  }
  return [...groups].map(([name, set]) => ({ name, partitions, consumerGroups: [...set].sort() }));
}

/** Flushes every app's receivers; one app's failure does not keep the others from flushing. */
async function flushAll(apps: readonly RegisteredAppView[]): Promise<void> {
  const results = await Promise.allSettled(apps.map((a) => a.flush()));
  const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failed.length > 0) throw new AggregateError(failed, 'flushing the receivers failed');
}
