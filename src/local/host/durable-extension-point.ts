import type { Clock } from '../../util/clock.js';
import type { AppSettings } from './app-settings.js';
import type { HostJson } from './host-json.js';
import type { Mount } from './http-server.js';
import type { Invoke, RegisteredFunction } from './invoke.js';

/** What the local host gives a durable runtime when it attaches. */
export interface DurableHostApi {
  /** Runs orchestrator, activity and entity functions (and any other). */
  invoke: Invoke;
  /** Every registered function; durable ones have orchestrationTrigger / activityTrigger / entityTrigger. */
  functions: readonly RegisteredFunction[];
  /** Serves e.g. `/runtime/webhooks/durabletask` on the host's HTTP server. */
  mount: Mount;
  /** The host's origin, e.g. http://127.0.0.1:7071 (for the client binding's URLs). */
  baseUrl: string;
  clock: Clock;
  settings: AppSettings;
  /** AzureWebJobsStorage. */
  storageConnectionString: string;
  /** host.json, for extensions.durableTask. */
  hostJson: HostJson;
}

export interface DurableAttachment {
  /** The value of a `durableClient` input binding (taskHubName, creationUrls, managementUrls, ...). */
  clientBinding(): unknown;
  stop(): Promise<void>;
}

/** The durable runtime plugs in here; the host calls attach once its HTTP server is listening. */
export interface DurableExtension {
  attach(host: DurableHostApi): Promise<DurableAttachment>;
}
