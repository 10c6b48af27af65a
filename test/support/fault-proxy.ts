import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { mulberry32 } from '#dev/sample-events.js';

/**
 * What the proxy can do to one request. `reject` answers 503 ServerBusy before the request
 * reaches storage; `failAfter` lets a write reach storage, throws its reply away and answers 500
 * InternalError, so the client's retry meets its own write (409 or 412); `drop` destroys the
 * connection (before or after storage saw the request: the seed decides); `slow` delays the reply.
 */
export type FaultKind = 'reject' | 'failAfter' | 'drop' | 'slow';

/** Probability of each fault per request, 0 to 1; their sum must not exceed 1. */
export type FaultRates = Readonly<Partial<Record<FaultKind, number>>>;

export interface FaultProxyOptions {
  /** The same seed draws the same faults for the same sequence of requests. */
  seed: number;
  rates?: FaultRates;
  /** How long a `slow` reply is held back. Default 1,500 ms. */
  slowMs?: number;
}

/** One storage endpoint (blob, queue, table) of a connection string. */
interface Endpoint {
  readonly key: 'BlobEndpoint' | 'QueueEndpoint' | 'TableEndpoint';
  readonly target: URL;
  server: Server;
  proxied: URL;
}

export interface FaultCounts {
  requests: number;
  reject: number;
  failAfter: number;
  drop: number;
  slow: number;
  /** Requests refused during outage windows. */
  outage: number;
  /** Storage's own 409 and 412 answers, including those inside table transactions ($batch). */
  conditionFailures: number;
  /** 409 and 412 answers inside table transactions only: an etag fence or create-once race was lost. */
  transactionConflicts: number;
}

const WRITES = new Set(['PUT', 'POST', 'DELETE', 'MERGE', 'PATCH']);
const FAULT_ORDER: readonly FaultKind[] = ['reject', 'failAfter', 'drop', 'slow'];

/**
 * A fault-injecting HTTP proxy between an app and Azurite, for tests: every request goes through,
 * and a seeded generator decides, request by request in arrival order, which fault it meets. An
 * outage window fails every request for a while. Storage itself is real; only the wire misbehaves.
 */
export class FaultProxy {
  readonly counts: FaultCounts = { requests: 0, reject: 0, failAfter: 0, drop: 0, slow: 0, outage: 0, conditionFailures: 0, transactionConflicts: 0 };
  /** The first 10,000 decisions in arrival order (`pass`, a fault kind, or `outage`): what the seed chose. */
  readonly trace: string[] = [];
  private rates: Required<Record<FaultKind, number>>;
  private readonly random: () => number;
  private readonly slowMs: number;
  private outageUntil = 0;
  private outageOn = false;
  private readonly open = new Set<Socket>();

  private constructor(private readonly endpoints: Endpoint[], private readonly base: string, options: FaultProxyOptions) {
    this.random = mulberry32(options.seed);
    this.slowMs = options.slowMs ?? 1500;
    this.rates = checkRates(options.rates ?? {});
  }

  /** Starts one listener per endpoint of `connectionString` (loopback, free ports). */
  static async start(connectionString: string, options: FaultProxyOptions): Promise<FaultProxy> {
    const endpoints: Endpoint[] = [];
    for (const key of ['BlobEndpoint', 'QueueEndpoint', 'TableEndpoint'] as const) {
      const value = new RegExp(`(?:^|;)${key}=([^;]+)`).exec(connectionString)?.[1];
      if (value) endpoints.push({ key, target: new URL(value), server: undefined as unknown as Server, proxied: undefined as unknown as URL });
    }
    if (endpoints.length === 0) throw new Error('FaultProxy.start: the connection string names no BlobEndpoint, QueueEndpoint or TableEndpoint');
    const proxy = new FaultProxy(endpoints, connectionString, options);
    for (const endpoint of endpoints) {
      endpoint.server = createServer((req, res) => proxy.handle(endpoint, req, res));
      endpoint.server.on('connection', (socket) => {
        proxy.open.add(socket);
        socket.once('close', () => proxy.open.delete(socket));
      });
      await new Promise<void>((resolve, reject) => {
        endpoint.server.once('error', reject);
        endpoint.server.listen(0, '127.0.0.1', () => resolve());
      });
      const { port } = endpoint.server.address() as AddressInfo;
      endpoint.proxied = new URL(endpoint.target.href);
      endpoint.proxied.host = `127.0.0.1:${port}`;
    }
    return proxy;
  }

  /** The same account, every endpoint replaced by the proxy's. */
  get connectionString(): string {
    let cs = this.base;
    for (const e of this.endpoints) cs = cs.replace(new RegExp(`(^|;)${e.key}=[^;]+`), `$1${e.key}=${e.proxied.href.replace(/\/$/, '')}`);
    return cs;
  }

  /** Changes the fault rates from the next request on (the draw sequence is not reset). */
  setRates(rates: FaultRates): void {
    this.rates = checkRates(rates);
  }

  /** Fails every request from now until `ms` later; resolves when the window closes. */
  async outage(ms: number): Promise<void> {
    this.outageOn = true;
    this.outageUntil = performance.now() + ms;
    await new Promise((r) => setTimeout(r, ms));
    this.outageOn = false;
  }

  /** Faults injected so far, in total. */
  get injected(): number {
    const c = this.counts;
    return c.reject + c.failAfter + c.drop + c.slow + c.outage;
  }

  async close(): Promise<void> {
    for (const socket of this.open) socket.destroy();
    await Promise.all(this.endpoints.map((e) => new Promise<void>((resolve) => e.server.close(() => resolve()))));
  }

  /** Draws this request's fault: two draws per request, always, so the sequence depends only on the seed and the request order. */
  private draw(method: string): { fault: FaultKind | undefined; afterStorage: boolean } {
    const r = this.random();
    const second = this.random();
    let edge = 0;
    for (const kind of FAULT_ORDER) {
      edge += this.rates[kind];
      if (r < edge) {
        // A 500 "after the write" only means something for a write; a read meets a 503 instead.
        if (kind === 'failAfter' && !WRITES.has(method)) return { fault: 'reject', afterStorage: false };
        return { fault: kind, afterStorage: second < 0.5 };
      }
    }
    return { fault: undefined, afterStorage: false };
  }

  private handle(endpoint: Endpoint, req: IncomingMessage, res: ServerResponse): void {
    this.counts.requests++;
    const inOutage = this.outageOn && performance.now() < this.outageUntil;
    const { fault, afterStorage } = this.draw(req.method ?? 'GET');
    if (this.trace.length < 10_000) this.trace.push(inOutage ? 'outage' : fault ? `${fault}${afterStorage ? '-after' : ''}` : 'pass');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (inOutage) {
        this.counts.outage++;
        // An outage shows as refusals and as dead connections, as a storage account going away does.
        if (afterStorage) res.socket?.destroy();
        else serverError(res, 503, 'ServerBusy', 'The fault proxy holds an outage window.');
        return;
      }
      if (fault === 'reject') {
        this.counts.reject++;
        serverError(res, 503, 'ServerBusy', 'The fault proxy rejected this request before it reached storage.');
        return;
      }
      if (fault === 'drop' && !afterStorage) {
        this.counts.drop++;
        res.socket?.destroy();
        return;
      }
      this.forward(endpoint, req, Buffer.concat(chunks)).then(
        async (reply) => {
          this.observe(req, reply);
          if (fault === 'failAfter') {
            this.counts.failAfter++;
            serverError(res, 500, 'InternalError', 'The fault proxy lost the reply after storage applied the request.');
            return;
          }
          if (fault === 'drop') {
            this.counts.drop++;
            res.socket?.destroy();
            return;
          }
          if (fault === 'slow') {
            this.counts.slow++;
            await new Promise((r) => setTimeout(r, this.slowMs));
          }
          res.writeHead(reply.status, reply.headers);
          res.end(reply.body);
        },
        () => serverError(res, 502, 'ServerBusy', 'The fault proxy could not reach storage.'),
      ).catch(() => res.destroy());
    });
  }

  private observe(req: IncomingMessage, reply: StorageReply): void {
    if (reply.status === 409 || reply.status === 412) this.counts.conditionFailures++;
    if (req.method === 'POST' && /\$batch/.test(req.url ?? '')) {
      const inner = reply.body.toString('latin1').match(/HTTP\/1\.1 (409|412)/g)?.length ?? 0;
      this.counts.conditionFailures += inner;
      this.counts.transactionConflicts += inner;
    }
  }

  private forward(endpoint: Endpoint, req: IncomingMessage, body: Buffer): Promise<StorageReply> {
    return new Promise((resolve, reject) => {
      const upstream = httpRequest({
        host: endpoint.target.hostname, port: endpoint.target.port, method: req.method, path: req.url,
        headers: { ...req.headers, host: endpoint.target.host },
      }, (reply) => {
        const parts: Buffer[] = [];
        reply.on('data', (c: Buffer) => parts.push(c));
        reply.on('error', reject);
        reply.on('end', () => {
          const headers = { ...reply.headers };
          const out = Buffer.concat(parts);
          // The body is passed on whole, so it gets its own length; a HEAD reply keeps storage's,
          // which describes the blob, not this (empty) body.
          if (req.method !== 'HEAD') {
            delete headers['transfer-encoding'];
            headers['content-length'] = String(out.length);
          }
          resolve({ status: reply.statusCode ?? 502, headers, body: out });
        });
      });
      upstream.on('error', reject);
      upstream.end(body);
    });
  }
}

interface StorageReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function checkRates(rates: FaultRates): Required<Record<FaultKind, number>> {
  const out = { reject: 0, failAfter: 0, drop: 0, slow: 0, ...rates };
  const sum = FAULT_ORDER.reduce((n, k) => n + out[k], 0);
  for (const k of FAULT_ORDER) if (!(out[k] >= 0 && out[k] <= 1)) throw new Error(`fault rate ${k}=${out[k]} must be between 0 and 1`);
  if (sum > 1) throw new Error(`fault rates add up to ${Number(sum.toFixed(6))}; they must not exceed 1`);
  return out;
}

/** An answer shaped as storage's own errors are, so the SDKs classify and retry it as they would. */
function serverError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'x-ms-error-code': code, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
