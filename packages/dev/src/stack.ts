import { configureApp, type AppOverrides } from 'sluice/internal';
import { flushReceivers } from 'sluice/internal';
import { loadConfig, settingsEnvironment, type SluiceConfig } from 'sluice/internal';
import { SETTING_LIST } from 'sluice/internal';
import type { StreamingJob } from 'sluice/internal';
import { systemClock, type Clock } from 'sluice';
import { consoleLogger, type Logger } from 'sluice/internal';
import { startAzurite, type Azurite } from './azurite.js';
import { devHubConfig, startDevHub, type DevHub } from '@sluice/dev-hub';
import { createDurableExtension } from '@sluice/local-durable';
import type { DurableRuntime } from '@sluice/local-durable';
import { startLocalHost, type LocalHost } from '@sluice/local-host';

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
  readonly job?: StreamingJob;
  readonly wrapStorage?: AppOverrides['wrapStorage'];
}

export interface Stack {
  readonly config: SluiceConfig;
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
  const config = loadConfig(base);
  // Identity-based settings (azd's .env) and no connection string: Sluice's data and the hub are
  // the deployed ones, reached with the developer's sign-in; the host's internals stay in Azurite.
  const cloudStorage = !options.storageConnectionString && !base['AzureWebJobsStorage'] && Boolean(base['AzureWebJobsStorage__blobServiceUri'] || base['AzureWebJobsStorage__accountName']);
  const cloudHub = !options.eventHubConnectionString && !base['EventHubConnection'] && Boolean(base['EventHubConnection__fullyQualifiedNamespace']);
  const started: { close(): Promise<void> }[] = [];
  try {
    const azurite = options.storageConnectionString ? undefined : await startAzurite(options.dataDir ? { location: `${options.dataDir}/azurite` } : {});
    if (azurite) started.push(azurite);
    const hub = options.eventHubConnectionString || cloudHub ? undefined : await startDevHub({
      // The hub keeps real time, like the service: clients sign SAS tokens with the wall clock.
      port: options.hubPort ?? 5672,
      config: devHubConfig([{ name: config.eventHubName, partitions: options.partitions ?? 4, consumerGroups: [config.consumerGroup, config.gapConsumerGroup].filter((g) => g !== '$Default') }]),
      ...(options.dataDir ? { persistDir: `${options.dataDir}/devhub` } : {}),
    });
    if (hub) started.push(hub);
    const storageConnectionString = options.storageConnectionString ?? azurite!.connectionString;
    const eventHubConnectionString = options.eventHubConnectionString ?? hub?.connectionString;
    // Every setting gets its effective value, as the Bicep sets them all in Azure: bindings
    // such as %SLUICE_EVENTHUB_NAME% resolve only against settings that exist.
    for (const s of SETTING_LIST) process.env[s.name] = base[s.name] || s.default;
    if (cloudStorage) {
      for (const suffix of ['accountName', 'blobServiceUri', 'tableServiceUri', 'clientId']) {
        const value = base[`AzureWebJobsStorage__${suffix}`];
        if (value) process.env[`SluiceStorage__${suffix}`] = value;
      }
      process.env['SLUICE_STORAGE_CONNECTION'] = 'SluiceStorage';
    }
    process.env['AzureWebJobsStorage'] = storageConnectionString;
    if (eventHubConnectionString) process.env['EventHubConnection'] = eventHubConnectionString;
    configureApp({ clock, log, ...(options.job && { job: options.job }), ...(options.wrapStorage && { wrapStorage: options.wrapStorage }) });
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
      config, host, runtime: runtime!, storageConnectionString, ...(eventHubConnectionString && { eventHubConnectionString }),
      ...(hub && { hub }), ...(azurite && { azurite }),
      async stop() {
        stopping = true;
        await host.stop();
        await flushReceivers();
        for (const s of started.reverse()) await s.close();
      },
    };
  } catch (err) {
    for (const s of started.reverse()) await s.close().catch(() => undefined);
    throw err;
  }
}
