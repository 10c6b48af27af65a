import type { DurableClientBinding } from '@sluice/local-host';

export const WEBHOOK_PREFIX = '/runtime/webhooks/durabletask';
const ID = 'INSTANCEID';
/** Local webhooks need no key; the value only keeps URL shapes identical to the real host's. */
const CODE = 'code=local';

/**
 * The durableClient input value, shaped like the real extension's. rpcBaseUrl is what the Node
 * client actually calls; getClient() rewrites the other URLs to localhost:7071 unless
 * WEBSITE_HOSTNAME is set, so they only matter for createCheckStatusResponse links.
 */
export function buildClientBinding(origin: string, taskHub: string): DurableClientBinding {
  const base = `${origin.replace(/\/+$/, '')}${WEBHOOK_PREFIX}`;
  const query = `taskHub=${encodeURIComponent(taskHub)}&connection=Storage&${CODE}`;
  return {
    taskHubName: taskHub,
    creationUrls: {
      createNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?${CODE}`,
      createAndWaitOnNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${CODE}`,
    },
    managementUrls: {
      id: ID,
      statusQueryGetUri: `${base}/instances/${ID}?${query}`,
      sendEventPostUri: `${base}/instances/${ID}/raiseEvent/{eventName}?${query}`,
      terminatePostUri: `${base}/instances/${ID}/terminate?reason={text}&${query}`,
      rewindPostUri: `${base}/instances/${ID}/rewind?reason={text}&${query}`,
      purgeHistoryDeleteUri: `${base}/instances/${ID}?${query}`,
      restartPostUri: `${base}/instances/${ID}/restart?${query}`,
      suspendPostUri: `${base}/instances/${ID}/suspend?reason={text}&${query}`,
      resumePostUri: `${base}/instances/${ID}/resume?reason={text}&${query}`,
    },
    baseUrl: base,
    requiredQueryStringParameters: CODE,
    rpcBaseUrl: `${base}/`,
  };
}

/** The management links for one instance (the body of a 202 from start). */
export function managementPayload(binding: DurableClientBinding, instanceId: string): Record<string, string> {
  const payload: Record<string, string> = {};
  for (const [key, url] of Object.entries(binding.managementUrls)) {
    if (key === 'id') continue;
    payload[key] = url.replace(ID, encodeURIComponent(instanceId));
  }
  return { id: instanceId, ...payload };
}

/** host.json extensions.durableTask.hubName, or the extension's local default. */
export function resolveTaskHubName(hostJson: unknown, fallback = 'TestHubName'): string {
  const hub = (hostJson as { extensions?: { durableTask?: { hubName?: unknown } } } | undefined)?.extensions?.durableTask?.hubName;
  return typeof hub === 'string' && hub.length > 0 ? hub : fallback;
}
