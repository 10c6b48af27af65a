import type { StreamNode } from '../node.js';
import type { StreamGraph } from '../stream-graph.js';
import { cogroupNode } from './cogroup.js';
import { narrowNode } from './narrow-node.js';

export type JoinKind = 'inner' | 'leftOuter' | 'rightOuter' | 'fullOuter';

/**
 * Spark's join, leftOuterJoin, rightOuterJoin and fullOuterJoin of two pair streams, batch by
 * batch: every pairing of a key's values, [k, [v, w]]. An outer side with no value is null.
 */
export function joinNode(graph: StreamGraph, left: StreamNode, right: StreamNode, kind: JoinKind): StreamNode {
  const padLeft = kind === 'rightOuter' || kind === 'fullOuter';
  const padRight = kind === 'leftOuter' || kind === 'fullOuter';
  return narrowNode(graph, cogroupNode(graph, [left, right]), `${kind}Join`, (record, emit) => {
    const [key, [vs, ws]] = record as [unknown, [unknown[], unknown[]]];
    const lefts = vs.length ? vs : padLeft ? [null] : [];
    const rights = ws.length ? ws : padRight ? [null] : [];
    for (const v of lefts) for (const w of rights) emit([key, [v, w]]);
  });
}
