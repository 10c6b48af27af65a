import type { IncomingMessage, ServerResponse } from 'node:http';
import { managementPayload, WEBHOOK_PREFIX } from './client-binding.js';
import { DurableApiError } from './durable-api-error.js';
import type { DurableClientBinding, HttpMountHandler } from '@sluice/local-host';
import type { RuntimeStatus } from './instance-store.js';
import type { DurableInstanceStatus, StatusOptions } from './instance-status.js';

export interface InstanceFilter {
  runtimeStatus?: RuntimeStatus[];
  createdTimeFrom?: number;
  createdTimeTo?: number;
  instanceIdPrefix?: string;
  showInput?: boolean;
}

/** The runtime operations the webhook API exposes. */
export interface WebhookBackend {
  startNew(name: string, instanceId: string | undefined, input: unknown): Promise<string>;
  getStatus(instanceId: string, options?: StatusOptions): Promise<DurableInstanceStatus | undefined>;
  listInstances(filter?: InstanceFilter): Promise<DurableInstanceStatus[]>;
  terminate(instanceId: string, reason: string): Promise<void>;
  raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<void>;
  purge(instanceId: string): Promise<number>;
  purgeBy(filter: InstanceFilter): Promise<number>;
}

const RUNNING: readonly RuntimeStatus[] = ['Pending', 'Running', 'ContinuedAsNew'];

/**
 * The subset of /runtime/webhooks/durabletask that durable-functions' DurableClient calls, with
 * the real extension's status codes: start 202 (409 for a running id), status 200/202/404,
 * terminate and raiseEvent 202/404/410, purge 200/404/412.
 */
export function createWebhookHandler(backend: WebhookBackend, binding: () => DurableClientBinding): HttpMountHandler {
  return async (req, res) => {
    try {
      await route(backend, binding, req, res);
    } catch (error) {
      if (error instanceof DurableApiError) send(res, error.status, { message: error.message });
      else send(res, 500, { message: 'Something went wrong while processing your request', exceptionMessage: (error as Error).message });
    }
  };
}

async function route(backend: WebhookBackend, binding: () => DurableClientBinding, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://local');
  const at = url.pathname.indexOf(WEBHOOK_PREFIX);
  const rest = at >= 0 ? url.pathname.slice(at + WEBHOOK_PREFIX.length) : url.pathname;
  const parts = rest.split('/').filter((p) => p.length > 0).map((p) => decodeURIComponent(p));
  const method = req.method ?? 'GET';
  const query = url.searchParams;

  if (parts[0] === 'orchestrators' && parts.length >= 2 && parts.length <= 3 && method === 'POST') {
    const input = await readJson(req);
    const id = await backend.startNew(parts[1]!, parts[2], input);
    const payload = managementPayload(binding(), id);
    send(res, 202, payload, { Location: payload.statusQueryGetUri ?? '', 'Retry-After': '10' });
    return;
  }
  if (parts[0] !== 'instances' || parts.length > 4) return send(res, 404, { message: `no durable API route for ${method} ${url.pathname}` });

  const id = parts[1];
  if (id === undefined) {
    if (method === 'GET') return send(res, 200, await backend.listInstances(readFilter(query)));
    if (method === 'DELETE') {
      const deleted = await backend.purgeBy(readFilter(query));
      return deleted > 0 ? send(res, 200, { instancesDeleted: deleted }) : send(res, 404, { message: 'no instances matched' });
    }
  } else if (parts.length === 2) {
    if (method === 'GET') {
      const status = await backend.getStatus(id, { showHistory: query.get('showHistory') === 'true', showInput: query.get('showInput') !== 'false' });
      if (!status) return send(res, 404, { message: `No instance with ID '${id}' found.` });
      if (RUNNING.includes(status.runtimeStatus)) return send(res, 202, status, { Location: url.href.replace('http://local', ''), 'Retry-After': '5' });
      const failedAs500 = status.runtimeStatus === 'Failed' && query.get('returnInternalServerErrorOnFailure') === 'true';
      return send(res, failedAs500 ? 500 : 200, status);
    }
    if (method === 'DELETE') {
      const deleted = await backend.purge(id);
      return deleted > 0 ? send(res, 200, { instancesDeleted: deleted }) : send(res, 404, { message: `No instance with ID '${id}' found.` });
    }
  } else if (method === 'POST' && parts[2] === 'terminate' && parts.length === 3) {
    await backend.terminate(id, query.get('reason') ?? '');
    return send(res, 202, undefined);
  } else if (method === 'POST' && parts[2] === 'raiseEvent' && parts.length === 4) {
    await backend.raiseEvent(id, parts[3]!, await readJson(req));
    return send(res, 202, undefined);
  } else if (method === 'POST' && ['rewind', 'restart', 'suspend', 'resume'].includes(parts[2] ?? '')) {
    return send(res, 501, { message: `${parts[2]} is not supported by the local durable runtime` });
  }
  send(res, 404, { message: `no durable API route for ${method} ${url.pathname}` });
}

function readFilter(query: URLSearchParams): InstanceFilter {
  const filter: InstanceFilter = {};
  const statuses = query.get('runtimeStatus');
  if (statuses) filter.runtimeStatus = statuses.split(',').filter((s) => s.length > 0) as RuntimeStatus[];
  const from = query.get('createdTimeFrom');
  if (from) filter.createdTimeFrom = Date.parse(from);
  const to = query.get('createdTimeTo');
  if (to) filter.createdTimeTo = Date.parse(to);
  const prefix = query.get('instanceIdPrefix');
  if (prefix) filter.instanceIdPrefix = prefix;
  if (query.get('showInput') === 'false') filter.showInput = false;
  return filter;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new DurableApiError(400, 'Invalid JSON content');
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { ...(text ? { 'Content-Type': 'application/json; charset=utf-8' } : {}), ...headers });
  res.end(text);
}
