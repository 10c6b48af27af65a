import type { StreamNode } from '../node.js';
import type { StreamGraph } from '../stream-graph.js';
import { narrowNode } from './narrow-node.js';

export function flatMapNode<T, U>(graph: StreamGraph, parent: StreamNode, fn: (record: T) => Iterable<U>): StreamNode {
  return narrowNode(graph, parent, 'flatMap', (r, emit) => {
    for (const out of fn(r as T)) emit(out);
  });
}
