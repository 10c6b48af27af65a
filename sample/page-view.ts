import type { ReceivedEvent } from 'sluice';

/** The sample stream's event: a page view, as the producer CLI sends it. */
export interface PageView {
  readonly id: string;
  readonly ts: number;
  readonly user: string;
  readonly page: string;
  readonly country: string;
  readonly device: string;
  readonly durationMs: number;
}

/** Strict UTF-8 (a byte-order mark is dropped), made once: building a decoder per event is costly. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes and validates a page view; throwing sends the event to the dead-letter container. */
export function decodePageView(event: ReceivedEvent): PageView {
  const text = typeof event.body === 'string' ? event.body : utf8.decode(event.body);
  const v = JSON.parse(text) as Partial<PageView> | null;
  if (typeof v !== 'object' || v === null) throw new TypeError('a page view is a JSON object');
  for (const field of ['user', 'page', 'country'] as const) {
    if (typeof v[field] !== 'string' || v[field] === '') throw new TypeError(`page view field "${field}" must be a non-empty string`);
  }
  if (typeof v.durationMs !== 'number' || !(v.durationMs >= 0)) throw new TypeError('page view field "durationMs" must be a number >= 0');
  return v as PageView;
}
