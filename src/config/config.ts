import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDuration } from './duration.js';
import { Broken, SETTINGS, type OnBatchFailure, type ReceiverMode, type SettingSpec, type StartingPosition } from './settings.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** How to reach a storage account or Event Hubs namespace: a connection string, or Entra ID. */
export type Connection =
  | { kind: 'connectionString'; connectionString: string }
  | { kind: 'identity'; blobServiceUri?: string; tableServiceUri?: string; fullyQualifiedNamespace?: string; clientId?: string };

export interface SluiceConfig {
  streamName: string;
  eventHubName: string;
  consumerGroup: string;
  /** The consumer group gap fill reads with ("auto" resolved). */
  gapConsumerGroup: string;
  batchIntervalMs: number;
  blockIntervalMs: number;
  receiverMode: ReceiverMode;
  maxBlockBytes: number;
  maxTasksPerBatch: number;
  blockRetentionMs: number;
  walRetentionMs: number;
  startingPosition: StartingPosition;
  onBatchFailure: OnBatchFailure;
  supervisorSchedule: string;
  activityRetries: number;
  idlePartitionTimeoutMs: number;
  retryMaxDelayMs: number;
  /** Infinity when unlimited. */
  transientRetryLimitMs: number;
  maxEventsPerPartition: number;
  maxBytesPerPartition: number;
  containers: { blocks: string; partials: string; state: string; output: string; deadLetter: string };
  tables: { wal: string; output: string };
  storageConnectionName: string;
}

/** One error for every broken setting, each line naming the setting, its value and the rule. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid Sluice configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads every Sluice setting from the environment (app settings in Azure; local.settings.json's
 * Values locally, merged by settingsEnvironment). This module is the only reader of the environment.
 */
export function loadConfig(env: Env = settingsEnvironment()): SluiceConfig {
  const problems: string[] = [];
  function read<T>(s: SettingSpec<T>): T {
    const given = env[s.name];
    const raw = given === undefined || given.trim() === '' ? s.default : given;
    const value = s.parse(raw);
    if (value instanceof Broken) {
      problems.push(`${s.name}=${JSON.stringify(raw)} is invalid: ${value.rule}`);
      return s.parse(s.default) as T;
    }
    return value;
  }
  const config: SluiceConfig = {
    streamName: read(SETTINGS.streamName),
    eventHubName: read(SETTINGS.eventHubName),
    consumerGroup: read(SETTINGS.consumerGroup),
    gapConsumerGroup: read(SETTINGS.gapConsumerGroup),
    batchIntervalMs: read(SETTINGS.batchIntervalMs),
    blockIntervalMs: read(SETTINGS.blockIntervalMs),
    receiverMode: read(SETTINGS.receiverMode),
    maxBlockBytes: read(SETTINGS.maxBlockBytes),
    maxTasksPerBatch: read(SETTINGS.maxTasksPerBatch),
    blockRetentionMs: read(SETTINGS.blockRetentionMs),
    walRetentionMs: read(SETTINGS.walRetentionMs),
    startingPosition: read(SETTINGS.startingPosition),
    onBatchFailure: read(SETTINGS.onBatchFailure),
    supervisorSchedule: read(SETTINGS.supervisorSchedule),
    activityRetries: read(SETTINGS.activityRetries),
    idlePartitionTimeoutMs: read(SETTINGS.idlePartitionTimeoutMs),
    retryMaxDelayMs: read(SETTINGS.retryMaxDelayMs),
    transientRetryLimitMs: read(SETTINGS.transientRetryLimitMs),
    maxEventsPerPartition: read(SETTINGS.maxEventsPerPartition),
    maxBytesPerPartition: read(SETTINGS.maxBytesPerPartition),
    containers: {
      blocks: read(SETTINGS.blocksContainer),
      partials: read(SETTINGS.partialsContainer),
      state: read(SETTINGS.stateContainer),
      output: read(SETTINGS.outputContainer),
      deadLetter: read(SETTINGS.deadLetterContainer),
    },
    tables: { wal: read(SETTINGS.walTable), output: read(SETTINGS.outputTable) },
    storageConnectionName: read(SETTINGS.storageConnection),
  };
  if (problems.length === 0 && config.batchIntervalMs % config.blockIntervalMs !== 0) {
    problems.push(
      `${SETTINGS.batchIntervalMs.name}=${JSON.stringify(formatDuration(config.batchIntervalMs))} is invalid: ` +
        `the batch interval must be a multiple of ${SETTINGS.blockIntervalMs.name} (${formatDuration(config.blockIntervalMs)})`,
    );
  }
  if (config.gapConsumerGroup === 'auto') config.gapConsumerGroup = config.consumerGroup === '$Default' ? 'sluice-gaps' : '$Default';
  else if (config.gapConsumerGroup === config.consumerGroup) {
    problems.push(`${SETTINGS.gapConsumerGroup.name}=${JSON.stringify(config.gapConsumerGroup)} is invalid: it must differ from ${SETTINGS.consumerGroup.name}, whose readers lock other readers out of each partition`);
  }
  const containers = Object.values(config.containers);
  const clash = containers.find((c, i) => containers.indexOf(c) !== i);
  if (clash) problems.push(`container "${clash}" is named by two SLUICE_*_CONTAINER settings: each container holds one kind of data`);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * Reads a connection the way the Functions host does: `<name>` as a connection string, else the
 * identity-based `<name>__blobServiceUri`, `__tableServiceUri`, `__accountName`,
 * `__fullyQualifiedNamespace` and `__clientId` settings.
 */
export function readConnection(name: string, env: Env = settingsEnvironment()): Connection {
  const direct = env[name]?.trim();
  if (direct) {
    return { kind: 'connectionString', connectionString: direct === 'UseDevelopmentStorage=true' ? DEVELOPMENT_STORAGE : direct };
  }
  const part = (suffix: string): string | undefined => env[`${name}__${suffix}`]?.trim() || undefined;
  const account = part('accountName');
  const connection: Connection = {
    kind: 'identity',
    blobServiceUri: part('blobServiceUri') ?? (account ? `https://${account}.blob.core.windows.net` : undefined),
    tableServiceUri: part('tableServiceUri') ?? (account ? `https://${account}.table.core.windows.net` : undefined),
    fullyQualifiedNamespace: part('fullyQualifiedNamespace'),
    clientId: part('clientId'),
  };
  if (!connection.blobServiceUri && !connection.tableServiceUri && !connection.fullyQualifiedNamespace) {
    throw new ConfigError([
      `connection "${name}" is not set: give ${name} (a connection string) or ${name}__accountName, ` +
        `${name}__blobServiceUri/${name}__tableServiceUri, or ${name}__fullyQualifiedNamespace for identity-based access`,
    ]);
  }
  return connection;
}

/** The well-known Azurite development account and key (public, documented by Microsoft). */
export const DEV_ACCOUNT = 'devstoreaccount1';
export const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** UseDevelopmentStorage=true: Azurite on its default ports. */
export const DEVELOPMENT_STORAGE =
  `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};` +
  `BlobEndpoint=http://127.0.0.1:10000/${DEV_ACCOUNT};TableEndpoint=http://127.0.0.1:10002/${DEV_ACCOUNT};` +
  `QueueEndpoint=http://127.0.0.1:10001/${DEV_ACCOUNT};`;

/**
 * The process environment with local.settings.json's Values beneath it, as Core Tools does:
 * a variable already set in the environment wins over the file.
 */
export function settingsEnvironment(dir: string = process.cwd()): Env {
  return { ...readLocalSettings(dir), ...process.env };
}

export function readLocalSettings(dir: string): Record<string, string> {
  const file = join(dir, 'local.settings.json');
  if (!existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`${file} is not valid JSON: ${(err as Error).message}`]);
  }
  const values = (parsed as { Values?: unknown }).Values;
  if (values === undefined) return {};
  if (typeof values !== 'object' || values === null) throw new ConfigError([`${file}: "Values" must be an object of strings`]);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) out[k] = String(v);
  return out;
}

/** This process's name as a receiver owner: the Functions instance id in Azure, else host and pid. */
export function instanceName(env: Env = process.env): string {
  return env['WEBSITE_INSTANCE_ID']?.slice(0, 12) || `${env['HOSTNAME'] || 'local'}-${process.pid}`;
}

/** Whether a setting is explicitly on, for flags outside the Sluice settings table (e.g. CI). */
export function envFlag(name: string, env: Env = process.env): boolean {
  const v = env[name]?.toLowerCase();
  return v === '1' || v === 'true' || v === 'yes';
}

/** Where the app's telemetry goes: Application Insights, when its connection string is set. */
export interface AppInsightsConnection {
  readonly connectionString: string;
  /** The managed identity that writes (APPLICATIONINSIGHTS_AUTHENTICATION_STRING "ClientId=…;Authorization=AAD"). */
  readonly clientId?: string;
  readonly entraId: boolean;
}

export function readAppInsights(env: Env = settingsEnvironment()): AppInsightsConnection | undefined {
  const connectionString = env['APPLICATIONINSIGHTS_CONNECTION_STRING']?.trim();
  if (!connectionString) return undefined;
  const auth = Object.fromEntries((env['APPLICATIONINSIGHTS_AUTHENTICATION_STRING'] ?? '').split(';').map((p) => p.split('=').map((x) => x.trim()) as [string, string]));
  return { connectionString, ...(auth['ClientId'] && { clientId: auth['ClientId'] }), entraId: auth['Authorization']?.toUpperCase() === 'AAD' };
}

/**
 * One stream's settings: the app-wide settings with the stream's name in place of
 * SLUICE_STREAM_NAME. Minimal: replaced by the per-stream settings layer.
 */
export function loadStreamConfig(stream: string, env: Env = settingsEnvironment()): SluiceConfig {
  return loadConfig({ ...env, SLUICE_STREAM_NAME: stream });
}
