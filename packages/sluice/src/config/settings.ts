import { containerNameRule, streamNameRule, tableNameRule } from './azure-names.js';
import { parseDuration } from './duration.js';
import { parseSize } from './size.js';

/**
 * Every app setting Sluice reads, with its key, scope, default and rule: the one source of truth.
 * A stream reads `Sluice__Streams__<stream>__<key>`, then `Sluice__<key>`, then the legacy name
 * (see setting-lookup.ts). The config module parses these; the settings table in
 * docs/configuration.md, local.settings.example.json and the Bicep in infra/ are checked against
 * them (test/unit/readme-settings.test.ts, test/infra/settings-contract.test.ts).
 */
export interface SettingSpec<T> {
  /** The hierarchical key (PascalCase): the app setting is `Sluice__<key>`, or `Sluice__Streams__<stream>__<key>` for one stream. */
  readonly key: string;
  /** stream: may differ per stream; app: one value per Functions app. */
  readonly scope: SettingScope;
  /** The single-stream name from before hierarchical keys (SLUICE_*), still read after the new names. */
  readonly legacyName: string;
  /** Same as legacyName: what callers written before hierarchical keys read. */
  readonly name: string;
  /** Used when the setting is absent or empty. */
  readonly default: string;
  /** The rule in words, quoted in the error when a value breaks it. */
  readonly rule: string;
  readonly description: string;
  /** Exposed as a Bicep parameter because users tune it per deployment. */
  readonly tunable: boolean;
  /** Returns the value, or the rule it breaks (a string in a Broken wrapper). */
  parse(raw: string): T | Broken;
}

export type SettingScope = 'stream' | 'app';

export class Broken {
  constructor(readonly rule: string) {}
}

type SpecInput<T> = Omit<SettingSpec<T>, 'legacyName'>;

function spec<T>(s: SpecInput<T>): SettingSpec<T> {
  return { ...s, legacyName: s.name };
}

/** Where a spec's key and scope come from in the helpers below. */
interface Placement {
  readonly key: string;
  readonly scope: SettingScope;
}

function duration(at: Placement, name: string, def: string, description: string, tunable: boolean): SettingSpec<number> {
  const rule = 'a positive duration: milliseconds, or a number with ms, s, m, h or d ("200ms", "10s", "1m")';
  return spec({
    ...at, name, default: def, rule, description, tunable,
    parse: (raw) => {
      const ms = parseDuration(raw);
      return ms !== undefined && ms > 0 ? ms : new Broken(rule);
    },
  });
}

function named(at: Placement, name: string, def: string, description: string, check: (v: string) => string | undefined): SettingSpec<string> {
  return spec({
    ...at, name, default: def, description, tunable: false,
    rule: check === tableNameRule ? 'a valid Azure table name' : 'a valid Azure blob container name',
    parse: (raw) => {
      const broken = check(raw);
      return broken ? new Broken(broken) : raw;
    },
  });
}

function oneOf<T extends string>(at: Placement, name: string, def: T, values: readonly T[], description: string, tunable: boolean, aliases: Record<string, T> = {}): SettingSpec<T> {
  const rule = `one of ${values.map((v) => `"${v}"`).join(', ')}`;
  return spec({
    ...at, name, default: def, rule, description, tunable,
    parse: (raw) => {
      const v = raw.trim().toLowerCase();
      if ((values as readonly string[]).includes(v)) return v as T;
      return aliases[v] ?? new Broken(rule);
    },
  });
}

function positiveInt(at: Placement, name: string, def: string, max: number, description: string, tunable: boolean): SettingSpec<number> {
  const rule = `a whole number from 1 to ${max}`;
  return spec({
    ...at, name, default: def, rule, description, tunable,
    parse: (raw) => {
      const n = Number(raw);
      return /^\s*\d+\s*$/.test(raw) && n >= 1 && n <= max ? n : new Broken(rule);
    },
  });
}

/** A byte size within [min, max], each given as bytes and as the text the rule shows. */
function size(at: Placement, name: string, def: string, min: [number, string], max: [number, string], description: string): SettingSpec<number> {
  const rule = `a size from ${min[1]} to ${max[1]}: bytes, or a number with KB, MB, KiB or MiB`;
  return spec({
    ...at, name, default: def, rule, description, tunable: false,
    parse: (raw) => {
      const n = parseSize(raw);
      return n !== undefined && n >= min[0] && n <= max[0] ? n : new Broken(rule);
    },
  });
}

export type ReceiverMode = 'reliable' | 'unreliable';
export type OnBatchFailure = 'stop' | 'skip';
export type StartingPosition = { kind: 'earliest' } | { kind: 'latest' } | { kind: 'enqueuedTime'; time: number };

const startingPositionRule = '"earliest", "latest", or an ISO 8601 enqueued time such as "2026-11-23T10:00:00Z"';


// Scopes. A stream-scoped setting may differ per stream; an app-scoped one is one value per
// Functions app, each for the reason beside it. Every stream-scoped value is read per stream by
// its driver or receiver, so nothing else forces it to be shared.
export const SETTINGS = {
  // App: the name of the one stream of an app that registers none in code (loadConfig). An app that
  // registers its streams with sluiceApp().stream({ name }) names them there and ignores this.
  streamName: spec<string>({
    key: 'StreamName', scope: 'app', name: 'SLUICE_STREAM_NAME', default: 'pageviews', tunable: true,
    rule: 'lowercase letters, digits and hyphens, 1 to 40 characters, starting with a letter or digit',
    description: 'Name of the one stream of an app that names none in code: prefixes its blobs and WAL keys, and names its driver (sluice-<name>).',
    parse: (raw) => {
      const broken = streamNameRule(raw);
      return broken ? new Broken(broken) : raw;
    },
  }),
  eventHubName: spec<string>({
    key: 'EventHubName', scope: 'stream', name: 'SLUICE_EVENTHUB_NAME', default: 'pageviews', tunable: false,
    rule: '1 to 256 characters: letters, digits, periods, hyphens and underscores, starting and ending with a letter or digit',
    description: 'The event hub the receiver function reads.',
    parse: (raw) => (/^[A-Za-z0-9]([A-Za-z0-9._-]{0,254}[A-Za-z0-9])?$/.test(raw) ? raw : new Broken('1 to 256 characters: letters, digits, periods, hyphens and underscores, starting and ending with a letter or digit')),
  }),
  consumerGroup: spec<string>({
    key: 'ConsumerGroup', scope: 'stream', name: 'SLUICE_CONSUMER_GROUP', default: '$Default', tunable: false,
    rule: '"$Default", or 1 to 50 characters: letters, digits, periods, hyphens and underscores',
    description: 'Consumer group of the receiver. Give Sluice its own group in production (infra creates "sluice").',
    parse: (raw) => (raw === '$Default' || /^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/.test(raw) ? raw : new Broken('"$Default", or 1 to 50 characters: letters, digits, periods, hyphens and underscores')),
  }),
  gapConsumerGroup: spec<string>({
    key: 'GapConsumerGroup', scope: 'stream', name: 'SLUICE_GAP_CONSUMER_GROUP', default: 'auto', tunable: false,
    rule: '"auto", "$Default", or 1 to 50 characters: letters, digits, periods, hyphens and underscores; not the same as ConsumerGroup',
    description: 'Consumer group the receiver reads skipped sequence ranges back with (gap fill). It must differ from the trigger\'s group, whose readers lock other readers out. auto: "$Default", or "sluice-gaps" when the trigger itself uses $Default.',
    parse: (raw) => (raw === 'auto' || raw === '$Default' || /^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/.test(raw) ? raw : new Broken('"auto", "$Default", or 1 to 50 characters: letters, digits, periods, hyphens and underscores')),
  }),
  batchIntervalMs: duration({ key: 'BatchInterval', scope: 'stream' }, 'SLUICE_BATCH_INTERVAL', '10s', 'Batch interval: the driver commits one batch per interval, on a fixed schedule.', true),
  blockIntervalMs: duration({ key: 'BlockInterval', scope: 'stream' }, 'SLUICE_BLOCK_INTERVAL', '200ms', 'Block interval: events are cut into blocks of this much enqueued time (Spark\'s spark.streaming.blockInterval). The batch interval must be a multiple of it.', true),
  receiverMode: oneOf<ReceiverMode>({ key: 'ReceiverMode', scope: 'stream' }, 'SLUICE_RECEIVER_WAL', 'reliable', ['reliable', 'unreliable'],
    'reliable: the receiver returns only after blocks, WAL records and checkpoint are durable. unreliable: it buffers in memory and flushes every block interval (faster, loses the buffer on a crash). "true"/"false" are accepted as in spark.streaming.receiver.writeAheadLog.enable.',
    true, { true: 'reliable', false: 'unreliable' }),
  maxBlockBytes: size({ key: 'MaxBlockBytes', scope: 'stream' }, 'SLUICE_MAX_BLOCK_BYTES', '1MiB', [1024, '1KiB'], [64 * 1024 ** 2, '64MiB'],
    'A block is cut when its encoded size would pass this.'),
  maxTasksPerBatch: positiveInt({ key: 'MaxTasksPerBatch', scope: 'stream' }, 'SLUICE_MAX_TASKS_PER_BATCH', '8', 256, 'Most task activities a batch fans out to; blocks are spread over them in order.', true),
  // App: the storage lifecycle rule that deletes old blocks is one rule on the one blocks container,
  // so a per-stream retention longer than it would lose blocks a replay still needs.
  blockRetentionMs: duration({ key: 'BlockRetention', scope: 'app' }, 'SLUICE_BLOCK_RETENTION', '7d', 'How long blocks stay after their batch completes, for replays. Also the lifecycle rule in infra.', true),
  walRetentionMs: duration({ key: 'WalRetention', scope: 'stream' }, 'SLUICE_WAL_RETENTION', '7d', 'How long WAL records of completed batches stay (the status page history).', true),
  // App: it is the Event Hubs extension's initialOffsetOptions, one host.json setting for every
  // Event Hubs trigger of the app (host.json extensions.eventHubs), not a per-function option.
  startingPosition: spec<StartingPosition>({
    key: 'StartingPosition', scope: 'app', name: 'SLUICE_STARTING_POSITION', default: 'earliest', tunable: true, rule: startingPositionRule,
    description: 'Where a partition with no checkpoint starts (the Event Hubs extension\'s initialOffsetOptions).',
    parse: (raw) => {
      const v = raw.trim();
      if (v === 'earliest' || v === 'latest') return { kind: v };
      const t = /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : NaN;
      return Number.isNaN(t) ? new Broken(startingPositionRule) : { kind: 'enqueuedTime', time: t };
    },
  }),
  onBatchFailure: oneOf<OnBatchFailure>({ key: 'OnBatchFailure', scope: 'stream' }, 'SLUICE_ON_BATCH_FAILURE', 'stop', ['stop', 'skip'],
    'What the driver does when a batch still fails after retries: stop (keep its data for a replay) or skip (record it failed and go on).', true),
  // App: one supervisor timer function checks the drivers of all streams.
  supervisorSchedule: spec<string>({
    key: 'SupervisorSchedule', scope: 'app', name: 'SLUICE_SUPERVISOR_SCHEDULE', default: '0 */1 * * * *', tunable: false,
    rule: 'an NCRONTAB expression with 6 fields (second minute hour day month weekday)',
    description: 'When the supervisor timer checks the driver like spark-submit --supervise.',
    parse: (raw) => (raw.trim().split(/\s+/).length === 6 && /^[\d*/,\- ]+$/.test(raw.trim()) ? raw.trim() : new Broken('an NCRONTAB expression with 6 fields (second minute hour day month weekday)')),
  }),
  activityRetries: spec<number>({
    key: 'ActivityRetries', scope: 'stream', name: 'SLUICE_ACTIVITY_RETRIES', default: '3', tunable: false, rule: 'a whole number from 0 to 10',
    description: 'Retries of a batch that fails with a permanent error (such as a pipeline function that throws) before it counts as failed; transient failures are retried without a count (see TransientRetryLimit).',
    parse: (raw) => (/^\s*\d+\s*$/.test(raw) && Number(raw) <= 10 ? Number(raw) : new Broken('a whole number from 0 to 10')),
  }),
  idlePartitionTimeoutMs: duration({ key: 'IdlePartitionTimeout', scope: 'stream' }, 'SLUICE_IDLE_PARTITION_TIMEOUT', '1m', 'Event time: a partition that sent nothing for this long (batch time) stops holding the watermark back, as in Flink and Azure Stream Analytics. withWatermark can set its own.', false),
  retryMaxDelayMs: duration({ key: 'RetryMaxDelay', scope: 'stream' }, 'SLUICE_RETRY_MAX_DELAY', '5m', 'Longest wait between two attempts of a failing batch: the backoff starts at 1 s and doubles up to this.', false),
  transientRetryLimitMs: spec<number>({
    key: 'TransientRetryLimit', scope: 'stream', name: 'SLUICE_TRANSIENT_RETRY_LIMIT', default: 'unlimited', tunable: false,
    rule: '"unlimited", or a positive duration: milliseconds, or a number with ms, s, m, h or d ("30m", "6h")',
    description: 'How long a batch may keep failing transiently (storage or network outage) before it counts as failed and OnBatchFailure applies. unlimited: the driver waits out any outage.',
    parse: (raw) => {
      if (raw.trim().toLowerCase() === 'unlimited') return Number.POSITIVE_INFINITY;
      const ms = parseDuration(raw);
      return ms !== undefined && ms > 0 ? ms : new Broken('"unlimited", or a positive duration: milliseconds, or a number with ms, s, m, h or d ("30m", "6h")');
    },
  }),
  maxEventsPerPartition: positiveInt({ key: 'MaxEventsPerPartition', scope: 'stream' }, 'SLUICE_MAX_EVENTS_PER_PARTITION', '100000', 100_000_000,
    'Most events one batch takes from a partition (Spark\'s maxRatePerPartition); the rest waits for the next batches. A batch always takes at least one whole block.', false),
  maxBytesPerPartition: size({ key: 'MaxBytesPerPartition', scope: 'stream' }, 'SLUICE_MAX_BYTES_PER_PARTITION', '32MiB', [64 * 1024, '64KiB'], [1024 ** 3, '1GiB'],
    'Most block bytes one batch takes from a partition; the rest waits for the next batches. A batch always takes at least one whole block.'),
  // App: containers and tables are created by infra (and the lifecycle rule targets the blocks
  // container); blob names and table keys carry the stream name, so the streams of an app share them.
  blocksContainer: named({ key: 'BlocksContainer', scope: 'app' }, 'SLUICE_BLOCKS_CONTAINER', 'sluice-blocks', 'Blob container for received blocks.', containerNameRule),
  partialsContainer: named({ key: 'PartialsContainer', scope: 'app' }, 'SLUICE_PARTIALS_CONTAINER', 'sluice-partials', 'Blob container for task partial results.', containerNameRule),
  stateContainer: named({ key: 'StateContainer', scope: 'app' }, 'SLUICE_STATE_CONTAINER', 'sluice-state', 'Blob container for window slices and keyed state, per batch time.', containerNameRule),
  outputContainer: named({ key: 'OutputContainer', scope: 'app' }, 'SLUICE_OUTPUT_CONTAINER', 'sluice-output', 'Blob container of the Blob sink (<prefix>-<batchTimeMs>.ndjson).', containerNameRule),
  deadLetterContainer: named({ key: 'DeadLetterContainer', scope: 'app' }, 'SLUICE_DEADLETTER_CONTAINER', 'sluice-deadletter', 'Blob container for events that failed to decode or process.', containerNameRule),
  walTable: named({ key: 'WalTable', scope: 'app' }, 'SLUICE_WAL_TABLE', 'sluicewal', 'Table of the write-ahead log and the receiver checkpoints (they share transactions).', tableNameRule),
  outputTable: named({ key: 'OutputTable', scope: 'app' }, 'SLUICE_OUTPUT_TABLE', 'sluiceoutput', 'Table of the Table sink (one entity per key).', tableNameRule),
  // App: one storage account holds every stream's blocks, WAL and sinks (the containers above).
  storageConnection: spec<string>({
    key: 'StorageConnection', scope: 'app', name: 'SLUICE_STORAGE_CONNECTION', default: 'AzureWebJobsStorage', tunable: false,
    rule: 'the name of a connection setting (letters, digits and underscores)',
    description: 'Prefix of the storage connection Sluice uses for blocks, WAL and sinks: a connection string, or <name>__blobServiceUri/__tableServiceUri with identity.',
    parse: (raw) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(raw) ? raw : new Broken('the name of a connection setting (letters, digits and underscores)')),
  }),
} as const;

export type SettingKey = keyof typeof SETTINGS;
export const SETTING_LIST: readonly SettingSpec<unknown>[] = Object.values(SETTINGS);
