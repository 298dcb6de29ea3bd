/**
 * Active health checks: every `intervalMs` each upstream's readiness path is probed with a short
 * timeout (a probe still running is not doubled). 200 with `ready !== false` passes; anything
 * else, a timeout or a connection error fails. The model a replica reports is remembered for
 * canary routing.
 */
import http from 'node:http';
import type { ReadinessBody } from '@drillbook/contracts';
import type { HealthCheckConfig } from '../config.js';
import { afterPendingIo } from '../http/upstreamRequest.js';
import type { ServedModel, Upstream } from './Upstream.js';
import type { UpstreamPool } from './UpstreamPool.js';

const MAX_BODY_BYTES = 16_384;

interface ProbeResult {
  ok: boolean;
  model?: ServedModel | null;
  error?: string;
}

export class HealthChecker {
  private timer: NodeJS.Timeout | null = null;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  constructor(
    private readonly config: HealthCheckConfig,
    private readonly pool: UpstreamPool,
    private readonly clock: () => number,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.checkAll(), this.config.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.agent.destroy();
  }

  /** Probes every upstream now (skipping ones with a probe in flight) and resolves when all answered. */
  async checkAll(): Promise<void> {
    await Promise.all(this.pool.all.map((u) => this.check(u)));
    this.pool.publishAll();
  }

  async check(u: Upstream): Promise<void> {
    if (u.checking) return;
    u.checking = true;
    const startedAt = this.clock();
    let result: ProbeResult;
    try {
      result = await this.probe(u);
    } catch (err) {
      result = { ok: false, error: `health check crashed: ${(err as Error).message}` };
    } finally {
      u.checking = false;
    }
    if (!this.pool.has(u)) return;
    const transition = u.recordCheck(
      result.ok,
      this.clock(),
      { healthy: this.config.healthyThreshold, unhealthy: this.config.unhealthyThreshold },
      { model: result.model, error: result.error },
      startedAt,
    );
    if (transition) this.pool.publish(u);
  }

  private probe(u: Upstream): Promise<ProbeResult> {
    return new Promise((resolve) => {
      let settled = false;
      const done = (r: ProbeResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(r);
      };
      const req = http.get({ agent: this.agent, host: u.host, port: u.port, path: this.config.path, headers: { accept: 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_BODY_BYTES) chunks.push(c);
        });
        res.on('error', (err) => done({ ok: false, error: `readiness response failed: ${err.message}` }));
        res.on('end', () => done(interpret(res.statusCode ?? 0, Buffer.concat(chunks))));
      });
      // The verdict waits for I/O already pending, so a stall of the gateway itself is not blamed on the replica.
      const timer = setTimeout(
        () =>
          afterPendingIo(() => {
            if (settled) return;
            done({ ok: false, error: `readiness check timed out after ${this.config.timeoutMs} ms` });
            req.destroy();
          }),
        this.config.timeoutMs,
      );
      req.on('error', (err: NodeJS.ErrnoException) => done({ ok: false, error: `readiness check failed: ${err.code ?? err.message}` }));
    });
  }
}

function interpret(status: number, body: Buffer): ProbeResult {
  let parsed: Partial<ReadinessBody> | null = null;
  try {
    parsed = JSON.parse(body.toString('utf8')) as Partial<ReadinessBody>;
  } catch {
    parsed = null;
  }
  const model = parsed && isModel(parsed.model) ? parsed.model : null;
  if (status === 200 && parsed?.ready !== false) return { ok: true, model };
  const reason = typeof parsed?.reason === 'string' ? parsed.reason : `status ${status}`;
  return { ok: false, model, error: `not ready: ${reason}` };
}

function isModel(m: unknown): m is ServedModel {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as Record<string, unknown>;
  return typeof o.name === 'string' && typeof o.version === 'string' && typeof o.sha256 === 'string';
}
