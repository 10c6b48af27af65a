import { sampleEvents } from '#dev/sample-events.js';

/** What a seeded producer run sent, recomputed from the seed: the expected outputs. */
export interface Workload {
  perPage: Map<string, number>;
  perUser: Map<string, number>;
  valid: number;
  /** Bodies of the malformed events, sorted. */
  malformedBodies: string[];
}

/** The first `sent` events of sampleEvents({ seed, malformedEvery }), as produce() sends them. */
export function expectedWorkload(seed: number, sent: number, malformedEvery: number): Workload {
  const out: Workload = { perPage: new Map(), perUser: new Map(), valid: 0, malformedBodies: [] };
  let n = 0;
  for (const { body, pageView } of sampleEvents({ seed, malformedEvery })) {
    if (n++ >= sent) break;
    if (!pageView) {
      out.malformedBodies.push(body);
      continue;
    }
    out.valid++;
    out.perPage.set(pageView.page, (out.perPage.get(pageView.page) ?? 0) + 1);
    out.perUser.set(pageView.user, (out.perUser.get(pageView.user) ?? 0) + 1);
  }
  out.malformedBodies.sort();
  return out;
}

/** A map as sorted entries, so assert.deepEqual shows a readable difference. */
export const sorted = (m: ReadonlyMap<string, number>): [string, number][] => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
