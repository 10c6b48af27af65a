import type { StreamNode } from '../node.js';
import type { StreamGraph } from '../stream-graph.js';
import { narrowNode } from './narrow-node.js';

export function mapNode<T, U>(graph: StreamGraph, parent: StreamNode, fn: (record: T) => U): StreamNode {
  return narrowNode(graph, parent, 'map', (r, emit) => emit(fn(r as T)));
}
