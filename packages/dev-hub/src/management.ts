import rhea from 'rhea';
import { Condition, HubError } from './amqp-errors.js';
import type { EventHub } from './event-hub.js';
import type { RequestInput, RequestReply } from './request-reply.js';
import { entityPathOf, pathCovers, verifySasToken, type SasKey } from './sas-auth.js';

/**
 * The $management node: READ of hub properties (`com.microsoft:eventhub`) and partition
 * properties (`com.microsoft:partition`). Each request carries its own SAS token.
 */
export function handleManagement(request: RequestInput, hubs: Map<string, EventHub>, key: SasKey, nowMs: number): RequestReply {
  const { operation, name, type, partition, security_token: token } = request.properties;
  if (operation !== 'READ') throw new HubError(Condition.notImplemented, `the $management node only supports READ, not "${String(operation)}"`);
  if (typeof name !== 'string') throw new HubError(Condition.argument, 'a READ request needs the event hub in the "name" property');
  const check = verifySasToken(token, key, nowMs);
  if (!check.ok) throw new HubError(Condition.unauthorized, `Unauthorized: ${check.reason}`);
  if (!pathCovers(entityPathOf(check.resource), name.toLowerCase())) {
    throw new HubError(Condition.unauthorized, `Unauthorized: the token for "${check.resource}" does not cover "${name}"`);
  }
  const hub = hubs.get(name.toLowerCase());
  if (!hub) throw new HubError(Condition.notFound, `The messaging entity '${name}' could not be found.`);
  if (type === 'com.microsoft:eventhub') {
    return ok({
      name: hub.name,
      type,
      created_at: rhea.types.wrap_timestamp(hub.createdAt),
      partition_count: hub.partitions.length,
      partition_ids: hub.partitionIds,
    });
  }
  if (type === 'com.microsoft:partition') {
    const id = String(partition);
    const s = hub.partition(id).state;
    return ok({
      name: hub.name,
      type,
      partition: id,
      begin_sequence_number: rhea.types.wrap_long(s.beginSequenceNumber),
      last_enqueued_sequence_number: rhea.types.wrap_long(s.lastSequenceNumber),
      last_enqueued_offset: s.lastOffset,
      last_enqueued_time_utc: rhea.types.wrap_timestamp(s.lastEnqueuedTime),
      is_partition_empty: s.isEmpty,
    });
  }
  throw new HubError(Condition.argument, `unknown entity type "${String(type)}" in a READ request`);
}

function ok(body: RequestReply['body']): RequestReply {
  return { status: 200, description: 'OK', body };
}
