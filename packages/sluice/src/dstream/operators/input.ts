import type { ReceivedEvent } from '../../receiver/received-event.js';
import type { StreamNode } from '../node.js';
import type { StreamGraph } from '../stream-graph.js';

/** Decodes an event body as UTF-8 JSON: the default for Event Hubs inputs. */
export function decodeJson(event: ReceivedEvent): unknown {
  const text = typeof event.body === 'string' ? event.body : new TextDecoder('utf-8', { fatal: true }).decode(event.body);
  return JSON.parse(text);
}

export function inputNode(graph: StreamGraph, source: string, decode: (event: ReceivedEvent) => unknown): StreamNode {
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(source)) throw new RangeError(`source name ${JSON.stringify(source)} must be 1 to 40 lowercase letters, digits or hyphens`);
  if (graph.inputs.some((n) => n.source === source)) throw new RangeError(`source "${source}" already has an input stream; reuse it`);
  return graph.add({ id: graph.nextId('input'), kind: 'input', parents: [], placement: 'record', slideMs: graph.batchIntervalMs, source, decode });
}
