import { resolveBindingSettings, type AppSettings } from './app-settings.js';
import type { FunctionRegistration, FunctionRegistry } from './function-registry.js';
import type { RpcBindingInfo } from './functions-core-types.js';
import type { RegisteredFunction } from './invoke.js';

function isTriggerType(type: unknown): type is string {
  return typeof type === 'string' && /trigger$/i.test(type);
}

/** The trigger binding as registered (name attached, settings not yet resolved). */
export function rawTriggerOf(registration: FunctionRegistration): RegisteredFunction['trigger'] {
  const entries = Object.entries(registration.metadata.bindings ?? {});
  const found = entries.find(([, binding]) => isTriggerType(binding.type));
  if (!found) throw new Error(`Function "${registration.metadata.name}" has no trigger binding`);
  const [name, binding] = found;
  return { ...(binding as RpcBindingInfo), type: binding.type as string, name };
}

/** The app's functions with their triggers' `%SETTING%` references resolved against `settings`. */
export function registeredFunctions(registry: FunctionRegistry, settings: AppSettings): RegisteredFunction[] {
  return registry.list().map((registration) => {
    const name = registration.metadata.name;
    const trigger = resolveBindingSettings(rawTriggerOf(registration), settings, `Function "${name}" trigger`);
    return { name, metadata: registration.metadata, trigger };
  });
}

/**
 * Whether an app setting turns a function's trigger off on this instance, as the real host decides
 * it (Azure/azure-webjobs-sdk, src/Microsoft.Azure.WebJobs.Host/Listeners/HostListenerFactory.cs,
 * `IsDisabled`): `AzureWebJobs.<name>.Disabled`, or `AzureWebJobs_<name>_Disabled` where
 * environment names cannot hold dots (Linux), whose value is "1" or "true" in any case
 * (src/Microsoft.Azure.WebJobs.Host/Extensions/IConfigurationExtensions.cs, `IsSettingEnabled`).
 * Anything else, " true" included, leaves the function enabled.
 */
export function isFunctionDisabled(name: string, settings: AppSettings): boolean {
  return [`AzureWebJobs.${name}.Disabled`, `AzureWebJobs_${name}_Disabled`].some((key) => {
    const value = settings[key]?.toLowerCase();
    return value === '1' || value === 'true';
  });
}

/** Names of a function's input bindings of a given type (e.g. "durableClient"). */
export function inputBindingNames(fn: RegisteredFunction, type: string): string[] {
  return Object.entries(fn.metadata.bindings)
    .filter(([, b]) => b.direction === 'in' && typeof b.type === 'string' && b.type.toLowerCase() === type.toLowerCase())
    .map(([name]) => name);
}

/** One human line: name, trigger type and what drives it (route, schedule or hub). */
export function describeFunction(fn: Pick<RegisteredFunction, 'name' | 'trigger'>, routePrefix = 'api'): string {
  const t = fn.trigger;
  const type = t.type.toLowerCase();
  let detail = '';
  if (type === 'httptrigger') {
    const methods = Array.isArray(t.methods) && t.methods.length > 0 ? t.methods.join(',') : 'ALL';
    const route = typeof t.route === 'string' ? t.route : fn.name;
    detail = ` ${methods} /${[routePrefix, route].filter(Boolean).join('/')}`;
  } else if (type === 'timertrigger') {
    detail = ` schedule=${String(t.schedule)}${t.runOnStartup ? ' runOnStartup' : ''}`;
  } else if (type === 'eventhubtrigger') {
    detail = ` hub=${String(t.eventHubName)} consumerGroup=${String(t.consumerGroup ?? '$Default')} cardinality=${String(t.cardinality ?? 'one')}`;
  }
  return `${fn.name}: [${t.type}]${detail}`;
}
