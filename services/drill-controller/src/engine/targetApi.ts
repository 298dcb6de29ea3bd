/**
 * Every I/O a drill does with its target, behind one interface: readiness, metrics, warm-up and
 * probe requests, the replicas' fault and model admin APIs, the gateway's canary. The engine, its
 * steps and its undo call only this; `httpTargetApi` speaks the reference services' HTTP APIs, and a
 * test can hand the engine an in-memory target instead (engine/__fixtures__/fakeTarget.ts).
 */
import { ADMIN_PATHS, SYNTHETIC_HEADER, type ActiveFault, type FaultRequest, type ReadinessBody, type TargetProtocol } from '@drillbook/contracts';
import { adapterFor, type Adapter } from '../load/adapters.js';
import { TargetError } from '../errors.js';
import { parsePromText, type Sample } from './promText.js';

export interface ReplicaRef {
  id: string;
  zone: string;
  url: string;
}

export interface ReadinessAnswer {
  status: number;
  body: ReadinessBody | null;
  /** The path that decided (the first not-ready one, or the last checked). */
  path?: string;
}

export interface TargetApi {
  /**
   * `GET {url}/readyz` of a replica; for the gateway URL, the readiness checks of the target's
   * protocol (drillbook: `/readyz`; oip-v2: `/v2/health/ready` then the model's `/ready`; json: its
   * `readinessPath`), the first that does not answer 200 deciding (`failed` names it). Rejects when unreachable.
   */
  readiness(url: string, timeoutMs?: number): Promise<ReadinessAnswer>;
  /** `GET {url}/metrics`, parsed; rejects when unreachable or not 200. */
  metrics(url: string, timeoutMs?: number): Promise<Sample[]>;
  /** One synthetic recommendation through the gateway in the target's protocol (warm-up); resolves whether it answered 2xx with an answer that fits the protocol. */
  recommend(body: { userId: string; query: string; k: number }, timeoutMs?: number): Promise<boolean>;
  /** Any HTTP request a probe makes; resolves with the status and how long it took. */
  request(url: string, init: { method?: string; body?: unknown; timeoutMs: number }): Promise<{ status: number; ms: number }>;
  injectFault(replica: ReplicaRef, fault: FaultRequest & { ttlMs: number; note?: string }): Promise<ActiveFault>;
  listFaults(replica: ReplicaRef): Promise<ActiveFault[]>;
  /** Resolves with the ids the replica actually cleared (empty when the fault had already expired). */
  clearFault(replica: Pick<ReplicaRef, 'id' | 'url'>, id: string): Promise<string[]>;
  deployModel(replica: ReplicaRef, version: string): Promise<{ serving: { version: string } | null }>;
  rollbackModel(replica: ReplicaRef): Promise<{ serving: { version: string } | null }>;
  startCanary(body: { version: string; weight: number; replicas: string[] }): Promise<{ active: { candidateReplicas: string[] } | null }>;
  /** Cancels the gateway's canary if one is active; resolves whether one was. */
  cancelCanary(): Promise<boolean>;
}

async function json<T>(res: Response, what: string): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new TargetError(`${what}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

async function readinessAt(url: string, timeoutMs: number): Promise<ReadinessAnswer> {
  const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await r.text();
  let body: ReadinessBody | null = null;
  try {
    body = JSON.parse(text) as ReadinessBody;
  } catch {
    body = null;
  }
  return { status: r.status, body, path: new URL(url).pathname };
}

/**
 * The target's HTTP APIs (gateway + replicas), authenticated with the admin token; the gateway's
 * readiness and recommendations in the target's protocol (default drillbook).
 */
export function httpTargetApi(gatewayUrl: string, adminToken: string, protocol?: TargetProtocol): TargetApi {
  const auth = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const base = (u: string) => u.replace(/\/$/, '');
  let adapter: Promise<Adapter> | null = null;
  const getAdapter = () => (adapter ??= adapterFor(protocol, 'target.protocol'));
  return {
    async readiness(url, timeoutMs = 3000) {
      if (base(url) !== base(gatewayUrl)) return readinessAt(`${base(url)}/readyz`, timeoutMs);
      const checks = (await getAdapter()).readiness;
      let last: ReadinessAnswer = { status: 200, body: null };
      for (const c of checks) {
        last = await readinessAt(`${base(gatewayUrl)}${c.path}`, timeoutMs);
        if (last.status !== 200) return last;
      }
      return last;
    },
    async metrics(url, timeoutMs = 2000) {
      const res = await fetch(`${base(url)}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) throw new TargetError(`${url}/metrics answered ${res.status}`);
      return parsePromText(await res.text());
    },
    async recommend(body, timeoutMs = 5000) {
      const a = await getAdapter();
      const req = a.build(body);
      const r = await fetch(`${base(gatewayUrl)}${req.path}`, { method: req.method, headers: { ...req.headers, [SYNTHETIC_HEADER]: 'true' }, body: req.body ?? undefined, signal: AbortSignal.timeout(timeoutMs) });
      const text = await r.text();
      if (!r.ok) return false;
      try {
        a.parse(text);
        return true;
      } catch {
        return false;
      }
    },
    async request(url, init) {
      const t0 = performance.now();
      const res = await fetch(url, {
        method: init.method ?? 'GET',
        headers: { 'content-type': 'application/json', [SYNTHETIC_HEADER]: 'true' },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(init.timeoutMs),
      });
      await res.text();
      return { status: res.status, ms: +(performance.now() - t0).toFixed(1) };
    },
    async injectFault(replica, fault) {
      return json<ActiveFault>(await fetch(`${base(replica.url)}${ADMIN_PATHS.faults}`, { method: 'POST', headers: auth, body: JSON.stringify(fault) }), `inject ${fault.type} on ${replica.id}`);
    },
    async listFaults(replica) {
      return (await json<{ faults: ActiveFault[] }>(await fetch(`${base(replica.url)}${ADMIN_PATHS.faults}`, { headers: auth }), `list faults on ${replica.id}`)).faults;
    },
    async clearFault(replica, id) {
      const res = await fetch(`${base(replica.url)}${ADMIN_PATHS.fault(id)}`, { method: 'DELETE', headers: auth, signal: AbortSignal.timeout(2000) });
      // 404: the replica no longer has it (expired by its TTL, or the process restarted).
      if (res.status === 404) return (await res.text(), []);
      return (await json<{ cleared?: string[] }>(res, `clear fault ${id} on ${replica.id}`)).cleared ?? [];
    },
    async deployModel(replica, version) {
      return json(await fetch(`${base(replica.url)}${ADMIN_PATHS.model}`, { method: 'POST', headers: auth, body: JSON.stringify({ version }) }), `deploy ${version} on ${replica.id}`);
    },
    async rollbackModel(replica) {
      return json(await fetch(`${base(replica.url)}${ADMIN_PATHS.modelRollback}`, { method: 'POST', headers: auth }), `roll back ${replica.id}`);
    },
    async startCanary(body) {
      return json(await fetch(`${base(gatewayUrl)}${ADMIN_PATHS.canary}`, { method: 'POST', headers: auth, body: JSON.stringify(body) }), `start canary ${body.version}`);
    },
    async cancelCanary() {
      const v = await json<{ active: unknown }>(await fetch(`${base(gatewayUrl)}${ADMIN_PATHS.canary}`, { headers: auth, signal: AbortSignal.timeout(2000) }), 'read the canary');
      if (!v.active) return false;
      await fetch(`${base(gatewayUrl)}${ADMIN_PATHS.canary}`, { method: 'DELETE', headers: auth, signal: AbortSignal.timeout(2000) });
      return true;
    },
  };
}
