import type { Clock } from '../util/clock.js';
import { batchDetail } from './batch-detail.js';
import { batchPage } from './batch-pages.js';
import { deadLetterReport } from './dead-letters.js';
import { APP_CSS } from './page/app-css.js';
import { APP_ICON } from './page/app-icon.js';
import { browserModule } from './page/browser-modules.js';
import { indexPageHtml, streamPageHtml } from './page/page-html.js';
import { receiverReport } from './receivers.js';
import { BadParameterError, NotFoundError } from './status-errors.js';
import { batchTime, beforeParam, DEFAULT_BATCH_PAGE, DEFAULT_DEAD_LETTERS, limitParam, MAX_BATCH_PAGE, MAX_DEAD_LETTERS } from './status-params.js';
import type { StreamHandle } from './status-ports.js';
import { asset, errorResponse, json, methodNotAllowed, page, type StatusResponse } from './status-response.js';
import { streamIndex } from './stream-index.js';
import { streamStatus } from './stream-status.js';

export type { StatusResponse } from './status-response.js';

export interface StatusRequest {
  method: string;
  /** The URL path, including the /api prefix, e.g. /api/streams/orders/batches. */
  path: string;
  query: URLSearchParams;
}

export type StatusApi = (req: StatusRequest) => Promise<StatusResponse>;

export interface StatusApiOptions {
  /** The streams to show, asked on every request so streams can come and go. */
  streams: () => StreamHandle[];
  clock: Clock;
}

const BASE = '/api';

/**
 * The status page's HTTP handler: JSON routes under /api/streams, the pages at /api/ui and
 * /api/streams/{name}/ui, and their assets (stylesheet, icon, the script's ES modules).
 * Framework-free so the Functions app, the local host and the tests serve the same thing.
 */
export function createStatusApi(options: StatusApiOptions): StatusApi {
  return async (req) => {
    const method = req.method.toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(method);
    let response: StatusResponse;
    try {
      response = await route(options, segmentsOf(req.path), req.query);
    } catch (err) {
      response = errorResponse(err);
    }
    return method === 'HEAD' ? { ...response, body: '' } : response;
  };
}

async function route(options: StatusApiOptions, segments: string[], query: URLSearchParams): Promise<StatusResponse> {
  const [api, area, name, view, ...rest] = segments;
  if (api !== BASE.slice(1)) throw new NotFoundError(`no status route at /${segments.join('/')}: routes start with ${BASE}/`);
  if (area === 'ui' && name === undefined) return page(indexPageHtml({ api: BASE, assets: `${BASE}/ui`, ...keyOf(query) }));
  if (area === 'ui' && view === undefined) return staticAsset(name!, query);
  if (area !== 'streams') throw new NotFoundError(`no status route at /${segments.join('/')}`);
  if (name === undefined) return json(200, { streams: await streamIndex(options.streams(), BASE) });

  const handle = options.streams().find((s) => s.name === name);
  if (!handle) throw new NotFoundError(`no stream named "${name}"; GET ${BASE}/streams lists them`);
  const self = `${BASE}/streams/${encodeURIComponent(handle.name)}`;
  switch (view) {
    case undefined:
      return json(200, await streamStatus(handle, options.clock));
    case 'batches':
      if (rest.length === 0) return json(200, await batchPage(handle, { ...optional('before', beforeParam(query)), limit: limitParam(query, DEFAULT_BATCH_PAGE, MAX_BATCH_PAGE) }));
      if (rest.length === 1) return json(200, await batchDetail(handle, batchTime('time', rest[0]!)));
      break;
    case 'receivers':
      if (rest.length === 0) return json(200, await receiverReport(handle));
      break;
    case 'deadletters':
      if (rest.length === 0) return json(200, await deadLetterReport(handle, limitParam(query, DEFAULT_DEAD_LETTERS, MAX_DEAD_LETTERS)));
      break;
    case 'ui':
      if (rest.length === 0) return page(streamPageHtml({ name: handle.name, api: self, assets: `${self}/ui`, index: `${BASE}/ui`, ...keyOf(query) }));
      if (rest.length === 1) return staticAsset(rest[0]!, query);
      break;
  }
  throw new NotFoundError(`no status route at /${segments.join('/')}`);
}

function staticAsset(file: string, query: URLSearchParams): StatusResponse {
  if (file === 'app.css') return asset('text/css', APP_CSS);
  if (file === 'icon.svg') return asset('image/svg+xml', APP_ICON);
  const module = browserModule(file, keyOf(query).key);
  if (module !== undefined) return asset('text/javascript', module);
  throw new NotFoundError(`no page asset named "${file}"`);
}

/** Path segments, percent-decoded; empty segments (a trailing slash) are ignored. */
function segmentsOf(path: string): string[] {
  return path.split('?')[0]!.split('/').filter((s) => s !== '').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new BadParameterError('path', s, 'must be valid percent-encoded UTF-8');
    }
  });
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function keyOf(query: URLSearchParams): { key?: string } {
  const key = query.get('code');
  return key ? { key } : {};
}
