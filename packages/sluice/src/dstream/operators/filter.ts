import type { StreamNode } from '../node.js';
import type { StreamGraph } from '../stream-graph.js';
import { narrowNode } from './narrow-node.js';

export function filterNode<T>(graph: StreamGraph, parent: StreamNode, predicate: (record: T) => boolean): StreamNode {
  return narrowNode(graph, parent, 'filter', (r, emit) => {
    if (predicate(r as T)) emit(r);
  });
}
