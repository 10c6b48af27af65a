import { KeyedMap } from '../dstream/keyed.js';
import type { MapSideCombine } from '../dstream/node.js';
import type { TaskSummary } from '../wal/wal-events.js';

/**
 * What a task leaves for the commit, as one JSON blob per task: the full batch of each record
 * node the commit reads, and the map-side combiners of each keyed node. Counters ride along so
 * the commit needs nothing from the orchestrator but the batch time.
 */
export interface Partial {
  readonly summary: TaskSummary;
  readonly startedAt: number;
  readonly records: Readonly<Record<string, unknown[]>>;
  readonly combined: Readonly<Record<string, [unknown, unknown][]>>;
}

export function encodePartial(partial: Partial): Uint8Array {
  return Buffer.from(JSON.stringify(partial), 'utf8');
}

export function decodePartial(data: Uint8Array): Partial {
  return JSON.parse(Buffer.from(data).toString('utf8')) as Partial;
}

/** Merges the tasks' partials in task order: records concatenate, combiners merge per key. */
export function mergePartials(partials: readonly Partial[], combines: ReadonlyMap<string, MapSideCombine>): {
  records: Map<string, unknown[]>;
  combined: Map<string, KeyedMap<unknown, unknown>>;
} {
  const records = new Map<string, unknown[]>();
  const combined = new Map<string, KeyedMap<unknown, unknown>>();
  for (const partial of partials) {
    for (const [node, list] of Object.entries(partial.records)) {
      const into = records.get(node);
      if (into) for (const r of list) into.push(r);
      else records.set(node, [...list]);
    }
    for (const [node, pairs] of Object.entries(partial.combined)) {
      const combine = combines.get(node);
      if (!combine) throw new Error(`partial has combiners for ${node}, which the pipeline does not have: was the pipeline changed mid-batch?`);
      const into = combined.get(node) ?? new KeyedMap<unknown, unknown>();
      for (const [k, c] of pairs) into.merge(k, c, combine.merge);
      combined.set(node, into);
    }
  }
  return { records, combined };
}
