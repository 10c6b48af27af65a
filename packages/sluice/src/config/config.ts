import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { streamNameRule } from './azure-names.js';
import { ConfigError } from './config-error.js';
import { formatDuration } from './duration.js';
import { describeValue, resolveAppSetting, resolveStreamSettings, type SettingValue, type StreamSettingKey } from './setting-lookup.js';
import type { Env } from './setting-names.js';
import { Broken, SETTINGS, type OnBatchFailure, type ReceiverMode, type SettingKey, type SettingSpec, type StartingPosition } from './settings.js';
import { settingNameProblems, streamKeyProblems } from './unknown-settings.js';

/** The parsed type of one setting. */
type SettingType<K extends SettingKey> = (typeof SETTINGS)[K] extends SettingSpec<infer T> ? T : never;

export { ConfigError } from './config-error.js';
export type { Env } from './setting-names.js';
export type { SettingSource, SettingValue, StreamSettingKey } from './setting-lookup.js';
export { streamsInSettings } from './unknown-settings.js';

/** How to reach a storage account or Event Hubs namespace: a connection string, or Entra ID. */
export type Connection =
  | { kind: 'connectionString'; connectionString: string }
  | { kind: 'identity'; blobServiceUri?: string; tableServiceUri?: string; fullyQualifiedNamespace?: string; clientId?: string };

export interface SluiceConfig {
  /** The name given in code (loadStreamConfig), or the app's StreamName setting (loadConfig). */
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

/**
 * Reads one stream's settings (app settings in Azure; local.settings.json's Values locally, merged
 * by settingsEnvironment): for a stream-scoped setting `Sluice__Streams__<stream>__<Key>`, else the
 * app's `Sluice__<Key>`, else the legacy `SLUICE_*` name, else the default; app-scoped settings
 * skip the first. `stream` is the name given in code. This module is the only reader of the
 * environment. Throws one ConfigError naming every broken setting, its value and the rule.
 */
export function loadStreamConfig(stream: string, env: Env = settingsEnvironment()): SluiceConfig {
  const broken = streamNameRule(stream);
  if (broken) throw new ConfigError([`stream "${stream}" (the name given in code) is invalid: ${broken}`]);
  return buildConfig(stream, env, []);
}

/**
 * The one stream of an app that registers none in code: its name from Sluice__StreamName (or the
 * legacy SLUICE_STREAM_NAME), then the same lookup as loadStreamConfig. Also reports Sluice__
 * names that match nothing, since this one stream is all the app registers.
 */
export function loadConfig(env: Env = settingsEnvironment()): SluiceConfig {
  // Ambiguous spellings of the name are reported by buildConfig's lookup, with the rest.
  const name = resolveAppSetting(SETTINGS.streamName, env);
  const problems: string[] = [];
  const parsed = SETTINGS.streamName.parse(name.value.raw);
  if (parsed instanceof Broken) problems.push(`${describeValue(name.value)} is invalid: ${parsed.rule}`);
  const stream = parsed instanceof Broken ? SETTINGS.streamName.default : parsed;
  problems.push(...settingNameProblems([stream], env));
  return buildConfig(stream, env, problems);
}

/** For each setting of a stream, the app setting its value came from (the status page, config dumps). */
export function settingSources(stream: string, env: Env = settingsEnvironment()): Readonly<Record<StreamSettingKey, SettingValue>> {
  return resolveStreamSettings(stream, env).values;
}

/**
 * Throws a ConfigError when Sluice__ settings name a stream the app does not register, a key that
 * is not a setting, or a malformed name: the app calls it once with every stream it registers.
 */
export function checkSettingNames(registered: readonly string[], env: Env = settingsEnvironment()): void {
  const problems = settingNameProblems(registered, env);
  if (problems.length > 0) throw new ConfigError(problems);
}

function buildConfig(stream: string, env: Env, earlier: readonly string[]): SluiceConfig {
  const resolved = resolveStreamSettings(stream, env);
  const problems = [...earlier, ...resolved.problems, ...streamKeyProblems(stream, env)];
  function read<K extends StreamSettingKey>(field: K): SettingType<K> {
    const spec = SETTINGS[field] as SettingSpec<SettingType<K>>;
    const v = resolved.values[field];
    const value = spec.parse(v.raw);
    if (value instanceof Broken) {
      problems.push(`${describeValue(v)} is invalid: ${value.rule}`);
      return spec.parse(spec.default) as SettingType<K>;
    }
    return value;
  }
  const config: SluiceConfig = {
    streamName: stream,
    eventHubName: read('eventHubName'),
    consumerGroup: read('consumerGroup'),
    gapConsumerGroup: read('gapConsumerGroup'),
    batchIntervalMs: read('batchIntervalMs'),
    blockIntervalMs: read('blockIntervalMs'),
    receiverMode: read('receiverMode'),
    maxBlockBytes: read('maxBlockBytes'),
    maxTasksPerBatch: read('maxTasksPerBatch'),
    blockRetentionMs: read('blockRetentionMs'),
    walRetentionMs: read('walRetentionMs'),
    startingPosition: read('startingPosition'),
    onBatchFailure: read('onBatchFailure'),
    supervisorSchedule: read('supervisorSchedule'),
    activityRetries: read('activityRetries'),
    idlePartitionTimeoutMs: read('idlePartitionTimeoutMs'),
    retryMaxDelayMs: read('retryMaxDelayMs'),
    transientRetryLimitMs: read('transientRetryLimitMs'),
    maxEventsPerPartition: read('maxEventsPerPartition'),
    maxBytesPerPartition: read('maxBytesPerPartition'),
    containers: {
      blocks: read('blocksContainer'),
      partials: read('partialsContainer'),
      state: read('stateContainer'),
      output: read('outputContainer'),
      deadLetter: read('deadLetterContainer'),
    },
    tables: { wal: read('walTable'), output: read('outputTable') },
    storageConnectionName: read('storageConnection'),
  };
  problems.push(...crossSettingProblems(config, resolved.values));
  if (config.gapConsumerGroup === 'auto') config.gapConsumerGroup = config.consumerGroup === '$Default' ? 'sluice-gaps' : '$Default';
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Rules between settings; each names every setting involved. Runs on values that parsed. */
function crossSettingProblems(config: SluiceConfig, values: Readonly<Record<StreamSettingKey, SettingValue>>): string[] {
  const problems: string[] = [];
  if (config.batchIntervalMs % config.blockIntervalMs !== 0) {
    // Blame the batch interval unless only the block interval was set.
    const [blamed, other] = values.batchIntervalMs.source === 'default' && values.blockIntervalMs.source !== 'default'
      ? [values.blockIntervalMs, values.batchIntervalMs] : [values.batchIntervalMs, values.blockIntervalMs];
    problems.push(
      `${describeValue(blamed)} is invalid: the batch interval (${formatDuration(config.batchIntervalMs)}) must be a multiple of ` +
        `the block interval (${formatDuration(config.blockIntervalMs)}); see ${describeValue(other)}`,
    );
  }
  if (config.gapConsumerGroup !== 'auto' && config.gapConsumerGroup === config.consumerGroup) {
    problems.push(
      `${describeValue(values.gapConsumerGroup)} is invalid: it must differ from the consumer group, ${describeValue(values.consumerGroup)}, ` +
        'whose readers lock other readers out of each partition',
    );
  }
  const containers: readonly [StreamSettingKey, string][] = [
    ['blocksContainer', config.containers.blocks],
    ['partialsContainer', config.containers.partials],
    ['stateContainer', config.containers.state],
    ['outputContainer', config.containers.output],
    ['deadLetterContainer', config.containers.deadLetter],
  ];
  const seen = new Map<string, SettingValue>();
  for (const [field, name] of containers) {
    const first = seen.get(name);
    if (first) problems.push(`${describeValue(first)} and ${describeValue(values[field])} name the same container "${name}": each container holds one kind of data`);
    else seen.set(name, values[field]);
  }
  return problems;
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
