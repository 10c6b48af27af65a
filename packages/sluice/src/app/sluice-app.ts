import { settingsEnvironment, type Env } from '../config/config.js';
import { streamNameRule } from '../config/azure-names.js';
import { describeValue, resolveAppSetting } from '../config/setting-lookup.js';
import { Broken, SETTINGS } from '../config/settings.js';
import type { StreamingJob } from '../dstream/streaming-context.js';
import { registerCommandRoutes } from './command-routes.js';
import { announceApp } from './dev-overrides.js';
import { registerDriver } from './driver-orchestration.js';
import { allStreamFunctionNames, FUNCTION_NAME_RULE, isValidFunctionName, streamFunctionNames } from './function-names.js';
import { registerReceiver } from './receiver-function.js';
import { registerReplay } from './replay-orchestration.js';
import { registerStatusRoutes } from './status-routes.js';
import { StreamRuntime } from './stream-runtime.js';
import { resolveSources, StreamDefinitionError, type EventHubSourceOptions, type ResolvedSource } from './stream-sources.js';
import { registerSupervisor } from './supervisor-function.js';

/** Options of {@link sluiceApp}. */
export interface SluiceAppOptions {
  /**
   * When the supervisor checks every stream's driver: an NCRONTAB expression with 6 fields.
   * The app setting SLUICE_SUPERVISOR_SCHEDULE overrides it; the default is every minute.
   */
  readonly supervisorSchedule?: string;
  /**
   * The settings hub names, consumer groups, the schedule and an unnamed stream's name are resolved
   * against when streams register; the app settings (process environment) by default. Each stream's
   * other settings are read from the app settings when it first runs.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** One stream of a {@link SluiceApp}: its name, where it reads, and its pipeline. */
export interface StreamDefinition {
  /**
   * Names the stream's functions (`sluice-<name>-…`), its driver (`sluice-<name>`), its routes
   * (`/api/streams/<name>`) and its data. 1 to 40 lowercase letters, digits and hyphens. Without
   * it, the Sluice__StreamName setting (or the legacy SLUICE_STREAM_NAME) names the stream (single-stream apps).
   */
  readonly name?: string;
  /** The pipeline: reads `ssc.eventHubStream()` (one hub) or `ssc.eventHubStream({ source })` (named hubs). */
  readonly job: StreamingJob;
  /** The stream's one Event Hub. Settings `Sluice__Streams__<name>__EventHubName`, `__ConsumerGroup` override it. */
  readonly source?: EventHubSourceOptions;
  /**
   * Several Event Hubs, by the names the pipeline reads them with, to union or join them.
   * Settings `Sluice__Streams__<name>__Sources__<source>__EventHubName`, `__ConsumerGroup` override them.
   */
  readonly sources?: Readonly<Record<string, EventHubSourceOptions>>;
}

/** What {@link SluiceApp.stream} registered. */
export interface RegisteredStream {
  readonly name: string;
  /** Every function the stream registered: receivers, driver, activities, replay. */
  readonly functionNames: readonly string[];
  readonly sources: readonly ResolvedSource[];
  /** The Durable instance id of its driver. */
  readonly driverInstanceId: string;
}

/**
 * A Functions app running Sluice streams. Creating it registers the functions every stream shares,
 * once: the supervisor timer, the status routes and page, and the start, stop and replay routes.
 * Each {@link SluiceApp.stream} call registers one stream's receivers, driver and replay.
 */
export class SluiceApp {
  private readonly runtimes: StreamRuntime[] = [];
  /** Registered function names, lower-cased so names that differ only in case count as one, to the stream that owns them. */
  private readonly owners = new Map<string, string>();
  private readonly env: Env;

  constructor(options: SluiceAppOptions = {}) {
    this.env = options.env ?? settingsEnvironment();
    // The app settings (Sluice__SupervisorSchedule, then SLUICE_SUPERVISOR_SCHEDULE) win over the code, as for every setting.
    const setting = resolveAppSetting(SETTINGS.supervisorSchedule, this.env);
    if (setting.problems.length > 0) throw new StreamDefinitionError([...setting.problems]);
    const fromSetting = setting.value.source !== 'default';
    const schedule = fromSetting ? setting.value.raw : (options.supervisorSchedule ?? setting.value.raw);
    const parsed = SETTINGS.supervisorSchedule.parse(schedule);
    if (parsed instanceof Broken) throw new StreamDefinitionError([`supervisor schedule ${fromSetting ? describeValue(setting.value) : JSON.stringify(schedule)} is invalid: ${parsed.rule}`]);
    const streams = (): readonly StreamRuntime[] => this.runtimes;
    registerSupervisor(streams, parsed);
    registerStatusRoutes(streams);
    registerCommandRoutes(streams);
    announceApp({
      streams: () => this.runtimes.map((r) => ({ name: r.name, sources: r.sources })),
      flush: () => this.flush(),
    });
  }

  /** Registers a stream. Throws a StreamDefinitionError naming every problem, before registering anything. */
  stream(definition: StreamDefinition): RegisteredStream {
    // A stream without a name in code is an app's one stream, named by Sluice__StreamName (or the
    // legacy SLUICE_STREAM_NAME) as the settings layer resolves it for loadConfig.
    const fromSettings = definition.name === undefined ? resolveAppSetting(SETTINGS.streamName, this.env) : undefined;
    if (fromSettings && fromSettings.problems.length > 0) throw new StreamDefinitionError([...fromSettings.problems]);
    const name = definition.name ?? fromSettings!.value.raw.trim();
    const problems: string[] = [];
    const broken = streamNameRule(name);
    if (broken) throw new StreamDefinitionError([`stream name ${fromSettings ? describeValue(fromSettings.value) : JSON.stringify(name)} is invalid: ${broken}`]);
    if (this.runtimes.some((r) => r.name === name)) throw new StreamDefinitionError([`stream "${name}" is registered twice: each stream of an app needs its own name`]);
    if (typeof definition.job?.build !== 'function') problems.push(`stream "${name}" has no job: give a StreamingJob, an object with build(ssc)`);
    const sources = resolveSources(name, definition, this.env);
    const functions = streamFunctionNames(name);
    const functionNames = allStreamFunctionNames(functions, sources.map((s) => (s.named ? s.source : undefined)));
    for (const f of functionNames) {
      if (!isValidFunctionName(f)) problems.push(`stream "${name}": function name "${f}" is invalid: ${FUNCTION_NAME_RULE}`);
      const owner = this.owners.get(f.toLowerCase());
      if (owner !== undefined) problems.push(`stream "${name}": function name "${f}" is already taken by stream "${owner}": rename a stream or a source`);
    }
    problems.push(...this.lockouts(name, sources));
    if (problems.length > 0) throw new StreamDefinitionError(problems);

    const runtime = new StreamRuntime(name, definition.job, sources, functions, () => this.streamNames());
    for (const f of functionNames) this.owners.set(f.toLowerCase(), name);
    this.runtimes.push(runtime);
    for (const source of sources) registerReceiver(runtime, source);
    registerDriver(runtime);
    registerReplay(runtime);
    return { name, functionNames, sources, driverInstanceId: `sluice-${name}` };
  }

  /** The names of the registered streams, in registration order. */
  streamNames(): readonly string[] {
    return this.runtimes.map((r) => r.name);
  }

  /** Stores what unreliable receivers still buffer and closes hub clients, for every stream (on shutdown). */
  async flush(): Promise<void> {
    const results = await Promise.allSettled(this.runtimes.map((r) => r.flush()));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failed.length > 0) throw new AggregateError(failed, `${failed.length} stream(s) failed to flush their receivers`);
  }

  /**
   * A gap-fill group that is some trigger's group on the same hub would be locked out by that
   * trigger's readers (owner level 0), and gap fill would fail: refuse it here, with both names.
   */
  private lockouts(name: string, sources: readonly ResolvedSource[]): string[] {
    const all = [...this.runtimes.flatMap((r) => r.sources.map((s) => ({ stream: r.name, s }))), ...sources.map((s) => ({ stream: name, s }))];
    const problems: string[] = [];
    for (const s of sources) {
      for (const other of all) {
        const sameHub = other.s.connection === s.connection && other.s.eventHubName === s.eventHubName;
        if (sameHub && other.s.consumerGroup === s.gapConsumerGroup) {
          problems.push(`stream "${name}" source "${s.source}": gap-fill consumer group "${s.gapConsumerGroup}" on hub "${s.eventHubName}" is the trigger group of stream "${other.stream}" source "${other.s.source}", whose readers lock it out: give the source its own gapConsumerGroup`);
        }
        if (sameHub && other.s.gapConsumerGroup === s.consumerGroup && other.s !== s) {
          problems.push(`stream "${name}" source "${s.source}": consumer group "${s.consumerGroup}" on hub "${s.eventHubName}" is the gap-fill group of stream "${other.stream}" source "${other.s.source}": give one of them another group`);
        }
      }
    }
    return problems;
  }
}

/**
 * Starts a Sluice Functions app: registers the shared functions once and returns the app, whose
 * {@link SluiceApp.stream} registers each stream. Call it once, from the module package.json's
 * `main` names.
 *
 * @example
 * ```ts
 * const app = sluiceApp();
 * app.stream({ name: 'pageviews', source: { eventHubName: 'pageviews' }, job: pageViewsJob });
 * ```
 */
export function sluiceApp(options?: SluiceAppOptions): SluiceApp {
  return new SluiceApp(options);
}
