import type { Clock } from 'sluice';
import type { AppSettings } from './app-settings.js';
import type { HostJson } from './host-json.js';
import type { HttpMountHandler, Mount } from './http-server.js';
import type { InvocationInput, Invoke, RegisteredFunction } from './invoke.js';

/**
 * The seam between the local Functions host and a durable runtime, declared here once: the host
 * owns the extension point, the runtime (src/local/durable/) implements it and imports these
 * types, never the reverse.
 */
export type { HttpMountHandler, InvocationInput, Invoke, Mount, RegisteredFunction };

/** What the local host gives a durable runtime when it attaches. */
export interface DurableHostApi {
  /** Runs orchestrator, activity and entity functions (and any other). */
  invoke: Invoke;
  /** Every registered function; durable ones have orchestrationTrigger / activityTrigger / entityTrigger. */
  functions: readonly RegisteredFunction[];
  /** Serves e.g. `/runtime/webhooks/durabletask` on the host's HTTP server. */
  mount: Mount;
  /** The host's origin, e.g. http://127.0.0.1:7071, no trailing slash (for the client binding's URLs). */
  baseUrl: string;
  clock: Clock;
  settings: AppSettings;
  /** AzureWebJobsStorage. */
  storageConnectionString: string;
  /** host.json, for extensions.durableTask. */
  hostJson: HostJson;
}

/** The part of the host the runtime itself runs on; storage, clock and host.json configure it before. */
export type DurableRuntimeHost = Pick<DurableHostApi, 'invoke' | 'functions' | 'mount' | 'baseUrl'>;

/** What durable-functions' getClient() accepts as the `durableClient` input binding's value. */
export interface DurableClientBinding {
  taskHubName: string;
  creationUrls: Record<string, string>;
  managementUrls: Record<string, string>;
  baseUrl: string;
  requiredQueryStringParameters: string;
  rpcBaseUrl: string;
}

export interface DurableAttachment {
  /** The value of a `durableClient` input binding. */
  clientBinding(): DurableClientBinding;
  stop(): Promise<void>;
}

/** The durable runtime plugs in here; the host calls attach once its HTTP server is listening. */
export interface DurableExtension {
  attach(host: DurableHostApi): Promise<DurableAttachment>;
}
