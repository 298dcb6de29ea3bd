/**
 * One proxied exchange: select the faults that take the request, apply them in order (delay, then
 * error / reset / hang instead of the upstream, then corrupt and bandwidth on the answer), and
 * stream everything else through untouched. Every fault that took effect is counted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { PROXY_FAULT_HEADER, SYNTHETIC_HEADER, type ActiveProxyFault, type ProxyBandwidthFault, type ProxyCorruptFault } from '@drillbook/contracts';
import { sendJson } from '@drillbook/inference/http/util';
import type { ProxyConfig } from '../config.js';
import { corruptJson } from '../faults/corrupt.js';
import { sampleDelayMs } from '../faults/delay.js';
import type { ProxyFaultRegistry, Selected } from '../faults/registry.js';
import { Throttle } from '../faults/throttle.js';
import type { ProxyMetrics, UpstreamErrorKind } from '../telemetry/metrics.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';

/** Answers larger than this are passed through uncorrupted (counted as skipped: too_large). */
export const MAX_CORRUPT_BYTES = 8 * 1024 * 1024;
/** Status recorded when no HTTP answer was sent (reset, hang, client gone). */
export const NO_ANSWER = 0;

export interface ForwardDeps {
  config: ProxyConfig;
  faults: ProxyFaultRegistry;
  metrics: ProxyMetrics;
  /** undici keep-alive pool to the upstream origin. */
  upstream: Dispatcher;
  /** Resolves when the proxy starts shutting down (hung requests are released). */
  stopping: Promise<void>;
  isStopping: () => boolean;
  log: (msg: string, extra?: Record<string, unknown>) => void;
}

export function createForwarder(d: ForwardDeps) {
  const { config, faults, metrics, upstream } = d;
  const up = config.upstream;
  const basePath = up.pathname.replace(/\/+$/, '');
  const upstreamHost = up.host;
  const origin = up.origin;

  const applied = (f: ActiveProxyFault) => {
    faults.markApplied(f.id);
    metrics.faultApplied(f);
  };

  /** Wait `ms`, or less if the client goes away; true when the client is still there. */
  function delay(res: ServerResponse, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(t);
        res.off('close', onClose);
        resolve(ok);
      };
      const onClose = () => done(false);
      const t = setTimeout(() => done(true), ms);
      res.on('close', onClose);
    });
  }

  return async function forward(req: IncomingMessage, res: ServerResponse, path: string): Promise<number> {
    const method = req.method ?? 'GET';
    const chosen = faults.select({ method, path, headers: req.headers });
    const acted: string[] = [];

    // 1. latency: every selected latency fault adds its own draw.
    let wait = 0;
    for (const s of chosen) if (s.fault.type === 'latency') {
      wait += sampleDelayMs(s.fault.delay);
      applied(s.fault);
      if (!acted.includes('latency')) acted.push('latency');
    }
    if (wait > 0 && !(await delay(res, wait))) return NO_ANSWER;

    // 2. error / reset / hang instead of the upstream: the first one selected wins.
    const terminal = chosen.find((s) => s.fault.type === 'error' || s.fault.type === 'reset' || s.fault.type === 'hang');
    if (terminal) return terminate(req, res, terminal, acted);

    const corrupt = chosen.find((s) => s.fault.type === 'corrupt')?.fault as (ActiveProxyFault & ProxyCorruptFault) | undefined;
    const bandwidth = chosen
      .filter((s) => s.fault.type === 'bandwidth')
      .map((s) => s.fault as ActiveProxyFault & ProxyBandwidthFault)
      .sort((a, b) => a.bytesPerSecond - b.bytesPerSecond)[0];

    // 3. the upstream exchange over undici's keep-alive pool, streamed both ways.
    return new Promise<number>((resolve) => {
      let settled = false;
      const finish = (status: number) => {
        if (!settled) (settled = true), resolve(status);
      };
      const abort = new AbortController();
      let failed = false;
      // One failure is counted once, whichever of the request / answer events reports it first.
      const fail = (kind: UpstreamErrorKind, err: Error) => {
        if (failed || settled) return;
        failed = true;
        metrics.upstreamError(kind);
        if (!res.headersSent) {
          const status = kind === 'timeout' ? 504 : 502;
          const what = kind === 'timeout' ? `upstream ${origin} did not answer within ${config.upstreamTimeoutMs} ms` : `upstream ${origin} failed: ${err.message}`;
          req.resume();
          sendJson(res, status, { error: what, upstream: origin }, d.isStopping() ? { connection: 'close' } : {});
          finish(status);
        } else {
          res.destroy(err);
          finish(res.statusCode);
        }
      };
      const errorKind = (err: NodeJS.ErrnoException): UpstreamErrorKind =>
        err.code === 'UND_ERR_HEADERS_TIMEOUT' || err.code === 'UND_ERR_BODY_TIMEOUT' ? 'timeout' : res.headersSent ? 'reset' : 'connect_error';
      // The client went away: abandon the upstream exchange too.
      res.on('close', () => {
        if (!res.writableFinished) {
          abort.abort(new Error('client went away'));
          finish(res.headersSent ? res.statusCode : NO_ANSWER);
        }
      });
      req.on('error', () => abort.abort(new Error('client request failed')));
      const { headers, hasBody } = upstreamRequestHeaders(req, upstreamHost);
      if (!hasBody) req.resume();
      const opts = {
        method,
        path: basePath + (req.url ?? '/'),
        headers,
        body: hasBody ? req : null,
        // An exchange idle this long is abandoned (no headers yet -> 504; mid-answer -> cut).
        headersTimeout: config.upstreamTimeoutMs,
        bodyTimeout: config.upstreamTimeoutMs,
      };

      // Pass-through (no fault acts on the answer): undici's dispatch with a handler that writes the
      // answer straight into the client's response, pausing the upstream while the client is slow.
      if (!corrupt && !bandwidth) {
        let abortUpstream: ((err?: Error) => void) | null = null;
        abort.signal.addEventListener('abort', () => abortUpstream?.(abort.signal.reason as Error), { once: true });
        upstream.dispatch(opts, {
          onConnect(abortFn: (err?: Error) => void) {
            abortUpstream = abortFn;
            if (abort.signal.aborted) abortFn(abort.signal.reason as Error);
          },
          onHeaders(status: number, rawHeaders: Buffer[], resume: () => void, statusText: string) {
            if (status < 200) return true; // 1xx: the final answer follows
            if (settled) return false;
            const raw = rawHeaders.map((h) => h.toString('latin1'));
            let connection: string | undefined;
            for (let i = 0; i < raw.length; i += 2) if (raw[i].length === 10 && raw[i].toLowerCase() === 'connection') connection = raw[i + 1];
            const extra: Record<string, string> = {};
            if (acted.length) extra[PROXY_FAULT_HEADER] = acted.join(',');
            if (d.isStopping()) extra.connection = 'close';
            writeHead(res, status, statusText || undefined, clientResponseHeaders(raw, connection, extra));
            res.on('finish', () => finish(status));
            res.on('drain', resume);
            return true;
          },
          onData(chunk: Buffer) {
            return res.write(chunk);
          },
          onComplete() {
            res.end();
          },
          onError(err: NodeJS.ErrnoException) {
            fail(errorKind(err), err);
          },
        } as Dispatcher.DispatchHandler);
        return;
      }

      upstream
        .request({ ...opts, signal: abort.signal, responseHeaders: 'raw' })
        .then(
          (upRes) => onResponse(upRes),
          (err: NodeJS.ErrnoException) => fail(errorKind(err), err),
        );

      function onResponse(upRes: Dispatcher.ResponseData): void {
        const upBody = upRes.body;
        if (settled) {
          upBody.destroy();
          return;
        }
        const status = upRes.statusCode;
        const raw = (upRes.headers as unknown as Array<Buffer | string>).map((h) => (typeof h === 'string' ? h : h.toString('latin1')));
        const header = (name: string): string | undefined => {
          for (let i = 0; i < raw.length; i += 2) if (raw[i].length === name.length && raw[i].toLowerCase() === name) return raw[i + 1];
          return undefined;
        };
        const connection = header('connection');
        const statusMessage = upRes.statusText || undefined;
        const extra: Record<string, string> = {};
        const without: string[] = [];
        if (d.isStopping()) extra.connection = 'close';
        upBody.on('error', (err: NodeJS.ErrnoException) => fail(err.code === 'UND_ERR_BODY_TIMEOUT' ? 'timeout' : 'reset', err));

        const send = (body: Buffer | null) => {
          const tags = [...acted];
          if (body && corrupt) tags.push('corrupt');
          if (bandwidth) tags.push('bandwidth');
          if (tags.length) extra[PROXY_FAULT_HEADER] = tags.join(',');
          if (body) (extra['content-length'] = String(body.length)), without.push('content-length');
          writeHead(res, status, statusMessage, clientResponseHeaders(raw, connection, extra, without));
          const sink = bandwidth ? new Throttle(bandwidth.bytesPerSecond) : null;
          if (bandwidth) applied(bandwidth);
          if (sink) {
            sink.on('error', () => res.destroy());
            sink.pipe(res);
          }
          const out = sink ?? res;
          res.on('finish', () => finish(status));
          if (body) out.end(body);
          else upBody.pipe(out);
        };

        const wantsCorrupt = corrupt && status >= 200 && status < 300 && method !== 'HEAD';
        if (!wantsCorrupt) return send(null);
        const type = header('content-type') ?? '';
        const enc = (header('content-encoding') ?? 'identity').toLowerCase();
        if (!/json/i.test(type) || enc !== 'identity') {
          metrics.faultSkipped(corrupt, !/json/i.test(type) ? 'not_json' : 'encoded');
          return send(null);
        }
        const chunks: Buffer[] = [];
        let size = 0;
        upBody.on('data', (c: Buffer) => {
          size += c.length;
          chunks.push(c);
          if (size > MAX_CORRUPT_BYTES) {
            upBody.pause();
            upBody.removeAllListeners('data');
            upBody.removeAllListeners('end');
            metrics.faultSkipped(corrupt, 'too_large');
            const rest = Buffer.concat(chunks);
            // Pass the answer through as it came: what was buffered, then the rest streamed.
            extra[PROXY_FAULT_HEADER] = acted.join(',') || '';
            if (!extra[PROXY_FAULT_HEADER]) delete extra[PROXY_FAULT_HEADER];
            writeHead(res, status, statusMessage, clientResponseHeaders(raw, connection, extra));
            res.write(rest);
            res.on('finish', () => finish(status));
            upBody.pipe(res);
            upBody.resume();
          }
        });
        upBody.on('end', () => {
          const body = Buffer.concat(chunks);
          const r = corruptJson(body, corrupt, path);
          if (r.ok) {
            applied(corrupt);
            send(r.body);
          } else {
            metrics.faultSkipped(corrupt, r.reason);
            sendUnchanged(body);
          }
        });
        const sendUnchanged = (body: Buffer) => {
          const tags = [...acted];
          if (bandwidth) tags.push('bandwidth');
          if (tags.length) extra[PROXY_FAULT_HEADER] = tags.join(',');
          writeHead(res, status, statusMessage, clientResponseHeaders(raw, connection, extra));
          if (bandwidth) {
            applied(bandwidth);
            const t = new Throttle(bandwidth.bytesPerSecond);
            t.pipe(res);
            t.end(body);
          } else res.end(body);
          res.on('finish', () => finish(status));
        };
      }
    });
  };

  async function terminate(req: IncomingMessage, res: ServerResponse, s: Selected, acted: string[]): Promise<number> {
    const f = s.fault;
    applied(f);
    if (f.type === 'error') {
      const status = (f as { status?: number }).status ?? 503;
      req.resume();
      sendJson(res, status, { error: `injected fault: error ${status}`, fault: f.id }, { [PROXY_FAULT_HEADER]: [...acted, 'error'].join(','), ...(d.isStopping() ? { connection: 'close' } : {}) });
      return status;
    }
    if (f.type === 'reset') {
      req.socket.resetAndDestroy();
      return NO_ANSWER;
    }
    // hang: hold the request until the client gives up, the fault ends, or the proxy stops; then drop the connection.
    req.resume();
    await Promise.race([new Promise<void>((r) => res.once('close', () => r())), s.ended, d.stopping]);
    if (!res.writableEnded) req.socket.destroy();
    return NO_ANSWER;
  }
}

/** writeHead with the upstream's reason phrase when it sent one. */
function writeHead(res: ServerResponse, status: number, statusMessage: string | undefined, headers: string[]): void {
  if (statusMessage) res.writeHead(status, statusMessage, headers);
  else res.writeHead(status, headers);
}

export const isSynthetic = (req: IncomingMessage) => req.headers[SYNTHETIC_HEADER] === 'true';
