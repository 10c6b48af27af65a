import { Condition, HubError } from './amqp-errors.js';
import type { ConnectionGrants } from './connection-grants.js';
import type { RequestInput, RequestReply } from './request-reply.js';
import { entityPathOf, pathCovers, verifySasToken, type SasKey } from './sas-auth.js';

export const SAS_TOKEN_TYPE = 'servicebus.windows.net:sastoken';

/**
 * Claims-based security: a put-token request proves access to an audience (an entity URI)
 * with a SAS token; the connection may then attach links under that entity until it expires.
 */
export function handlePutToken(request: RequestInput, key: SasKey, nowMs: number, grants: ConnectionGrants): RequestReply {
  const { operation, name, type } = request.properties;
  if (operation !== 'put-token') {
    throw new HubError(Condition.notImplemented, `the $cbs node only supports put-token, not "${String(operation)}"`);
  }
  if (type !== SAS_TOKEN_TYPE) {
    throw new HubError(Condition.unauthorized, `the dev hub accepts only SAS tokens (type "${SAS_TOKEN_TYPE}"), not "${String(type)}"`);
  }
  if (typeof name !== 'string') throw new HubError(Condition.argument, 'put-token needs the audience in the "name" property');
  const token = typeof request.body === 'string' ? request.body : Buffer.isBuffer(request.body) ? request.body.toString('utf8') : request.body;
  const check = verifySasToken(token, key, nowMs);
  if (!check.ok) throw new HubError(Condition.unauthorized, `Unauthorized: ${check.reason}`);
  const audience = entityPathOf(name);
  if (!pathCovers(entityPathOf(check.resource), audience)) {
    throw new HubError(Condition.unauthorized, `Unauthorized: the token for "${check.resource}" does not cover "${name}"`);
  }
  grants.grant(audience, check.expiresAtMs);
  return { status: 202, description: 'Accepted' };
}
