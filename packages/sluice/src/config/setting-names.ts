import type { SettingSpec } from './settings.js';

/** App settings as the process sees them: environment variables, or local.settings.json's Values. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The app-settings names of Sluice's hierarchical settings. `__` is the hierarchy delimiter that
 * both Windows and Linux app settings accept (learn.microsoft.com, "App settings reference for
 * Azure Functions": `:` works on Windows only). A binding's `%name%` is looked up by the host as
 * the environment variable of exactly that name, or with `:` written `__`
 * (Azure/azure-webjobs-sdk src/Microsoft.Azure.WebJobs.Host/DefaultNameResolver.cs reads
 * IConfiguration[name]; Azure/azure-functions-host
 * src/WebJobs.Script/Config/ScriptEnvironmentVariablesConfigurationSource.cs serves it), so a
 * binding sees none of the fallbacks below: code that binds per-stream values resolves them first.
 */
export const SETTINGS_ROOT = 'Sluice';
const STREAMS = 'Streams';
const SOURCES = 'Sources';
/** The keys a named source's settings may have (read by the app's source resolution, not SETTING_LIST). */
export const SOURCE_KEYS: readonly string[] = ['EventHubName', 'ConsumerGroup', 'GapConsumerGroup'];

/** `Sluice__<Key>`: the app's value, and the shared default of a stream-scoped setting. */
export function sharedSettingName(spec: Pick<SettingSpec<unknown>, 'key'>): string {
  return `${SETTINGS_ROOT}__${spec.key}`;
}

/**
 * Every spelling of one stream's setting `Sluice__Streams__<stream>__<path>` (see streamSegments),
 * where `path` is a stream-scoped `<Key>`, or `Sources__<source>__<Key>` for one of its hubs.
 */
export function streamSettingNames(stream: string, path: string): string[] {
  return streamSegments(stream).map((segment) => `${SETTINGS_ROOT}__${STREAMS}__${segment}__${path}`);
}

/** The problem when one setting is set under several spellings: naming each, never picking one. */
export function settingSetTwice(hits: readonly { readonly name: string; readonly value: string }[], what: string): string {
  return `${hits.map((h) => `${h.name}=${JSON.stringify(h.value)}`).join(' and ')} all set ${what}: keep one (names differing only in case or in - and _ are the same setting)`;
}

/**
 * The spellings of a stream's segment that name it. Azure app setting names hold only letters,
 * digits, periods and underscores (learn.microsoft.com, "Configure an App Service app"), so a
 * stream named with hyphens is written with underscores there; stream names have no underscores,
 * so the mapping back is unambiguous.
 */
export function streamSegments(stream: string): readonly string[] {
  const underscored = stream.replace(/-/g, '_');
  return underscored === stream ? [stream] : [stream, underscored];
}

/** The stream a settings segment names: case folded, underscores read as hyphens. */
export function streamOfSegment(segment: string): string {
  return segment.toLowerCase().replace(/_/g, '-');
}

/** A Sluice hierarchical name taken apart: a shared key, or one stream's key. */
export type ParsedSettingName =
  | { kind: 'shared'; key: string }
  | { kind: 'stream'; segment: string; key: string }
  /** `Sluice__Streams__<s>__Sources__<source>__K`: where one named source of a stream reads. */
  | { kind: 'source'; segment: string; source: string; key: string }
  /** Under Sluice__ but neither shape: reported, never skipped. */
  | { kind: 'malformed' };

/** Takes `Sluice__K`, `Sluice__Streams__<s>__K` or `Sluice__Streams__<s>__Sources__<source>__K` apart (any case); undefined outside Sluice__. */
export function parseSettingName(name: string): ParsedSettingName | undefined {
  const parts = name.split('__');
  if (parts.length < 2 || parts[0]!.toLowerCase() !== SETTINGS_ROOT.toLowerCase()) return undefined;
  if (parts.some((p) => p === '')) return { kind: 'malformed' };
  if (parts[1]!.toLowerCase() === STREAMS.toLowerCase()) {
    if (parts.length === 4) return { kind: 'stream', segment: parts[2]!, key: parts[3]! };
    if (parts.length === 6 && parts[3]!.toLowerCase() === SOURCES.toLowerCase()) return { kind: 'source', segment: parts[2]!, source: parts[4]!, key: parts[5]! };
    return { kind: 'malformed' };
  }
  return parts.length === 2 ? { kind: 'shared', key: parts[1]! } : { kind: 'malformed' };
}

/**
 * Finds app settings by name without regard to case. Windows app settings (and so its
 * environment) are case-insensitive, Linux environment variables are not: matching without case
 * makes one configuration mean the same on both, and two spellings that differ only in case
 * (possible on Linux only) are reported rather than one silently winning.
 */
export class SettingIndex {
  private readonly byFolded = new Map<string, string[]>();

  constructor(private readonly env: Env) {
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined || value.trim() === '') continue;
      const folded = name.toLowerCase();
      const names = this.byFolded.get(folded);
      if (names) names.push(name);
      else this.byFolded.set(folded, [name]);
    }
  }

  /** Every set (non-empty) setting whose name is one of these, ignoring case; exact spellings first. */
  find(names: readonly string[]): { name: string; value: string }[] {
    const found = new Set<string>();
    for (const n of names) if (this.env[n]?.trim()) found.add(n);
    for (const n of names) for (const actual of this.byFolded.get(n.toLowerCase()) ?? []) found.add(actual);
    return [...found].map((name) => ({ name, value: this.env[name]! }));
  }

  /** Every set setting name, for scans of the Sluice__ names. */
  names(): string[] {
    return [...this.byFolded.values()].flat();
  }
}
