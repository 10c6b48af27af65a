import type { IncomingMessage, ServerResponse } from 'node:http';

import type { InvocationInput, Invoke, RegisteredFunction } from '../host/invoke.js';

/** The attach point between the local Functions host and the durable runtime. */
export type { InvocationInput, Invoke, RegisteredFunction };

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface DurableHostAttachment {
  invoke: Invoke;
  functions: readonly RegisteredFunction[];
  /** Serves handler for every request whose path starts with prefix. */
  mount(prefix: string, handler: RouteHandler): void | Promise<void>;
  /** Origin of the host's HTTP server, e.g. http://127.0.0.1:7071 (no trailing slash). */
  baseUrl: string;
}

export interface AttachedDurable {
  /** Value of the `durableClient` extra input for client functions. */
  clientBinding(): DurableClientBinding;
  stop(): Promise<void>;
}

/** What durable-functions' getClient() accepts as the durableClient input. */
export interface DurableClientBinding {
  taskHubName: string;
  creationUrls: Record<string, string>;
  managementUrls: Record<string, string>;
  baseUrl: string;
  requiredQueryStringParameters: string;
  rpcBaseUrl: string;
}
