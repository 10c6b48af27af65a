import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Deployment } from '../bicep/check-infra.js';
import type { Value } from '../bicep/values.js';
import { INFRA_DIR } from './bicep-reader.js';

/** One source of a stream as infra/streams.json describes it. */
export interface DescribedSource {
  readonly stream: string;
  /** Its name among the stream's `sources`; absent for a stream's one hub. */
  readonly source?: string;
  readonly eventHubName: string;
  readonly consumerGroup: string;
  readonly gapConsumerGroup: string;
}

export const STREAMS_FILE = join(INFRA_DIR, 'streams.json');

export function describedSources(): DescribedSource[] {
  return (JSON.parse(readFileSync(STREAMS_FILE, 'utf8')) as { sources: DescribedSource[] }).sources;
}

/** The prefix of a source's app settings, as the app resolves them (src/app/stream-sources.ts). */
export function settingPrefix(s: Pick<DescribedSource, 'stream' | 'source'>): string {
  return s.source === undefined ? `Sluice__Streams__${s.stream}__` : `Sluice__Streams__${s.stream}__Sources__${s.source}__`;
}

/** What the Event Hubs module creates: each hub with its consumer groups, sorted. */
export function createdHubs(deployment: Deployment): Map<string, string[]> {
  const named = (type: string): string[][] =>
    deployment.resources.filter((r) => r.type === type && !r.existing).map((r) => {
      if (r.name === undefined) throw new Error(`a ${type} has a name known only at deployment`);
      return r.name.split('/');
    });
  const hubs = new Map<string, string[]>();
  for (const [, hub] of named('Microsoft.EventHub/namespaces/eventhubs')) hubs.set(hub!, []);
  for (const [, hub, group] of named('Microsoft.EventHub/namespaces/eventhubs/consumergroups')) {
    const groups = hubs.get(hub!);
    if (!groups) throw new Error(`consumer group ${group} is created on hub ${hub}, which is not created`);
    groups.push(group!);
  }
  for (const groups of hubs.values()) groups.sort();
  return hubs;
}

/** The function app's settings whose values the template knows (identity ids and endpoints are left out). */
export function deployedAppSettings(deployment: Deployment): Record<string, string> {
  const configs = deployment.resources.filter((r) => r.type === 'Microsoft.Web/sites/config' && r.name?.endsWith('/appsettings'));
  if (configs.length !== 1) throw new Error(`expected one appsettings resource, found ${configs.length}`);
  const properties = propertyOf(configs[0]!.body, 'properties');
  if (properties?.kind !== 'object') throw new Error('the appsettings resource has no known properties object');
  const out: Record<string, string> = {};
  for (const [name, entry] of properties.props) if (entry.value.kind === 'string') out[name] = entry.value.value;
  return out;
}

/** A template output's value, when the template knows it. */
export function knownOutput(deployment: Deployment, name: string): string | undefined {
  const v = deployment.outputs.get(name);
  return v?.kind === 'string' ? v.value : undefined;
}

function propertyOf(v: Value, name: string): Value | undefined {
  return v.kind === 'object' ? v.props.get(name)?.value : undefined;
}
