import { parseSettingName, SettingIndex, settingSetTwice, sharedSettingName, streamOfSegment, streamSettingNames } from '../config/setting-names.js';
import { Broken, SETTINGS } from '../config/settings.js';
import type { Env } from '../config/config.js';
import { DEFAULT_SOURCE } from '../receiver/received-event.js';

/** Where one Event Hubs source of a stream reads. Code gives defaults; app settings override them. */
export interface EventHubSourceOptions {
  /** The app-setting prefix of the namespace's connection, as the trigger's `connection` (default "EventHubConnection"). */
  readonly connection?: string;
  readonly eventHubName?: string;
  readonly consumerGroup?: string;
  /** The group gap fill reads back with; never the trigger's group, whose readers lock others out. */
  readonly gapConsumerGroup?: string;
}

/** One source, every name resolved: what the trigger, gap fill and the local stack use. */
export interface ResolvedSource {
  /** The name the pipeline reads it by (`ssc.eventHubStream({ source })`); the default source for a one-hub stream. */
  readonly source: string;
  /** Set for a named source: it becomes part of the receiver's function name. */
  readonly named: boolean;
  readonly connection: string;
  readonly eventHubName: string;
  readonly consumerGroup: string;
  readonly gapConsumerGroup: string;
}

export const DEFAULT_CONNECTION = 'EventHubConnection';
const GAPS_GROUP = 'sluice-gaps';

/** Source names become parts of function names, Table keys and blob names. */
const SOURCE_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
const SOURCE_NAME_RULE = '1 to 40 characters: lowercase letters, digits and hyphens, starting with a letter or digit';
const CONNECTION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * The stream's sources with hub names and consumer groups resolved against the app settings, so
 * the trigger gets literal names. The worker's process.env holds every app setting, and a literal
 * passes the host's `%setting%` resolution unchanged (azure-webjobs-sdk,
 * src/Microsoft.Azure.WebJobs.Host/NameResolverExtensions.cs, ResolveWholeString).
 *
 * One hub (`source`, or nothing): `Sluice__Streams__<stream>__EventHubName` / `__ConsumerGroup` /
 * `__GapConsumerGroup`, then the code, then the app-wide `Sluice__EventHubName` (and the groups),
 * then the single-stream SLUICE_EVENTHUB_NAME, SLUICE_CONSUMER_GROUP and SLUICE_GAP_CONSUMER_GROUP,
 * then the stream's name and "$Default".
 * Named sources: `Sluice__Streams__<stream>__Sources__<source>__EventHubName` (and the groups),
 * then the code, then the source's name and "$Default".
 */
export function resolveSources(
  stream: string,
  definition: { readonly source?: EventHubSourceOptions; readonly sources?: Readonly<Record<string, EventHubSourceOptions>> },
  env: Env,
): ResolvedSource[] {
  const problems: string[] = [];
  if (definition.source && definition.sources) problems.push(`stream "${stream}" gives both "source" and "sources": give one hub as "source", or named hubs as "sources"`);
  const out: ResolvedSource[] = [];
  const index = new SettingIndex(env);
  const own = (path: string): string[] => streamSettingNames(stream, path);
  if (definition.sources) {
    const names = Object.keys(definition.sources);
    if (names.length === 0) problems.push(`stream "${stream}" has an empty "sources": name at least one hub, or give "source"`);
    for (const name of names) {
      if (!SOURCE_NAME.test(name)) {
        problems.push(`stream "${stream}" source ${JSON.stringify(name)} is invalid: a source name has ${SOURCE_NAME_RULE}`);
        continue;
      }
      out.push(resolveOne(stream, name, true, definition.sources[name]!, env, index, problems, {
        hub: { own: own(`Sources__${name}__EventHubName`) },
        group: { own: own(`Sources__${name}__ConsumerGroup`) },
        gap: { own: own(`Sources__${name}__GapConsumerGroup`) },
        hubDefault: name,
      }));
    }
  } else {
    const candidates = (spec: typeof SETTINGS.eventHubName): Candidates => ({ own: own(spec.key), shared: sharedSettingName(spec), legacy: spec.legacyName });
    out.push(resolveOne(stream, DEFAULT_SOURCE, false, definition.source ?? {}, env, index, problems, {
      hub: candidates(SETTINGS.eventHubName),
      group: candidates(SETTINGS.consumerGroup),
      gap: candidates(SETTINGS.gapConsumerGroup),
      hubDefault: stream, legacyGapRule: true,
    }));
  }
  // A source name in the settings that the code does not have would otherwise be ignored without a word.
  const named = new Set(Object.keys(definition.sources ?? {}));
  for (const name of index.names().sort()) {
    const parsed = parseSettingName(name);
    if (parsed?.kind === 'source' && streamOfSegment(parsed.segment) === stream && !named.has(parsed.source.toLowerCase())) {
      problems.push(`${name} names source "${parsed.source}" of stream "${stream}", which ${named.size > 0 ? `reads ${[...named].map((n) => `"${n}"`).join(', ')}` : 'has no named sources'}`);
    }
  }
  if (problems.length > 0) throw new StreamDefinitionError(problems);
  return out;
}

/**
 * A setting's names: the stream's own (its spellings), then, after the code, the app-wide ones a
 * one-hub stream also reads, matched as the settings layer matches them (config/setting-lookup.ts):
 * the shared `Sluice__<Key>` without case, the legacy `SLUICE_*` name exactly.
 */
interface Candidates {
  readonly own: readonly string[];
  readonly shared?: string;
  readonly legacy?: string;
}

interface SettingNames {
  readonly hub: Candidates;
  readonly group: Candidates;
  readonly gap: Candidates;
  readonly hubDefault: string;
  /** The default source keeps SLUICE_GAP_CONSUMER_GROUP's "auto": "$Default", or "sluice-gaps" when the trigger reads $Default. */
  readonly legacyGapRule?: boolean;
}

function resolveOne(stream: string, source: string, named: boolean, code: EventHubSourceOptions, env: Env, index: SettingIndex, problems: string[], names: SettingNames): ResolvedSource {
  const where = named ? `stream "${stream}" source "${source}"` : `stream "${stream}"`;
  const pick = (settings: Candidates, label: string, fromCode: string | undefined, fallback: string): { value: string; from: string } => {
    const hits = index.find(settings.own);
    if (hits.length > 1) problems.push(settingSetTwice(hits, `the ${label} of ${where}`));
    if (hits[0]) return { value: hits[0].value.trim(), from: hits[0].name };
    if (fromCode !== undefined) return { value: fromCode, from: 'the code' };
    const shared = settings.shared === undefined ? [] : index.find([settings.shared]);
    if (shared.length > 1) problems.push(settingSetTwice(shared, `the ${label} of every one-hub stream`));
    if (shared[0]) return { value: shared[0].value.trim(), from: shared[0].name };
    const legacy = settings.legacy === undefined ? undefined : env[settings.legacy]?.trim();
    if (legacy) return { value: legacy, from: settings.legacy! };
    return { value: fallback, from: 'the default' };
  };
  const check = (what: { value: string; from: string }, rule: (raw: string) => unknown, label: string): void => {
    const parsed = rule(what.value);
    if (parsed instanceof Broken) problems.push(`${where}: ${label} ${JSON.stringify(what.value)} (from ${what.from}) is invalid: ${parsed.rule}`);
  };
  const hub = pick(names.hub, 'event hub name', code.eventHubName, names.hubDefault);
  const group = pick(names.group, 'consumer group', code.consumerGroup, '$Default');
  check(hub, SETTINGS.eventHubName.parse, 'event hub name');
  check(group, SETTINGS.consumerGroup.parse, 'consumer group');
  const autoGap = names.legacyGapRule ? (group.value === '$Default' ? GAPS_GROUP : '$Default') : (group.value === GAPS_GROUP ? '$Default' : GAPS_GROUP);
  const gapPicked = pick(names.gap, 'gap-fill consumer group', code.gapConsumerGroup, 'auto');
  const gap = gapPicked.value === 'auto' ? { value: autoGap, from: gapPicked.from } : gapPicked;
  check(gap, SETTINGS.consumerGroup.parse, 'gap-fill consumer group');
  if (gap.value === group.value) problems.push(`${where}: gap-fill consumer group ${JSON.stringify(gap.value)} (from ${gap.from}) is invalid: it must differ from the trigger's consumer group, whose readers lock other readers out`);
  const connection = code.connection ?? DEFAULT_CONNECTION;
  if (!CONNECTION_NAME.test(connection)) problems.push(`${where}: connection ${JSON.stringify(connection)} is invalid: an app-setting name has letters, digits and "_", starting with a letter or "_"`);
  return { source, named, connection, eventHubName: hub.value, consumerGroup: group.value, gapConsumerGroup: gap.value };
}

/** A stream the app cannot register: every problem, each naming the stream, the value and the rule. */
export class StreamDefinitionError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid Sluice stream:\n  - ${problems.join('\n  - ')}`);
    this.name = 'StreamDefinitionError';
  }
}
