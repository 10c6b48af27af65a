import { loadFunctionsApp } from '#local-host/function-app-loader.js';
import { registeredFunctions } from '#local-host/registered-functions.js';

/** Where one Event Hubs trigger of the app reads, its `%SETTING%` references resolved. */
export interface TriggerRead {
  readonly functionName: string;
  readonly eventHubName: string;
  readonly consumerGroup: string;
}

/** One source of a stream as the app resolved it (the seam a local stack reads, src/app/dev-overrides.ts). */
export interface AnnouncedSource {
  readonly stream: string;
  readonly source: string;
  readonly eventHubName: string;
  readonly consumerGroup: string;
  readonly gapConsumerGroup: string;
}

export interface SampleAppReaders {
  readonly triggers: readonly TriggerRead[];
  /** Undefined when the app announces no Sluice app (one registered without sluiceApp()). */
  readonly announced: readonly AnnouncedSource[] | undefined;
}

/**
 * The Event Hubs extension reads with "$Default" when a trigger names no consumer group
 * (azure-functions-eventhubs-extension, EventHubTriggerAttribute.ConsumerGroup; the Node
 * library passes the option through as given).
 */
const DEFAULT_GROUP = '$Default';

/** The registry sluiceApp() announces its streams in: plain data under a registered symbol, so another copy of the code can read it. */
const APPS = Symbol.for('sluice.devOverrides');

interface AppView {
  streams(): readonly { name: string; sources: readonly { source: string; eventHubName: string; consumerGroup: string; gapConsumerGroup: string }[] }[];
}

/**
 * Loads the Functions app in `appDir` as the worker does, with `settings` as its app settings
 * (the process environment, which is where the worker's app settings are), and lists where its
 * Event Hubs triggers read and, when it registered through sluiceApp(), its streams' sources.
 */
export async function loadSampleAppReaders(appDir: string, settings: Readonly<Record<string, string>>): Promise<SampleAppReaders> {
  Object.assign(process.env, settings);
  const registry = await loadFunctionsApp(appDir, { log: () => {} });
  const triggers = registeredFunctions(registry, { ...envStrings(), ...settings })
    .filter((f) => f.trigger.type.toLowerCase() === 'eventhubtrigger')
    .map((f) => ({
      functionName: f.name,
      eventHubName: String(f.trigger['eventHubName']),
      consumerGroup: typeof f.trigger['consumerGroup'] === 'string' && f.trigger['consumerGroup'] !== '' ? f.trigger['consumerGroup'] : DEFAULT_GROUP,
    }));
  const apps = (globalThis as { [APPS]?: { apps?: Set<AppView> } })[APPS]?.apps;
  const announced = apps && apps.size > 0
    ? [...apps].flatMap((app) => app.streams().flatMap((s) => s.sources.map((src) => ({ stream: s.name, ...src }))))
    : undefined;
  return { triggers, announced };
}

function envStrings(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
