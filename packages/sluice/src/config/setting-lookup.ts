import { SETTINGS, type SettingKey, type SettingSpec } from './settings.js';
import { SettingIndex, settingSetTwice, sharedSettingName, streamSettingNames, type Env } from './setting-names.js';

type Hit = { readonly name: string; readonly value: string };

/** Which level of the lookup gave a value. */
export type SettingSource = 'stream' | 'shared' | 'legacy' | 'default';

/** One setting's text for one stream, and the app setting it came from. */
export interface SettingValue {
  readonly key: string;
  readonly source: SettingSource;
  /** The app setting that supplied the text; absent when it is the default. */
  readonly setting?: string;
  readonly raw: string;
}

/** The settings a stream reads: all but the name of an app's one stream, which code replaces. */
export type StreamSettingKey = Exclude<SettingKey, 'streamName'>;

export interface ResolvedSettings {
  readonly values: Readonly<Record<StreamSettingKey, SettingValue>>;
  /** Names that could supply a value but are ambiguous or misplaced, each naming the settings. */
  readonly problems: readonly string[];
}

/**
 * Each setting's text for one stream, by the lookup order: for a stream-scoped setting
 * `Sluice__Streams__<stream>__<Key>`, then the app's shared `Sluice__<Key>`, then the legacy
 * `SLUICE_*` name (a single-stream app configured before hierarchical names), then the default.
 * An app-scoped setting skips the first level. An empty value counts as not set, as before.
 */
export function resolveStreamSettings(stream: string, env: Env): ResolvedSettings {
  const index = new SettingIndex(env);
  const problems: string[] = [];
  const values = {} as Record<StreamSettingKey, SettingValue>;
  for (const field of Object.keys(SETTINGS) as SettingKey[]) {
    const value = resolveSetting(SETTINGS[field], stream, index, env, problems);
    if (field !== 'streamName') values[field] = value;
  }
  return { values, problems };
}

/** One app-scoped setting's text: `Sluice__<Key>`, then the legacy name, then the default. */
export function resolveAppSetting(spec: SettingSpec<unknown>, env: Env): { readonly value: SettingValue; readonly problems: readonly string[] } {
  const problems: string[] = [];
  const value = resolveSetting(spec, undefined, new SettingIndex(env), env, problems);
  return { value, problems };
}

function resolveSetting(spec: SettingSpec<unknown>, stream: string | undefined, index: SettingIndex, env: Env, problems: string[]): SettingValue {
  const perStream = stream === undefined ? [] : index.find(streamSettingNames(stream, spec.key));
  if (spec.scope === 'app') {
    for (const hit of perStream) {
      problems.push(`${hit.name}=${JSON.stringify(hit.value)} is invalid: ${spec.key} is one per app, not per stream; set ${sharedSettingName(spec)}`);
    }
  }
  const legacy = env[spec.legacyName];
  const levels: readonly (readonly [SettingSource, readonly Hit[]])[] = [
    ['stream', spec.scope === 'stream' ? perStream : []],
    ['shared', index.find([sharedSettingName(spec)])],
    ['legacy', legacy !== undefined && legacy.trim() !== '' ? [{ name: spec.legacyName, value: legacy }] : []],
  ];
  const level = levels.find(([, hits]) => hits.length > 0);
  if (!level) return { key: spec.key, source: 'default', raw: spec.default };
  const [source, hits] = level;
  if (hits.length > 1) {
    problems.push(settingSetTwice(hits, `${spec.key}${source === 'stream' ? ` of stream "${stream}"` : ''}`));
  }
  return { key: spec.key, source, setting: hits[0]!.name, raw: hits[0]!.value };
}

/** A value as an error names it: the setting that gave it with its text, or the key's default. */
export function describeValue(v: SettingValue): string {
  return v.setting ? `${v.setting}=${JSON.stringify(v.raw)}` : `${v.key} (not set, default ${JSON.stringify(v.raw)})`;
}
