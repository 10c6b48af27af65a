/**
 * The dev hub reads the same Config.json shape as Microsoft's Event Hubs emulator, so one file
 * can drive either. Only the Event Hubs part is used; names are case-insensitive as in Azure.
 */
export interface EmulatorConsumerGroup {
  Name: string;
}

export interface EmulatorEntity {
  Name: string;
  PartitionCount: number | string;
  ConsumerGroups?: EmulatorConsumerGroup[];
}

export interface EmulatorNamespace {
  Type: string;
  Name: string;
  Entities: EmulatorEntity[];
}

export interface EmulatorConfig {
  UserConfig: {
    NamespaceConfig: EmulatorNamespace[];
    LoggingConfig?: { Type?: string };
  };
}

/** A validated hub: partition ids are "0".."n-1", consumer groups keyed by lower-cased name. */
export interface HubSpec {
  name: string;
  partitionCount: number;
  consumerGroups: Map<string, string>;
}

export const DEFAULT_CONSUMER_GROUP = '$Default';
export const MAX_PARTITIONS = 32;

// Azure's rule for hub names: letters, digits, '.', '-', '_', starting and ending alphanumeric.
const HUB_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,254}[A-Za-z0-9])?$/;
const GROUP_NAME = /^(?:\$Default|[A-Za-z0-9](?:[A-Za-z0-9._-]{0,48}[A-Za-z0-9])?)$/i;

/** Builds an emulator-shaped config from a short list of hubs. */
export function devHubConfig(hubs: { name: string; partitions: number; consumerGroups?: string[] }[]): EmulatorConfig {
  return {
    UserConfig: {
      NamespaceConfig: [
        {
          Type: 'EventHub',
          Name: 'emulatorns1',
          Entities: hubs.map((h) => ({
            Name: h.name,
            PartitionCount: h.partitions,
            ConsumerGroups: (h.consumerGroups ?? []).map((name) => ({ Name: name })),
          })),
        },
      ],
      LoggingConfig: { Type: 'Console' },
    },
  };
}

/** The default used when no config is given: one hub `pageviews` with 4 partitions. */
export const defaultDevHubConfig = (): EmulatorConfig => devHubConfig([{ name: 'pageviews', partitions: 4 }]);

export class DevHubConfigError extends Error {
  constructor(message: string) {
    super(`Invalid dev hub config: ${message}`);
    this.name = 'DevHubConfigError';
  }
}

/** Checks the config and returns hubs keyed by lower-cased name. */
export function readHubSpecs(config: EmulatorConfig): Map<string, HubSpec> {
  const namespaces = config?.UserConfig?.NamespaceConfig;
  if (!Array.isArray(namespaces)) throw new DevHubConfigError('UserConfig.NamespaceConfig must be an array');
  const hubs = new Map<string, HubSpec>();
  for (const ns of namespaces) {
    if (ns.Type !== 'EventHub') continue;
    if (!Array.isArray(ns.Entities)) throw new DevHubConfigError(`namespace "${ns.Name}" needs an Entities array`);
    for (const entity of ns.Entities) {
      const name = entity?.Name;
      if (typeof name !== 'string' || !HUB_NAME.test(name)) {
        throw new DevHubConfigError(`event hub name ${JSON.stringify(name)} must be 1-256 letters, digits, '.', '-' or '_', starting and ending with a letter or digit`);
      }
      if (hubs.has(name.toLowerCase())) throw new DevHubConfigError(`event hub "${name}" is defined twice`);
      const count = Number(entity.PartitionCount);
      if (!Number.isInteger(count) || count < 1 || count > MAX_PARTITIONS) {
        throw new DevHubConfigError(`event hub "${name}" has PartitionCount ${JSON.stringify(entity.PartitionCount)}; it must be an integer from 1 to ${MAX_PARTITIONS}`);
      }
      const groups = new Map<string, string>([[DEFAULT_CONSUMER_GROUP.toLowerCase(), DEFAULT_CONSUMER_GROUP]]);
      for (const group of entity.ConsumerGroups ?? []) {
        const gname = group?.Name;
        if (typeof gname !== 'string' || !GROUP_NAME.test(gname)) {
          throw new DevHubConfigError(`consumer group name ${JSON.stringify(gname)} in event hub "${name}" must be 1-50 letters, digits, '.', '-' or '_'`);
        }
        groups.set(gname.toLowerCase(), gname);
      }
      hubs.set(name.toLowerCase(), { name, partitionCount: count, consumerGroups: groups });
    }
  }
  if (hubs.size === 0) throw new DevHubConfigError('no namespace of Type "EventHub" defines any entity');
  return hubs;
}
