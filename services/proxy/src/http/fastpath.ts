/**
 * The fast path: while no fault is active, a proxied request does not go through node:http at all.
 * A raw `net` connection reads the request head (`wire.ts`), rewrites it as the full path would,
 * forwards it and the body bytes unchanged to a pooled keep-alive upstream socket, reads only the
 * answer's head (for its framing: Content-Length, chunked, or until close) and copies the body
 * bytes back. Anything it does not handle — a fault active, the proxy's own API, HTTP/1.0,
 * `Upgrade`, `Expect`, a malformed or oversized head — hands the connection, with the bytes already
 * read, to the full path (node:http + `forward.ts`) for good, which answers as it always did.
 */
import { STATUS_CODES } from 'node:http';
import net from 'node:net';
import type { ProxyConfig } from '../config.js';
import type { ProxyFaultRegistry } from '../faults/registry.js';
import type { ProxyMetrics, UpstreamErrorKind } from '../telemetry/metrics.js';
import { NO_ANSWER } from './forward.js';
import { ChunkedScanner, MALFORMED, MAX_HEAD_BYTES, parseRequestHead, parseResponseHead, upstreamRequestHead, type RequestHead, type ResponseHead } from './wire.js';

const CRLFCRLF = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);
const LAST_CHUNK = Buffer.from('0\r\n\r\n');
/** Client connections idle this long are closed (node:http's `keepAliveTimeout` of the full path). */
export const CLIENT_KEEP_ALIVE_MS = 65_000;
const KEEP_ALIVE_HEADERS = `Connection: keep-alive\r\nKeep-Alive: timeout=${CLIENT_KEEP_ALIVE_MS / 1000}\r\n\r\n`;
const CLOSE_HEADERS = 'Connection: close\r\n\r\n';
/** Pipelined bytes buffered beyond the request in flight before the client is paused. */
const MAX_PENDING = 64 * 1024;
/** Longest upstream answer head read. */
const MAX_ANSWER_HEAD = 64 * 1024;
/** Idle upstream connections: kept as long as the upstream's `keep-alive: timeout=` allows less a margin, 4 s when it names none, 60 s at most (as the full path's pool). */
const UPSTREAM_IDLE_DEFAULT_MS = 4_000;
const UPSTREAM_IDLE_MAX_MS = 60_000;
const UPSTREAM_IDLE_MARGIN_MS = 1_000;

export interface FastPathDeps {
  config: ProxyConfig;
  faults: ProxyFaultRegistry;
  metrics: ProxyMetrics;
  /** The full path takes over this connection for good, starting with `bytes` (already read). */
  handOff: (socket: net.Socket, bytes: Buffer | null) => void;
  isStopping: () => boolean;
  /** A proxied exchange began / ended (graceful stop waits for them). */
  began: () => void;
  ended: () => void;
  log: (msg: string, extra?: Record<string, unknown>) => void;
}

/** One pooled upstream connection; `owner` is the client connection whose exchange uses it. */
interface Upstream {
  socket: net.Socket;
  owner: ClientConnection | null;
  error?: Error;
}

class UpstreamPool {
  private readonly idle: Upstream[] = [];
  private readonly all = new Set<Upstream>();

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs: number,
  ) {}

  acquire(owner: ClientConnection): Upstream {
    let u: Upstream | undefined;
    while ((u = this.idle.pop()) && u.socket.destroyed);
    if (!u) u = this.connect();
    u.owner = owner;
    u.socket.setTimeout(this.timeoutMs);
    return u;
  }

  release(u: Upstream, keepAliveMs: number | undefined): void {
    u.owner = null;
    if (u.socket.destroyed) return;
    const idleMs = keepAliveMs === undefined ? UPSTREAM_IDLE_DEFAULT_MS : Math.min(UPSTREAM_IDLE_MAX_MS, keepAliveMs - UPSTREAM_IDLE_MARGIN_MS);
    if (idleMs <= 0) return void u.socket.destroy();
    u.socket.setTimeout(idleMs);
    u.socket.resume();
    this.idle.push(u);
  }

  discard(u: Upstream): void {
    u.owner = null;
    u.socket.destroy();
  }

  destroy(): void {
    for (const u of this.all) u.socket.destroy();
  }

  private connect(): Upstream {
    const socket = net.connect({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    const u: Upstream = { socket, owner: null };
    this.all.add(u);
    socket.on('data', (c: Buffer) => (u.owner ? u.owner.upstreamData(u, c) : socket.destroy()));
    socket.on('drain', () => u.owner?.upstreamDrained());
    socket.on('timeout', () => (u.owner ? u.owner.upstreamFailed(u, 'timeout', new Error('timeout')) : socket.destroy()));
    socket.on('error', (e) => (u.error = e));
    socket.on('close', () => {
      this.all.delete(u);
      const i = this.idle.indexOf(u);
      if (i >= 0) this.idle.splice(i, 1);
      u.owner?.upstreamClosed(u);
    });
    return u;
  }
}

export class FastPath {
  readonly pool: UpstreamPool;
  private readonly connections = new Set<ClientConnection>();
  readonly basePath: string;
  readonly upstreamHost: string;
  readonly origin: string;

  constructor(readonly d: FastPathDeps) {
    const up = d.config.upstream;
    this.basePath = up.pathname.replace(/\/+$/, '');
    this.upstreamHost = up.host;
    this.origin = up.origin;
    this.pool = new UpstreamPool(up.hostname.replace(/^\[|\]$/g, ''), Number(up.port || 80), d.config.upstreamTimeoutMs);
  }

  /** Whether the fast path can serve this upstream at all (plain http only). */
  static supports(config: ProxyConfig): boolean {
    return config.upstream.protocol === 'http:';
  }

  accept(socket: net.Socket): void {
    const c = new ClientConnection(socket, this);
    this.connections.add(c);
  }

  forget(c: ClientConnection): void {
    this.connections.delete(c);
  }

  isAdmin(path: string): boolean {
    const p = this.d.config.adminPrefix;
    return path === p || path.startsWith(`${p}/`);
  }

  /** Graceful stop: close connections with no exchange in flight (those in flight close after their answer). */
  closeIdle(): void {
    for (const c of this.connections) c.closeIfIdle();
  }

  destroy(): void {
    this.pool.destroy();
  }
}

function append(a: Buffer | null, b: Buffer): Buffer {
  return a && a.length ? Buffer.concat([a, b]) : b;
}

/** A line feed not preceded by a carriage return: a head the fast path leaves to node:http. */
function hasBareLf(b: Buffer): boolean {
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) if (i === 0 || b[i - 1] !== 13) return true;
  return false;
}

/** One client connection on the fast path: one exchange at a time, pipelined requests wait their turn. */
class ClientConnection {
  /** Bytes read from the client and not yet handled (the next request, pipelined). */
  private pending: Buffer | null = null;
  private busy = false;
  private gone = false;
  private clientEnded = false;
  // The exchange in flight.
  private method = '';
  private synthetic = false;
  private started = 0;
  private recorded = true;
  private closeAfter = false;
  private reqDone = true;
  private reqLeft = 0;
  private reqChunks: ChunkedScanner | null = null;
  private up: Upstream | null = null;
  private answerHead: Buffer | null = null;
  private res: ResponseHead | null = null;
  private resDone = true;
  private resLeft = 0;
  private resChunks: ChunkedScanner | null = null;
  private status = NO_ANSWER;

  constructor(
    private readonly socket: net.Socket,
    private readonly fp: FastPath,
  ) {
    socket.setNoDelay(true);
    socket.setTimeout(CLIENT_KEEP_ALIVE_MS);
    socket.on('data', this.onData);
    socket.on('drain', this.onDrain);
    socket.on('end', this.onEnd);
    socket.on('timeout', this.onTimeout);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  closeIfIdle(): void {
    if (!this.busy && !this.gone) this.socket.destroy();
  }

  private readonly onData = (chunk: Buffer): void => {
    try {
      const rest = this.busy && !this.reqDone ? this.requestBody(chunk) : chunk;
      if (rest.length) this.pending = append(this.pending, rest);
      if (!this.busy) this.next();
      else if (this.pending && this.pending.length > MAX_PENDING) this.socket.pause();
    } catch (e) {
      this.fp.d.log('fast path failed', { err: String((e as Error).stack ?? e) });
      this.socket.destroy();
    }
  };

  private readonly onDrain = (): void => {
    this.up?.socket.resume();
  };

  private readonly onEnd = (): void => {
    this.clientEnded = true;
    if (!this.busy && !this.gone) this.socket.end();
  };

  private readonly onTimeout = (): void => {
    if (!this.busy) this.socket.destroy();
  };

  private readonly onError = (): void => {
    /* 'close' follows */
  };

  private readonly onClose = (): void => {
    if (this.gone) return;
    this.gone = true;
    this.fp.forget(this);
    if (!this.busy) return;
    // The client went away mid-exchange: abandon the upstream exchange too.
    if (this.up) this.fp.pool.discard(this.up);
    this.up = null;
    this.record(this.res ? this.status : NO_ANSWER);
  };

  /** Start the next request in `pending`, or hand the connection to the full path. */
  private next(): void {
    while (!this.busy && !this.gone && this.pending) {
      const buf = this.pending;
      const end = buf.indexOf(CRLFCRLF);
      if (end < 0) {
        if (buf.length > MAX_HEAD_BYTES || hasBareLf(buf)) this.handOff();
        return;
      }
      const head = end <= MAX_HEAD_BYTES ? parseRequestHead(buf.toString('latin1', 0, end)) : null;
      if (!head || this.fp.d.faults.size > 0 || this.fp.isAdmin(head.path)) return this.handOff();
      const rest = buf.length > end + 4 ? buf.subarray(end + 4) : null;
      this.pending = null;
      // The head and the body bytes already read leave in one write (one packet for a small request):
      // begin() corks the upstream socket before writing the head.
      const u = this.begin(head);
      if (rest) {
        const after = this.reqDone ? rest : this.requestBody(rest);
        if (after.length) this.pending = after;
      }
      u.socket.uncork();
    }
    // Read on: between requests, or for the body of the one just begun (unless its upstream is full).
    if (!this.gone && (!this.busy || (!this.reqDone && this.up && !this.up.socket.writableNeedDrain))) this.socket.resume();
  }

  private handOff(): void {
    this.gone = true;
    this.fp.forget(this);
    const s = this.socket;
    s.off('data', this.onData);
    s.off('drain', this.onDrain);
    s.off('end', this.onEnd);
    s.off('timeout', this.onTimeout);
    s.off('error', this.onError);
    s.off('close', this.onClose);
    s.setTimeout(0);
    const bytes = this.pending;
    this.pending = null;
    this.fp.d.handOff(s, bytes);
  }

  private begin(h: RequestHead): Upstream {
    const d = this.fp.d;
    this.busy = true;
    this.recorded = false;
    this.started = performance.now();
    this.method = h.method;
    this.synthetic = h.synthetic;
    this.closeAfter = h.close;
    this.reqDone = h.body === 'none';
    this.reqLeft = h.body === 'length' ? h.length : 0;
    this.reqChunks = h.body === 'chunked' ? new ChunkedScanner() : null;
    this.res = null;
    this.resDone = false;
    this.answerHead = null;
    this.status = NO_ANSWER;
    d.began();
    d.metrics.inFlightAdd(1);
    const u = (this.up = this.fp.pool.acquire(this));
    u.socket.cork(); // uncorked by next(), once the body bytes already read are written too
    u.socket.write(upstreamRequestHead(h, this.fp.basePath, this.fp.upstreamHost, this.socket.remoteAddress ?? ''), 'latin1');
    return u;
  }

  /** Forward the request body's bytes in `chunk` (discard them once the upstream is gone); returns what follows the body. */
  private requestBody(chunk: Buffer): Buffer {
    let n: number;
    if (this.reqChunks) {
      const e = this.reqChunks.feed(chunk);
      if (e === MALFORMED) {
        this.socket.destroy();
        return EMPTY;
      }
      n = e < 0 ? chunk.length : e;
      this.reqDone = e >= 0;
    } else {
      n = Math.min(this.reqLeft, chunk.length);
      this.reqLeft -= n;
      this.reqDone = this.reqLeft === 0;
    }
    if (this.up && n > 0 && !this.up.socket.write(n === chunk.length ? chunk : chunk.subarray(0, n))) this.socket.pause();
    if (this.reqDone) this.requestEnded();
    return n === chunk.length ? EMPTY : chunk.subarray(n);
  }

  private requestEnded(): void {
    if (this.resDone && this.up) {
      // The answer came before the whole request body: that upstream connection is not reused.
      this.fp.pool.discard(this.up);
      this.up = null;
    }
    this.exchangeDone();
  }

  upstreamDrained(): void {
    if (!this.reqDone) this.socket.resume();
  }

  upstreamData(u: Upstream, chunk: Buffer): void {
    if (u !== this.up) return void this.fp.pool.discard(u);
    try {
      if (!this.res) return this.answerHeadData(chunk);
      this.answerBody(chunk, null);
    } catch (e) {
      this.fp.d.log('fast path failed', { err: String((e as Error).stack ?? e) });
      this.upstreamFailed(u, 'reset', e as Error);
    }
  }

  private answerHeadData(chunk: Buffer): void {
    const buf = append(this.answerHead, chunk);
    const end = buf.indexOf(CRLFCRLF);
    if (end < 0) {
      if (buf.length > MAX_ANSWER_HEAD) return this.upstreamFailed(this.up!, 'connect_error', new Error('answer head too large'));
      this.answerHead = buf;
      return;
    }
    this.answerHead = null;
    const rest = buf.subarray(end + 4);
    const r = parseResponseHead(buf.toString('latin1', 0, end), this.method);
    if (r === null) return this.upstreamFailed(this.up!, 'connect_error', new Error('malformed answer head'));
    if (r === 'informational') {
      if (rest.length) this.answerHeadData(rest);
      return;
    }
    this.res = r;
    this.status = r.status;
    if (this.fp.d.isStopping() || this.clientEnded) this.closeAfter = true;
    const head = Buffer.from(r.head + (this.closeAfter ? CLOSE_HEADERS : KEEP_ALIVE_HEADERS), 'latin1');
    this.resLeft = r.length;
    this.resChunks = r.body === 'chunked' ? new ChunkedScanner() : null;
    if (r.body === 'none') {
      this.write(head);
      if (rest.length) r.reusable = false; // bytes after an answer without a body: do not trust that connection
      return this.answerEnded();
    }
    this.answerBody(rest, head);
  }

  /** Copy the answer's body bytes to the client (after `head`, when given, in one write). */
  private answerBody(chunk: Buffer, head: Buffer | null): void {
    const r = this.res!;
    let body = chunk;
    let done = false;
    if (r.body === 'length') {
      const n = Math.min(this.resLeft, chunk.length);
      this.resLeft -= n;
      done = this.resLeft === 0;
      if (n < chunk.length) {
        body = chunk.subarray(0, n);
        r.reusable = false;
      }
    } else if (r.body === 'chunked') {
      const e = this.resChunks!.feed(chunk);
      if (e === MALFORMED) {
        if (head) this.write(head);
        return this.upstreamFailed(this.up!, 'reset', new Error('malformed chunked answer'));
      }
      done = e >= 0;
      if (done && e < chunk.length) {
        body = chunk.subarray(0, e);
        r.reusable = false;
      }
    } else if (chunk.length) {
      // Until close: re-framed as chunked, so the client connection stays usable.
      body = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`, 'latin1'), chunk, Buffer.from('\r\n', 'latin1')]);
    }
    const out = head ? (body.length ? Buffer.concat([head, body]) : head) : body;
    if (out.length && !this.write(out)) this.up?.socket.pause();
    if (done) this.answerEnded();
  }

  private write(b: Buffer): boolean {
    return this.socket.write(b);
  }

  upstreamClosed(u: Upstream): void {
    if (u !== this.up) return;
    if (this.res && this.res.body === 'close' && !u.error) {
      this.write(LAST_CHUNK);
      return this.answerEnded();
    }
    this.upstreamFailed(u, this.res ? 'reset' : 'connect_error', u.error ?? new Error('other side closed'));
  }

  /** The upstream failed: 502 / 504 before the answer began (as the full path), the client connection cut after. */
  upstreamFailed(u: Upstream, kind: UpstreamErrorKind, err: Error): void {
    if (u !== this.up) return;
    this.up = null;
    this.fp.pool.discard(u);
    this.fp.d.metrics.upstreamError(kind);
    if (this.res) {
      this.record(this.status);
      this.socket.destroy();
      return;
    }
    const { config } = this.fp.d;
    const origin = this.fp.origin;
    const status = kind === 'timeout' ? 504 : 502;
    const error = kind === 'timeout' ? `upstream ${origin} did not answer within ${config.upstreamTimeoutMs} ms` : `upstream ${origin} failed: ${err.message}`;
    const text = JSON.stringify({ error, upstream: origin });
    if (this.fp.d.isStopping() || this.clientEnded) this.closeAfter = true;
    this.status = status;
    this.res = { status, head: '', body: 'none', length: 0, reusable: false };
    this.write(Buffer.from(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\n${this.closeAfter ? CLOSE_HEADERS : KEEP_ALIVE_HEADERS}${text}`, 'utf8'));
    this.answerEnded();
  }

  private answerEnded(): void {
    this.resDone = true;
    const u = this.up;
    if (u) {
      this.up = null;
      if (this.reqDone && this.res!.reusable) this.fp.pool.release(u, this.res!.keepAliveMs);
      else this.fp.pool.discard(u);
    }
    this.record(this.status);
    this.exchangeDone();
  }

  /** Both the request and its answer are complete: close, or go on with the next request. */
  private exchangeDone(): void {
    if (!this.resDone || !this.reqDone || !this.busy || this.gone) return;
    this.busy = false;
    if (this.closeAfter || this.clientEnded || this.fp.d.isStopping()) {
      this.gone = true;
      this.fp.forget(this);
      this.socket.end(() => this.socket.destroy());
      return;
    }
    this.next();
  }

  private record(status: number): void {
    if (this.recorded) return;
    this.recorded = true;
    const d = this.fp.d;
    d.metrics.inFlightAdd(-1);
    d.metrics.request(this.method, status, this.synthetic, (performance.now() - this.started) / 1000);
    d.ended();
  }
}
