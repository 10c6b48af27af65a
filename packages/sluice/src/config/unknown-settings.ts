import { SETTING_LIST } from './settings.js';
import { parseSettingName, SettingIndex, SOURCE_KEYS, streamOfSegment, type Env } from './setting-names.js';

const KNOWN_KEYS = new Set(SETTING_LIST.map((s) => s.key.toLowerCase()));

/**
 * The streams that `Sluice__Streams__<stream>__*` settings name, case folded and with
 * underscores read as hyphens (see streamSegments), sorted.
 */
export function streamsInSettings(env: Env): string[] {
  const streams = new Set<string>();
  for (const name of new SettingIndex(env).names()) {
    const parsed = parseSettingName(name);
    if (parsed?.kind === 'stream' || parsed?.kind === 'source') streams.add(streamOfSegment(parsed.segment));
  }
  return [...streams].sort();
}

/**
 * Sluice__ names that match nothing: a stream this app does not register (a typo such as
 * "ordrs" would otherwise leave "orders" on its defaults without a word), a shared key that is
 * not a setting, or a name of neither shape. Each problem names the settings. Checked once per
 * app, with every registered stream; a registered stream's own names are checked when it loads
 * (streamKeyProblems).
 */
export function settingNameProblems(registered: readonly string[], env: Env): string[] {
  const problems: string[] = [];
  const strays = new Map<string, string[]>();
  for (const name of new SettingIndex(env).names().sort()) {
    const parsed = parseSettingName(name);
    if (!parsed) continue;
    if (parsed.kind === 'malformed') {
      problems.push(`${name} is not a Sluice setting name: use Sluice__<Key>, Sluice__Streams__<stream>__<Key> for one stream, or Sluice__Streams__<stream>__Sources__<source>__<Key> for one of its hubs`);
      continue;
    }
    if (parsed.kind === 'shared') {
      if (!KNOWN_KEYS.has(parsed.key.toLowerCase())) problems.push(unknownKey(name, parsed.key));
      continue;
    }
    if (parsed.kind === 'source' && !SOURCE_KEYS.some((k) => k.toLowerCase() === parsed.key.toLowerCase())) {
      problems.push(`${name} is not a Sluice setting: a source's settings are ${SOURCE_KEYS.join(', ')}`);
      continue;
    }
    const stream = streamOfSegment(parsed.segment);
    if (!registered.includes(stream)) strays.set(stream, [...(strays.get(stream) ?? []), name]);
  }
  const known = registered.length > 0 ? registered.map((s) => `"${s}"`).join(', ') : 'none';
  for (const [stream, names] of strays) {
    problems.push(`settings name stream "${stream}", which this app does not register (it registers ${known}): ${names.join(', ')}`);
  }
  return problems;
}

/** `Sluice__Streams__<stream>__<Key>` names of this stream whose key is not a setting. */
export function streamKeyProblems(stream: string, env: Env): string[] {
  const problems: string[] = [];
  for (const name of new SettingIndex(env).names().sort()) {
    const parsed = parseSettingName(name);
    if (parsed?.kind === 'stream' && streamOfSegment(parsed.segment) === stream && !KNOWN_KEYS.has(parsed.key.toLowerCase())) {
      problems.push(unknownKey(name, parsed.key));
    }
  }
  return problems;
}

function unknownKey(name: string, key: string): string {
  return `${name} names no Sluice setting: "${key}" is not a setting key (see docs/configuration.md)`;
}
