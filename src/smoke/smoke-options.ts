import { parseDuration } from '../config/duration.js';
import { SETTINGS } from '../config/settings.js';

/** Where the deployed stream is, and how to reach it: Entra ID or connection strings. */
export type SmokeTarget =
  | { readonly kind: 'identity'; readonly namespace: string; readonly hub: string; readonly storageAccount: string }
  | { readonly kind: 'connectionString'; readonly eventHubConnection: string; readonly storageConnection: string; readonly hub: string };

export interface SmokeOptions {
  readonly target: SmokeTarget;
  /** The Function app's base URL (https://<app>.azurewebsites.net); the status API is checked when given. */
  readonly appUrl?: string;
  /** A function key for the status API (Azure guards it with authLevel function). */
  readonly functionKey?: string;
  readonly stream: string;
  readonly seed: number;
  /** Page views in the seeded workload. */
  readonly count: number;
  readonly timeoutMs: number;
}

export const SMOKE_USAGE = `Usage: npm run smoke -- <options>
  Entra ID (DefaultAzureCredential):
    --app-url <url> --namespace <fqdn> --hub <name> --storage-account <name>
  or connection strings:
    --eventhub-connection <cs> --storage-connection <cs> [--hub <name>] [--app-url <url>]
  and:
    --stream <name>        the stream (SLUICE_STREAM_NAME; default ${SETTINGS.streamName.default})
    --seed <n>             seed of the workload (default 1)
    --count <n>            page views in the workload (default 200)
    --timeout <duration>   how long to wait for the batches, e.g. 5m (default 5m)
    --function-key <key>   key for the status API (or SMOKE_FUNCTION_KEY)`;

/** Parses `--name value` pairs; every problem names the option, the value and the rule. */
export function parseSmokeOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): SmokeOptions {
  const given = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i]!;
    const value = argv[i + 1];
    if (!name.startsWith('--')) throw new Error(`unexpected argument "${name}": options are --name value pairs\n${SMOKE_USAGE}`);
    if (value === undefined || value.startsWith('--')) throw new Error(`option ${name} needs a value\n${SMOKE_USAGE}`);
    if (!KNOWN.has(name)) throw new Error(`unknown option ${name}\n${SMOKE_USAGE}`);
    given.set(name, value);
  }
  const opt = (name: string): string | undefined => given.get(name);
  const int = (name: string, def: number, min: number): number => {
    const raw = opt(name);
    if (raw === undefined) return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} ${JSON.stringify(raw)} is invalid: an integer of at least ${min}`);
    return n;
  };
  const timeoutRaw = opt('--timeout') ?? '5m';
  const timeoutMs = parseDuration(timeoutRaw);
  if (timeoutMs === undefined || timeoutMs <= 0) throw new Error(`--timeout ${JSON.stringify(timeoutRaw)} is invalid: a duration such as 90s or 5m`);
  const hub = opt('--hub');
  let target: SmokeTarget;
  if (opt('--eventhub-connection') !== undefined || opt('--storage-connection') !== undefined) {
    const eventHubConnection = required(opt, '--eventhub-connection');
    const storageConnection = required(opt, '--storage-connection');
    const entityPath = /(?:^|;)\s*EntityPath=([^;]+)/i.exec(eventHubConnection)?.[1]?.trim();
    target = { kind: 'connectionString', eventHubConnection, storageConnection, hub: entityPath ?? hub ?? SETTINGS.eventHubName.default };
  } else {
    target = { kind: 'identity', namespace: required(opt, '--namespace'), hub: required(opt, '--hub'), storageAccount: required(opt, '--storage-account') };
    required(opt, '--app-url');
  }
  const appUrl = opt('--app-url');
  if (appUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(appUrl)) throw new Error(`--app-url ${JSON.stringify(appUrl)} is invalid: an http(s) URL such as https://myapp.azurewebsites.net`);
  const functionKey = opt('--function-key') ?? env['SMOKE_FUNCTION_KEY'];
  return {
    target,
    ...(appUrl !== undefined && { appUrl: appUrl.replace(/\/+$/, '') }),
    ...(functionKey && { functionKey }),
    stream: opt('--stream') ?? SETTINGS.streamName.default,
    seed: int('--seed', 1, 0),
    count: int('--count', 200, 1),
    timeoutMs,
  };
}

const KNOWN = new Set([
  '--app-url', '--namespace', '--hub', '--storage-account', '--eventhub-connection', '--storage-connection',
  '--stream', '--seed', '--count', '--timeout', '--function-key',
]);

function required(opt: (name: string) => string | undefined, name: string): string {
  const value = opt(name);
  if (value === undefined || value.trim() === '') {
    throw new Error(`option ${name} is required: give --app-url, --namespace, --hub and --storage-account (Entra ID), or --eventhub-connection and --storage-connection\n${SMOKE_USAGE}`);
  }
  return value;
}
