import { SETTING_LIST } from './settings.js';
import { parseSettingName, SettingIndex, streamOfSegment, type Env } from './setting-names.js';

const KNOWN_KEYS = new Set(SETTING_LIST.map((s) => s.key.toLowerCase()));

/**
 * The streams that `Sluice__Streams__<stream>__*` settings name, case folded and with
 * underscores read as hyphens (see streamSegments), sorted.
 */
export function streamsInSettings(env: Env): string[] {
  const streams = new Set<string>();
  for (const name of new SettingIndex(env).names()) {
    const parsed = parseSettingName(name);
    if (parsed?.kind === 'stream') streams.add(streamOfSegment(parsed.segment));
  }
  return [...streams].sort();
}

/**
 * Sluice__ names that match nothing: a stream this app does not register (a typo such as
 * "ordrs" would otherwise leave "orders" on its defaults without a word), or a key that is not a
 * setting. Each problem names the settings. Checked once per app, with every registered stream.
 */
export function settingNameProblems(registered: readonly string[], env: Env): string[] {
  const problems: string[] = [];
  const strays = new Map<string, string[]>();
  for (const name of new SettingIndex(env).names().sort()) {
    const parsed = parseSettingName(name);
    if (!parsed) continue;
    if (parsed.kind === 'malformed') {
      problems.push(`${name} is not a Sluice setting name: use Sluice__<Key>, or Sluice__Streams__<stream>__<Key> for one stream`);
      continue;
    }
    if (!KNOWN_KEYS.has(parsed.key.toLowerCase())) {
      problems.push(`${name} names no Sluice setting: "${parsed.key}" is not a setting key (see docs/configuration.md)`);
      continue;
    }
    if (parsed.kind !== 'stream') continue;
    const stream = streamOfSegment(parsed.segment);
    if (!registered.includes(stream)) strays.set(stream, [...(strays.get(stream) ?? []), name]);
  }
  const known = registered.length > 0 ? registered.map((s) => `"${s}"`).join(', ') : 'none';
  for (const [stream, names] of strays) {
    problems.push(`settings name stream "${stream}", which this app does not register (it registers ${known}): ${names.join(', ')}`);
  }
  return problems;
}
