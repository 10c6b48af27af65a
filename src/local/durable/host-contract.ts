import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The attach point between the local Functions host and the durable runtime. These types mirror
 * src/local/host/invoke.ts structurally, so this folder builds without the host being finished.
 */
export interface InvocationInput {
  triggerValue: unknown;
  triggerMetadata?: Record<string, unknown>;
  extraInputs?: Record<string, unknown>;
}

export interface RegisteredFunction {
  name: string;
  metadata: unknown;
  trigger: { type: string; name: string; [k: string]: unknown };
}

/** Calls a registered function; resolves with its return value, rejects with its error. */
export type Invoke = (functionName: string, input: InvocationInput) => Promise<unknown>;

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
