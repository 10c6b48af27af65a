import type { StreamingJob } from '../dstream/streaming-context.js';
import type { StreamStorage } from '../ports/stream-storage.js';
import type { BatchTelemetry } from '../telemetry/batch-telemetry.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';

/**
 * What a local stack or a test may replace in a stream's context before the context is built.
 * Azure never sets any of it.
 */
export interface DevOverrides {
  /** The time source of the engine and receivers; a local stack shares it with its durable timers. */
  readonly clock?: Clock;
  readonly log?: Logger;
  /** Runs this pipeline instead of the one the app registered. */
  readonly job?: StreamingJob;
  /** Replaces the stores the app settings describe. */
  readonly storage?: StreamStorage;
  /** Wraps the stores (tests inject faults and count calls this way). */
  readonly wrapStorage?: (storage: StreamStorage) => StreamStorage;
  /** Replaces the OpenTelemetry batch telemetry (tests capture it this way). */
  readonly telemetry?: BatchTelemetry;
}

/** One Event Hubs source of a registered stream, as a local stack needs it to create hubs and groups. */
export interface RegisteredSourceView {
  readonly source: string;
  /** The app-setting prefix of its connection. */
  readonly connection: string;
  readonly eventHubName: string;
  readonly consumerGroup: string;
  readonly gapConsumerGroup: string;
}

/** A Sluice app as the seam shows it: plain data and functions, so another copy of the library can read it. */
export interface RegisteredAppView {
  streams(): readonly { readonly name: string; readonly sources: readonly RegisteredSourceView[] }[];
  /** Stores what unreliable receivers still buffer and closes hub clients (on shutdown). */
  flush(): Promise<void>;
}

interface Registry {
  readonly version: 1;
  /** Bumped by every change, so streams rebuild their contexts (a test starts a second stack). */
  generation: number;
  all: DevOverrides;
  readonly streams: Map<string, DevOverrides>;
  readonly apps: Set<RegisteredAppView>;
}

/**
 * The registry lives on globalThis under a registered symbol, not in this module, so a local stack
 * that loaded its own copy of the library still reaches the copy the app loaded.
 */
const KEY = Symbol.for('sluice.devOverrides');

function registry(): Registry {
  const holder = globalThis as { [KEY]?: Registry };
  holder[KEY] ??= { version: 1, generation: 0, all: {}, streams: new Map(), apps: new Set() };
  return holder[KEY];
}

/**
 * For local stacks and tests only: replaces parts of the context of one stream (`stream` given) or
 * of every stream, from the next use on. Streams rebuild their contexts after every call, so call it
 * before the app's first invocation and again only between runs.
 */
export function setDevOverrides(overrides: DevOverrides, stream?: string): void {
  const r = registry();
  if (stream === undefined) r.all = overrides;
  else r.streams.set(stream, overrides);
  r.generation++;
}

/** For local stacks and tests only: drops every override. */
export function clearDevOverrides(): void {
  const r = registry();
  r.all = {};
  r.streams.clear();
  r.generation++;
}

/** The overrides in force for a stream, and the generation they belong to. */
export function devOverridesFor(stream: string): { readonly overrides: DevOverrides; readonly generation: number } {
  const r = registry();
  return { overrides: { ...r.all, ...r.streams.get(stream) }, generation: r.generation };
}

/** Makes an app visible to a local stack in this process (its hubs, consumer groups and shutdown). */
export function announceApp(app: RegisteredAppView): void {
  registry().apps.add(app);
}

/** For local stacks: every Sluice app registered in this process. */
export function registeredApps(): readonly RegisteredAppView[] {
  return [...registry().apps];
}
