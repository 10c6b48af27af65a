import type { ReceivedEvent } from '#sluice/receiver/received-event.js';

/** ~200-byte JSON page views at `ratePerSecond`, enqueued-time spaced, for one partition. */
export function syntheticEvents(partition: number, count: number, ratePerSecond: number, startSeq = 0, keys = 1000): ReceivedEvent[] {
  const out: ReceivedEvent[] = [];
  for (let i = 0; i < count; i++) {
    const seq = startSeq + i;
    const body = JSON.stringify({ id: `${partition}-${seq}`, user: `u${(seq * 7919 + partition) % keys}`, page: `/products/${seq % 97}`, country: 'NL', device: seq % 3 ? 'mobile' : 'desktop', durationMs: (seq * 31) % 5000, ref: 'https://example.com/campaign/autumn' });
    out.push({ body, sequenceNumber: seq, offset: String(seq * 256), enqueuedTime: Math.floor((seq * 1000) / ratePerSecond) });
  }
  return out;
}
