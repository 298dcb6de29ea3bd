/**
 * A stand-in inference replica for the gateway's tests: real HTTP on 127.0.0.1 implementing the
 * replica interface (`/v1/recommend`, `/v1/popular`, `/readyz`, `/healthz`, `/admin/model`)
 * with behaviour a test can change: added latency, error rate, degraded answers, readiness, and
 * model versions of different ranking quality.
 *
 * Quality is honest, not read from the request: every user has three relevant items derived from
 * the user id (`relevantItemsFor`); a "good" version ranks them first, a "bad" one never does.
 * Tests send those ids as `x-ground-truth`, as the load engine sends held-out purchases.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ModelState, PopularResponse, ReadinessBody, RecommendResponse } from '@drillbook/contracts';

export interface VersionProfile {
  quality: 'good' | 'bad';
  /** Extra latency of this version's answers. */
  latencyMs?: number;
  /** Share of this version's answers that are 500s. */
  errorRate?: number;
}

export interface StandInBehaviour {
  /** Added to every /v1/recommend answer. */
  latencyMs: number;
  /** Share of /v1/recommend answered with 503. */
  errorRate: number;
  /** Answer with the popularity list, `degraded: true, reason: "model_unavailable"`. */
  degraded: boolean;
  /** What /readyz says. */
  ready: boolean;
}

export interface StandInOptions {
  id: string;
  zone?: string;
  port?: number;
  adminToken?: string;
  versions?: Record<string, VersionProfile>;
  serving?: string;
  behaviour?: Partial<StandInBehaviour>;
}

export interface StandIn {
  readonly id: string;
  readonly url: string;
  readonly port: number;
  behaviour: StandInBehaviour;
  /** /v1/recommend requests received (any outcome). */
  readonly received: () => number;
  readonly serving: () => string;
  close(): Promise<void>;
}

export const MODEL_NAME = 'two-tower';
export const DEFAULT_VERSIONS: Record<string, VersionProfile> = { v1: { quality: 'good' } };
const POPULAR: PopularResponse = {
  model: MODEL_NAME,
  items: Array.from({ length: 100 }, (_, i) => ({ itemId: `pop-${i}`, score: 1 - i / 100 })),
};

/** The three items user `userId` will buy (the stand-in world's ground truth). */
export function relevantItemsFor(userId: string): string[] {
  const h = createHash('sha1').update(userId).digest().readUInt32BE(0);
  return [0, 1, 2].map((j) => `item-${(h + j * 7919) % 5000}`);
}

function sha(version: string): string {
  return createHash('sha256').update(`stand-in:${version}`).digest('hex');
}

function readJson(req: http.IncomingMessage): Promise<Record<string, unknown> | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const v: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        resolve(typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
      } catch {
        resolve(null);
      }
    });
  });
}

function send(res: http.ServerResponse, status: number, body: unknown, replica: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-drillbook-replica': replica });
  res.end(text);
}

export async function startStandIn(options: StandInOptions): Promise<StandIn> {
  const id = options.id;
  const zone = options.zone ?? 'zone-a';
  const token = options.adminToken ?? 'replica-admin-token';
  const versions = options.versions ?? DEFAULT_VERSIONS;
  let serving = options.serving ?? Object.keys(versions)[0];
  const history: string[] = [];
  let received = 0;
  const behaviour: StandInBehaviour = { latencyMs: 0, errorRate: 0, degraded: false, ready: true, ...options.behaviour };

  const modelState = (): ModelState => ({
    replica: id,
    serving: { name: MODEL_NAME, version: serving, sha256: sha(serving) },
    history: [...history],
    available: Object.keys(versions),
  });

  const recommend = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    received += 1;
    const body = await readJson(req);
    if (body === null) return send(res, 400, { error: 'body must be a JSON object', field: 'body' }, id);
    if (typeof body.userId !== 'string' || body.userId === '') return send(res, 400, { error: 'userId must be a non-empty string', field: 'userId' }, id);
    const k = body.k;
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > 100) return send(res, 400, { error: 'k must be an integer in 1..100', field: 'k' }, id);
    const profile = versions[serving] ?? { quality: 'good' };
    const delay = behaviour.latencyMs + (profile.latencyMs ?? 0);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (Math.random() < behaviour.errorRate) return send(res, 503, { error: 'injected error' }, id);
    if (Math.random() < (profile.errorRate ?? 0)) return send(res, 500, { error: `version ${serving} failed` }, id);
    let answer: RecommendResponse;
    if (behaviour.degraded) {
      answer = { items: POPULAR.items.slice(0, k), model: MODEL_NAME, modelVersion: serving, degraded: true, reason: 'model_unavailable', replica: id };
    } else {
      const relevant = profile.quality === 'good' ? relevantItemsFor(body.userId) : [];
      const filler = Array.from({ length: k }, (_, i) => `filler-${i}`);
      const ids = [...relevant, ...filler].slice(0, k);
      answer = { items: ids.map((itemId, i) => ({ itemId, score: 1 - i / (k + 1) })), model: MODEL_NAME, modelVersion: serving, degraded: false, replica: id };
    }
    send(res, 200, answer, id);
  };

  const admin = async (req: http.IncomingMessage, res: http.ServerResponse, path: string) => {
    if (req.headers.authorization !== `Bearer ${token}`) {
      req.resume();
      return send(res, 401, { error: 'bad token', field: 'authorization' }, id);
    }
    if (req.method === 'GET' && path === '/admin/model') return send(res, 200, modelState(), id);
    if (req.method === 'POST' && path === '/admin/model') {
      const body = await readJson(req);
      const version = body?.version;
      if (typeof version !== 'string') return send(res, 400, { error: 'version must be a string', field: 'version' }, id);
      if (!(version in versions)) return send(res, 404, { error: `version ${version} not in the registry`, field: 'version' }, id);
      if (version !== serving) {
        history.push(serving);
        serving = version;
      }
      return send(res, 200, modelState(), id);
    }
    if (req.method === 'POST' && path === '/admin/model/rollback') {
      req.resume();
      const previous = history.pop();
      if (previous === undefined) return send(res, 409, { error: 'nothing to roll back to' }, id);
      serving = previous;
      return send(res, 200, modelState(), id);
    }
    req.resume();
    return send(res, 404, { error: 'no such admin route', field: 'path' }, id);
  };

  const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'POST' && path === '/v1/recommend') return void recommend(req, res);
    if (path.startsWith('/admin/')) return void admin(req, res, path);
    req.resume();
    if (path === '/healthz') return send(res, 200, { ok: true }, id);
    if (path === '/readyz') {
      const body: ReadinessBody = behaviour.ready
        ? { ready: true, replica: id, zone, model: { name: MODEL_NAME, version: serving, sha256: sha(serving) } }
        : { ready: false, replica: id, zone, model: null, reason: 'stand-in told not to be ready' };
      return send(res, behaviour.ready ? 200 : 503, body, id);
    }
    if (path === '/v1/popular') return send(res, 200, POPULAR, id);
    send(res, 404, { error: 'not found', field: 'path' }, id);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    id,
    url: `http://127.0.0.1:${port}`,
    port,
    behaviour,
    received: () => received,
    serving: () => serving,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
