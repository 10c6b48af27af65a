import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compileRoute, type CompiledRoute } from './http-route.js';
import type { RpcHttpCookie, RpcHttpData, RpcInvocationResponse } from './functions-core-types.js';
import type { HostLog } from './host-log.js';
import { errorMessage, type InvokeDetailed, type RegisteredFunction } from './invoke.js';

/** A request handler another component serves under a path prefix (e.g. durable webhooks). */
export type HttpMountHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
/** Serves `handler` for paths equal to or below `prefix` (the longest mounted prefix wins). */
export type Mount = (prefix: string, handler: HttpMountHandler) => void;

export interface HttpServerOptions {
  /** 7071 like Core Tools; 0 picks a free port. */
  port?: number;
  /** Loopback by default. */
  hostname?: string;
  /** host.json extensions.http.routePrefix; "api" by default. */
  routePrefix?: string;
  /** Only the HTTP-triggered ones are served; others are ignored. */
  functions: readonly RegisteredFunction[];
  invokeDetailed: InvokeDetailed;
  log: HostLog;
}

export interface LocalHttpServer {
  readonly port: number;
  readonly url: string;
  mount: Mount;
  unmount(prefix: string): void;
  close(): Promise<void>;
}

interface HttpFunctionRoute {
  functionName: string;
  route: CompiledRoute;
  /** Upper-case; undefined accepts every method. */
  methods: Set<string> | undefined;
}

function httpRoutes(functions: readonly RegisteredFunction[], routePrefix: string): HttpFunctionRoute[] {
  return functions
    .filter((f) => f.trigger.type.toLowerCase() === 'httptrigger')
    .map((f) => {
      const route = typeof f.trigger.route === 'string' ? f.trigger.route : f.name;
      const methods = Array.isArray(f.trigger.methods) && f.trigger.methods.length > 0
        ? new Set(f.trigger.methods.map((m) => String(m).toUpperCase()))
        : undefined;
      return { functionName: f.name, route: compileRoute(routePrefix, route), methods };
    })
    .sort((a, b) => b.route.precedence - a.route.precedence);
}

export async function startHttpServer(options: HttpServerOptions): Promise<LocalHttpServer> {
  const routes = httpRoutes(options.functions, options.routePrefix ?? 'api');
  const mounts = new Map<string, HttpMountHandler>();

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      options.log(`[host] HTTP ${req.method} ${req.url} failed: ${errorMessage(error)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? `localhost:${port}`}`);
    const mounted = findMount(url.pathname);
    if (mounted) {
      await mounted(req, res);
      return;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    for (const candidate of routes) {
      const params = candidate.route.match(url.pathname);
      // The host answers 404 for a method the function does not accept, so keep looking.
      if (!params || (candidate.methods && !candidate.methods.has(method))) continue;
      await serveFunction(candidate.functionName, params, url, req, res);
      return;
    }
    res.writeHead(404).end();
  }

  function findMount(pathname: string): HttpMountHandler | undefined {
    let best: { prefix: string; handler: HttpMountHandler } | undefined;
    for (const [prefix, handler] of mounts) {
      const under = pathname === prefix || pathname.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
      if (under && (!best || prefix.length > best.prefix.length)) best = { prefix, handler };
    }
    return best?.handler;
  }

  async function serveFunction(
    functionName: string,
    params: Record<string, string>,
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const body = await readBody(req);
    const request: RpcHttpData = {
      method: req.method ?? 'GET',
      url: url.toString(),
      headers: flattenHeaders(req),
      query: flattenQuery(url.searchParams),
      params,
      body: body.length > 0 ? { bytes: body } : null,
    };
    let response: RpcInvocationResponse;
    try {
      response = (await options.invokeDetailed(functionName, { triggerValue: request })).response;
    } catch {
      // The invoker already printed the failure; the host answers a bare 500.
      res.writeHead(500).end();
      return;
    }
    writeResponse(res, httpOutputOf(response));
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 7071, options.hostname ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });

  return {
    port,
    url: `http://${options.hostname && options.hostname !== '0.0.0.0' ? options.hostname : '127.0.0.1'}:${port}`,
    mount(prefix, handler) {
      const normalized = normalizePrefix(prefix);
      if (mounts.has(normalized)) throw new Error(`An HTTP handler is already mounted at ${normalized}`);
      mounts.set(normalized, handler);
    },
    unmount(prefix) {
      mounts.delete(normalizePrefix(prefix));
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets would hold close() open; nothing new is accepted by now.
        server.closeAllConnections();
      }),
  };
}

function normalizePrefix(prefix: string): string {
  return `/${prefix.replace(/^\/+/, '')}`.replace(/(.)\/+$/, '$1');
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** Repeated query keys are joined with commas, as the host does. */
function flattenQuery(params: URLSearchParams): Record<string, string> {
  const query: Record<string, string> = {};
  for (const key of new Set(params.keys())) query[key] = params.getAll(key).join(',');
  return query;
}

/** The HTTP output: the return value when `$return` is HTTP, else the first HTTP output binding. */
function httpOutputOf(response: RpcInvocationResponse): RpcHttpData | undefined {
  if (response.returnValue?.http) return response.returnValue.http;
  return response.outputData?.find((o) => o.data?.http)?.data?.http ?? undefined;
}

function writeResponse(res: ServerResponse, http: RpcHttpData | undefined): void {
  if (!http) {
    res.writeHead(204).end();
    return;
  }
  const status = Number(http.statusCode ?? 200) || 200;
  for (const [name, value] of Object.entries(http.headers ?? {})) res.setHeader(name, value);
  const cookies = (http.cookies ?? []).map(serializeCookie);
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  const body = http.body?.bytes ?? (typeof http.body?.string === 'string' ? Buffer.from(http.body.string) : undefined);
  res.writeHead(status);
  res.end(body && body.length > 0 ? Buffer.from(body) : undefined);
}

function serializeCookie(cookie: RpcHttpCookie): string {
  const parts = [`${cookie.name ?? ''}=${cookie.value ?? ''}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  const expires = cookie.expires?.value?.seconds;
  if (expires !== undefined && expires !== null) parts.push(`Expires=${new Date(Number(expires) * 1000).toUTCString()}`);
  if (cookie.maxAge?.value !== undefined && cookie.maxAge.value !== null) parts.push(`Max-Age=${cookie.maxAge.value}`);
  if (cookie.secure?.value) parts.push('Secure');
  if (cookie.httpOnly?.value) parts.push('HttpOnly');
  const sameSite = { lax: 'Lax', strict: 'Strict', explicitNone: 'None', none: undefined }[cookie.sameSite ?? 'none'];
  if (sameSite) parts.push(`SameSite=${sameSite}`);
  return parts.join('; ');
}
