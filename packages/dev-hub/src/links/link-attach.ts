import type { Sender, Receiver } from 'rhea';
import { Condition, HubError } from '../amqp-errors.js';

type Link = Sender | Receiver;

/** The service's limit on one message (an event or a whole batch). */
export const MAX_MESSAGE_SIZE = 1024 * 1024;

/** rhea builds our attach reply from `local.attach`; it is not in its typings, hence the narrow cast. */
function localAttach(link: Link): Record<string, unknown> {
  return (link as unknown as { local: { attach: Record<string, unknown> } }).local.attach;
}

/**
 * Completes an attach: echoes the peer's terminus (an attach with a null terminus means
 * refusal) and sets our fields, e.g. max_message_size, which the SDK's createBatch relies on.
 */
export function acceptAttach(link: Link, fields: Record<string, unknown> = {}): void {
  if (link.source) link.set_source(link.source);
  if (link.target) link.set_target(link.target);
  Object.assign(localAttach(link), { max_message_size: MAX_MESSAGE_SIZE }, fields);
}

/** Refuses an attach the AMQP way: attach with no terminus, then detach with the error. */
export function refuseAttach(link: Link, error: unknown): void {
  link.close(asHubError(error).toAmqp());
}

export function asHubError(error: unknown): HubError {
  if (error instanceof HubError) return error;
  return new HubError(Condition.internal, error instanceof Error ? error.message : String(error));
}

/** The address the peer attached to: the target of its sender or the source of its receiver. */
export function peerAddress(link: Link): string {
  const terminus = link.is_receiver() ? link.target : link.source;
  return typeof terminus?.address === 'string' ? terminus.address : '';
}

/** Capabilities arrive as one symbol or an array of them. */
export function hasCapability(value: string | string[] | undefined, capability: string): boolean {
  return Array.isArray(value) ? value.includes(capability) : value === capability;
}
