/**
 * The fault proxy: one HTTP/1.1 listener that serves its own API under `adminPrefix` and forwards
 * everything else to the upstream. Connections start on the fast path (`http/fastpath.ts`: raw
 * sockets, no node:http) and are handed to the full path (node:http, `forward.ts` over undici's
 * keep-alive pool, applying the active faults) for anything the fast path does not handle.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';
import { Pool } from 'undici';
import type { ProxyConfig } from './config.js';
import { ProxyFaultRegistry } from './faults/registry.js';
import { createAdmin } from './http/admin.js';
import { FastPath } from './http/fastpath.js';
import { createForwarder, isSynthetic, NO_ANSWER } from './http/forward.js';
import { ProxyMetrics } from './telemetry/metrics.js';

export type Log = (msg: string, extra?: Record<string, unknown>) => void;

export class FaultProxy {
  readonly metrics = new ProxyMetrics();
  readonly faults: ProxyFaultRegistry;
  /** The listening socket; each connection goes to the fast path, or straight to `server`. */
  private readonly listener: net.Server;
  /** The full path: node:http, fed connections by `listener` and by the fast path's hand-offs. */
  private readonly server: http.Server;
  private readonly fast: FastPath | null;
  private readonly upstream: Pool;
  private readonly sockets = new Set<Socket>();
  private inFlight = 0;
  private stopping = false;
  private releaseHung!: () => void;
  private readonly stopped = new Promise<void>((r) => (this.releaseHung = r));
  private drained: (() => void) | null = null;
  url = '';

  constructor(
    readonly config: ProxyConfig,
    private readonly log: Log = () => {},
  ) {
    this.faults = new ProxyFaultRegistry({ onChange: (a) => this.metrics.setActive(a), log });
    // One keep-alive pool to the upstream origin: no connection cap, no pipelining; an idle
    // connection is kept as long as the upstream's keep-alive timeout allows (4 s when it names none, 60 s at most).
    this.upstream = new Pool(config.upstream.origin, { connections: null, pipelining: 1, keepAliveTimeout: 4_000, keepAliveMaxTimeout: 60_000 });
    const admin = createAdmin(config, this.faults, this.metrics);
    const forward = createForwarder({ config, faults: this.faults, metrics: this.metrics, upstream: this.upstream, stopping: this.stopped, isStopping: () => this.stopping, log });
    const prefix = config.adminPrefix;
    this.server = http.createServer({ keepAlive: true, requestTimeout: 0 }, (req, res) => void this.handle(req, res, prefix, admin, forward));
    this.server.keepAliveTimeout = 65_000;
    this.server.headersTimeout = 66_000;
    this.server.on('connection', (s: Socket) => {
      s.setNoDelay(true);
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('clientError', (_e, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      else socket.destroy();
    });
    this.fast = FastPath.supports(config)
      ? new FastPath({
          config,
          faults: this.faults,
          metrics: this.metrics,
          handOff: (s, bytes) => this.handOff(s, bytes),
          isStopping: () => this.stopping,
          began: () => this.inFlight++,
          ended: () => this.requestEnded(),
          log,
        })
      : null;
    // allowHalfOpen as node:http's own listener, so a handed-off connection behaves as one it accepted.
    this.listener = net.createServer({ allowHalfOpen: true, noDelay: true }, (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      if (this.fast) this.fast.accept(s);
      else this.server.emit('connection', s);
    });
  }

  /** The full path takes a connection over for good, starting with the bytes the fast path already read. */
  private handOff(s: Socket, bytes: Buffer | null): void {
    s.pause();
    if (bytes?.length) s.unshift(bytes);
    this.server.emit('connection', s);
    s.resume();
  }

  private requestEnded(): void {
    this.inFlight--;
    if (this.stopping) {
      this.server.closeIdleConnections();
      this.fast?.closeIdle();
      if (this.inFlight === 0) this.drained?.();
    }
  }

  private async handle(
    req: IncomingMessage,
    res: ServerResponse,
    prefix: string,
    admin: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<number>,
    forward: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<number>,
  ): Promise<void> {
    const started = performance.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;
    if (path === prefix || path.startsWith(`${prefix}/`)) {
      await admin(req, res, path);
      return;
    }
    this.inFlight++;
    this.metrics.inFlightAdd(1);
    let status = NO_ANSWER;
    try {
      status = await forward(req, res, path);
    } catch (e) {
      this.log('proxy request failed', { err: String((e as Error).stack ?? e) });
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `proxy error: ${(e as Error).message}` }));
        status = 500;
      } else res.destroy();
    } finally {
      this.metrics.inFlightAdd(-1);
      this.metrics.request(req.method ?? 'GET', status, isSynthetic(req), (performance.now() - started) / 1000);
      this.requestEnded();
    }
  }

  async start(): Promise<{ url: string }> {
    await new Promise<void>((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen(this.config.port, this.config.host, () => {
        this.listener.off('error', reject);
        resolve();
      });
    });
    // node:http starts its connection tracking (headers timeout, closeIdleConnections) on
    // 'listening'; it never listens itself, so it is told here.
    this.server.emit('listening');
    const a = this.listener.address() as AddressInfo;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    this.url = `http://${host}:${a.port}`;
    this.log('proxy listening', { url: this.url, upstream: this.config.upstream.href, faults: `${this.url}${this.config.adminPrefix}/faults` });
    return { url: this.url };
  }

  /**
   * Graceful stop: no new connections, idle keep-alive connections closed, hung requests released,
   * requests in flight get `graceMs` to finish (answers carry `connection: close`), then the rest is cut.
   */
  async stop(graceMs = this.config.shutdownGraceMs): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const closed = new Promise<void>((r) => this.listener.close(() => r()));
    this.server.close();
    this.server.closeIdleConnections();
    this.fast?.closeIdle();
    this.releaseHung();
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, graceMs);
        this.drained = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    this.server.closeAllConnections();
    for (const s of this.sockets) s.destroy();
    await closed;
    this.faults.shutdown();
    await this.upstream.destroy();
    this.fast?.destroy();
    this.log('proxy stopped', {});
  }
}
