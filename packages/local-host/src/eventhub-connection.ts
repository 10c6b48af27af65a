import type { DefaultAzureCredentialClientIdOptions } from '@azure/identity';
import type { AppSettings } from './app-settings.js';
import type { RegisteredFunction } from './invoke.js';

/** How an Event Hubs trigger connects: a connection string, or identity on a namespace. */
export type EventHubConnection =
  | { readonly kind: 'connectionString'; readonly connectionString: string; readonly eventHubName: string }
  | {
    readonly kind: 'identity';
    readonly fullyQualifiedNamespace: string;
    readonly eventHubName: string;
    readonly credentialOptions: DefaultAzureCredentialClientIdOptions;
  };

/**
 * Resolves the binding's `connection` setting as the extension does: `<name>` as a connection
 * string, else `<name>__fullyQualifiedNamespace` (and `<name>__clientId` for a user-assigned
 * identity). Empty values count as absent, as in the host's configuration.
 */
export function eventHubConnectionOf(fn: RegisteredFunction, settings: AppSettings): EventHubConnection {
  const settingName = fn.trigger.connection;
  if (typeof settingName !== 'string' || settingName === '') {
    throw new Error(`Event Hubs function "${fn.name}" has no "connection" setting name`);
  }
  const setting = (name: string): string | undefined => settings[name]?.trim() || undefined;
  const hubName = (entityPath: string | undefined): string => {
    const name = entityPath ?? (typeof fn.trigger.eventHubName === 'string' ? fn.trigger.eventHubName : '');
    if (!name) throw new Error(`Event Hubs function "${fn.name}" has no eventHubName`);
    return name;
  };
  const connectionString = setting(settingName);
  if (connectionString !== undefined) {
    // As in the extension, an EntityPath in the connection string wins over eventHubName.
    const entityPath = /(?:^|;)\s*EntityPath=([^;]+)/i.exec(connectionString)?.[1]?.trim();
    return { kind: 'connectionString', connectionString, eventHubName: hubName(entityPath) };
  }
  const fullyQualifiedNamespace = setting(`${settingName}__fullyQualifiedNamespace`);
  if (fullyQualifiedNamespace === undefined) {
    throw new Error(
      `Event Hubs function "${fn.name}": neither app setting "${settingName}" (a connection string) ` +
        `nor "${settingName}__fullyQualifiedNamespace" (an identity-based connection) is defined`,
    );
  }
  const clientId = setting(`${settingName}__clientId`);
  return {
    kind: 'identity',
    fullyQualifiedNamespace,
    eventHubName: hubName(undefined),
    credentialOptions: clientId ? { managedIdentityClientId: clientId } : {},
  };
}
