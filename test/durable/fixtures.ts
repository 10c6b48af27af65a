import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { InvocationContext } from '@azure/functions';
import type { OrchestrationHandler } from 'durable-functions';
import type { DurableRuntimeHost, HttpMountHandler, Invoke, RegisteredFunction } from '#local-host/durable-extension-point.js';

/** Test-only stand-in for the local host: named orchestrators and activities, invoked in process. */

type HostHandler = (triggerValue: unknown, context: InvocationContext) => Promise<unknown> | unknown;

const require = createRequire(import.meta.url);
// Both packages are CommonJS without named-export hints, so ESM imports of their classes fail.
export const functionsLib = require('@azure/functions') as typeof import('@azure/functions');
export const durableLib = require('durable-functions') as typeof import('durable-functions');
// The package has no exports map and no typings for this module; the handler is what the host calls.
const { createOrchestrator } = require('durable-functions/lib/src/util/testingUtils') as {
  createOrchestrator: (fn: OrchestrationHandler) => HostHandler;
};

export class TestFunctions {
  readonly functions: RegisteredFunction[] = [];
  private readonly handlers = new Map<string, HostHandler>();

  orchestration(name: string, fn: OrchestrationHandler): this {
    return this.add(name, 'orchestrationTrigger', createOrchestrator(fn));
  }

  activity(name: string, fn: (input: unknown) => Promise<unknown> | unknown): this {
    return this.add(name, 'activityTrigger', (input) => fn(input));
  }

  /** A new InvocationContext per call, as the real host gives one per invocation. */
  readonly invoke: Invoke = async (functionName, input) => {
    const handler = this.handlers.get(functionName);
    if (!handler) throw new Error(`no test function ${functionName}`);
    const context = new functionsLib.InvocationContext({ functionName, invocationId: `${functionName}-${Math.random()}`, logHandler: () => undefined });
    return handler(input.triggerValue, context);
  };

  private add(name: string, type: string, handler: HostHandler): this {
    this.functions.push({ name, metadata: { name, bindings: {} }, trigger: { type, name: 'context' } });
    this.handlers.set(name, handler);
    return this;
  }
}

/** A loopback HTTP server with the host's mount(prefix, handler) contract. */
export interface TestServer {
  baseUrl: string;
  mount(prefix: string, handler: HttpMountHandler): void;
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const routes: { prefix: string; handler: HttpMountHandler }[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const route = routes.find((r) => (req.url ?? '').startsWith(r.prefix));
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    Promise.resolve(route.handler(req, res)).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    mount: (prefix, handler) => void routes.push({ prefix, handler }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export function hostFor(fns: TestFunctions, server: TestServer): DurableRuntimeHost {
  return { invoke: fns.invoke, functions: fns.functions, mount: server.mount, baseUrl: server.baseUrl };
}

/** A promise with its resolve function, for activities that block until a test releases them. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

let hubCounter = 0;
/** A task hub name unique within the process, so tests sharing one Azurite do not meet. */
export function uniqueHub(prefix = 'Hub'): string {
  hubCounter += 1;
  return `${prefix}${process.pid}x${hubCounter}`;
}

export function countEvents(history: readonly { EventType: number }[], type: number): number {
  return history.filter((e) => e.EventType === type).length;
}

export const TERMINAL = new Set(['Completed', 'Failed', 'Terminated']);
