import { byId, setAttr, setText } from './dom.js';
import { fmtClock } from './format.js';

/** The page's settings, from the body's data attributes and the address's query string. */
export interface PageSettings {
  api: string;
  /** The function key in Azure (?code=); API calls carry it on. */
  key: string | null;
  refreshMs: number;
  chartBatches: number;
  pageSize: number;
}

export function pageSettings(): PageSettings {
  const params = new URLSearchParams(location.search);
  return {
    api: document.body.getAttribute('data-api') || '/api',
    key: params.get('code'),
    refreshMs: clampInt(params.get('refresh'), 3000, 250, 60_000),
    chartBatches: clampInt(params.get('chart'), 60, 5, 500),
    pageSize: clampInt(params.get('pageSize'), 20, 1, 500),
  };
}

function clampInt(raw: string | null, fallback: number, min: number, max: number): number {
  const n = parseInt(raw ?? '', 10);
  if (!Number.isFinite(n)) return fallback;
  return Math.max(min, Math.min(max, n));
}

const TIMEOUT_MS = 10_000;

/** GETs a status route; a non-2xx answer throws with the API's own error message. */
export async function getJson<T>(settings: PageSettings, path: string): Promise<T> {
  const ctrl = new AbortController();
  const timeout = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
  let url = settings.api + path;
  if (settings.key) url += `${url.includes('?') ? '&' : '?'}code=${encodeURIComponent(settings.key)}`;
  try {
    const r = await fetch(url, { signal: ctrl.signal, cache: 'no-store', headers: { accept: 'application/json' } });
    const data: unknown = await r.json().catch(() => null);
    if (!r.ok) throw new Error(errorMessage(data) ?? `HTTP ${r.status}`);
    return data as T;
  } finally {
    clearTimeout(timeout);
  }
}

function errorMessage(data: unknown): string | undefined {
  const error = typeof data === 'object' && data !== null ? (data as { error?: { message?: unknown } }).error : undefined;
  return typeof error?.message === 'string' ? error.message : undefined;
}

function connected(): void {
  const conn = byId('conn');
  setAttr(conn, 'data-conn', 'live');
  setText(byId('conn-text'), `Live · updated ${fmtClock(Date.now())}`);
  conn.removeAttribute('title');
  document.body.classList.remove('is-stale');
}

function disconnected(err: unknown): void {
  const conn = byId('conn');
  setAttr(conn, 'data-conn', 'reconnecting');
  setText(byId('conn-text'), 'Reconnecting…');
  setAttr(conn, 'title', `The status API did not answer: ${err instanceof Error ? err.message : String(err)}. Retrying.`);
  document.body.classList.add('is-stale');
}

/**
 * One refresh at a time, one pending timer: a slow API never stacks requests or timers. The
 * returned tick refreshes now (or right after the refresh in flight).
 */
export function poller(refreshMs: number, refresh: () => Promise<void>): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let again = false;
  const tick = (): void => {
    clearTimeout(timer);
    if (running) {
      again = true;
      return;
    }
    running = true;
    refresh().then(
      () => { connected(); return refreshMs; },
      (err: unknown) => { disconnected(err); return Math.min(refreshMs, 2000); },
    ).then((delay) => {
      running = false;
      if (again) {
        again = false;
        delay = 0;
      }
      timer = setTimeout(tick, delay);
    }, () => undefined);
  };
  return tick;
}
