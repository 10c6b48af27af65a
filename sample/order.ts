import { eventText, type ReceivedEvent } from 'sluice';

/** The second sample stream's event: an order, placed by a user whose page views are on the other hub. */
export interface Order {
  readonly id: string;
  readonly ts: number;
  readonly user: string;
  /** In cents, so sums stay exact. */
  readonly amountCents: number;
}

/** Decodes and validates an order; throwing sends the event to the dead-letter container. */
export function decodeOrder(event: ReceivedEvent): Order {
  const o = JSON.parse(eventText(event)) as Partial<Order> | null;
  if (typeof o !== 'object' || o === null) throw new TypeError('an order is a JSON object');
  for (const field of ['id', 'user'] as const) {
    if (typeof o[field] !== 'string' || o[field] === '') throw new TypeError(`order field "${field}" must be a non-empty string`);
  }
  if (!Number.isSafeInteger(o.amountCents) || o.amountCents! <= 0) throw new TypeError('order field "amountCents" must be a whole number > 0');
  if (typeof o.ts !== 'number' || !Number.isFinite(o.ts)) throw new TypeError('order field "ts" must be a number (ms since the epoch)');
  return o as Order;
}
