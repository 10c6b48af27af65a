/** One session of a key while it is open: its extent, accumulator and record count. */
export interface Session<A> {
  start: number;
  end: number;
  acc: A;
  records: number;
}

/**
 * Merges a key's sessions: sorted by start, a session that starts at or before the end of the one
 * before it (a record at or before a session's end joins it) becomes one session from the first
 * start to the later end, its accumulators merged in time order. The input is the key's open
 * sessions plus this batch's new ones; the result never overlaps. `changed` tells which results
 * took in a changed input, for update mode.
 */
export function mergeSessions<A>(sessions: readonly (Session<A> & { changed: boolean })[], merge: (a: A, b: A) => A): (Session<A> & { changed: boolean })[] {
  const sorted = [...sessions].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: (Session<A> & { changed: boolean })[] = [];
  for (const s of sorted) {
    const current = out.at(-1);
    if (current && s.start <= current.end) {
      current.end = Math.max(current.end, s.end);
      current.acc = merge(current.acc, s.acc);
      current.records += s.records;
      current.changed ||= s.changed;
    } else {
      out.push({ ...s });
    }
  }
  return out;
}
