/**
 * A STAND-IN for the few Kubernetes API endpoints the providers call (no API server can run on these
 * machines): a node:http server on 127.0.0.1 that keeps pods, Deployments/StatefulSets and custom
 * objects in memory and imitates what the real controllers would do next (a ReplicaSet replacing
 * a deleted pod with a new UID, ready replicas following a scale, Chaos Mesh setting AllInjected,
 * the k6 operator moving a TestRun to `finished`). It records every request so tests can check the
 * bodies against the real schemas. It is not Kubernetes: no admission, no RBAC, no watch.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  body: unknown;
}

export interface Pod {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: { name: string; namespace: string; uid: string; labels: Record<string, string> };
  spec: { nodeName: string };
  status: { phase: string; conditions: Array<{ type: string; status: string }> };
}

interface Workload {
  kind: 'Deployment' | 'StatefulSet';
  name: string;
  namespace: string;
  replicas: number;
  readyReplicas: number;
  labels: Record<string, string>;
}

export interface StandInOptions {
  /** Polls (GETs/LISTs) before a replacement pod or a scaled workload is ready. Default 2. */
  readyAfterPolls?: number;
  /** Polls of a chaos object before Chaos Mesh reports AllInjected. Default 1; Infinity = never. */
  injectAfterPolls?: number;
  /** Polls of a TestRun before the k6 operator reports stage `finished` (`started` before). Default 2. */
  k6FinishAfterPolls?: number;
  /**
   * Called when a TestRun is created, with the runner pods the operator would start for it (named
   * `<testrun>-<n>-<hash>`, labelled `app=k6,k6_cr=<testrun>,runner=true`): tests write the
   * runners' output files here, as the runners would on the shared volume.
   */
  onTestRun?: (testRun: Record<string, any>, runners: Pod[]) => void;
}

function matches(labels: Record<string, string>, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((kv) => {
    const [k, v] = kv.split('=');
    return labels[k] === v;
  });
}

export class KubeApiStandIn {
  readonly requests: RecordedRequest[] = [];
  private server: Server | null = null;
  private pods: Pod[] = [];
  private pending: Array<{ pod: Pod; polls: number }> = [];
  private workloads: Workload[] = [];
  private custom = new Map<string, { obj: Record<string, any>; polls: number }>();
  url = '';

  constructor(private readonly opts: StandInOptions = {}) {}

  addPods(namespace: string, labels: Record<string, string>, count: number, prefix = 'recsys-replica'): Pod[] {
    const out: Pod[] = [];
    for (let i = 0; i < count; i++) out.push(this.newPod(namespace, labels, prefix, i));
    this.pods.push(...out);
    return out;
  }

  addWorkload(w: Omit<Workload, 'readyReplicas'>): void {
    this.workloads.push({ ...w, readyReplicas: w.replicas });
  }

  podsOf(namespace: string): Pod[] {
    return this.pods.filter((p) => p.metadata.namespace === namespace);
  }

  customObjects(): Array<Record<string, any>> {
    return [...this.custom.values()].map((c) => c.obj);
  }

  /** Create a leftover object as an earlier (crashed) run would have. */
  putCustom(group: string, version: string, plural: string, obj: Record<string, any>): void {
    this.custom.set(`${group}/${version}/${obj.metadata.namespace}/${plural}/${obj.metadata.name}`, { obj, polls: 0 });
  }

  private newPod(namespace: string, labels: Record<string, string>, prefix: string, i: number): Pod {
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${prefix}-${randomUUID().slice(0, 5)}`, namespace, uid: randomUUID(), labels: { ...labels } },
      spec: { nodeName: `node-${i % 3}` },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    };
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private tick(): void {
    const ready = this.opts.readyAfterPolls ?? 2;
    for (const p of this.pending) p.polls++;
    this.pods.push(...this.pending.filter((p) => p.polls >= ready).map((p) => p.pod));
    this.pending = this.pending.filter((p) => p.polls < ready);
    for (const w of this.workloads) if (w.readyReplicas !== w.replicas) w.readyReplicas += Math.sign(w.replicas - w.readyReplicas);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const u = new URL(req.url ?? '/', 'http://stand-in');
    const body = text ? JSON.parse(text) : undefined;
    this.requests.push({ method: req.method ?? 'GET', path: u.pathname, query: Object.fromEntries(u.searchParams), contentType: req.headers['content-type'], body });
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    const notFound = (what: string) => send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `${what} not found` });
    const m = req.method ?? 'GET';
    const p = u.pathname.split('/').filter(Boolean);
    if (m === 'GET') this.tick();

    // /api/v1/namespaces/{ns}/pods[/{name}]  and  /api/v1/namespaces/{ns}/configmaps
    if (p[0] === 'api' && p[1] === 'v1' && p[2] === 'namespaces') {
      const ns = p[3];
      if (p[4] === 'pods' && !p[5] && m === 'GET') {
        const items = this.pods.filter((x) => x.metadata.namespace === ns && matches(x.metadata.labels, u.searchParams.get('labelSelector') ?? undefined));
        return send(200, { apiVersion: 'v1', kind: 'PodList', metadata: {}, items });
      }
      if (p[4] === 'pods' && p[5] && m === 'DELETE') {
        const pod = this.pods.find((x) => x.metadata.namespace === ns && x.metadata.name === p[5]);
        if (!pod) return notFound(`pods "${p[5]}"`);
        this.pods = this.pods.filter((x) => x !== pod);
        // The ReplicaSet notices and creates a replacement with a new name and UID.
        this.pending.push({ pod: this.newPod(ns, pod.metadata.labels, pod.metadata.name.replace(/-[^-]+$/, ''), 0), polls: 0 });
        return send(200, pod);
      }
      if (p[4] === 'configmaps' && m === 'POST') {
        this.custom.set(`v1/${ns}/configmaps/${body.metadata.name}`, { obj: body, polls: 0 });
        return send(201, body);
      }
      if (p[4] === 'configmaps' && p[5] && m === 'DELETE') {
        return this.custom.delete(`v1/${ns}/configmaps/${p[5]}`) ? send(200, {}) : notFound(`configmaps "${p[5]}"`);
      }
    }

    // /apis/apps/v1/namespaces/{ns}/{deployments|statefulsets}/{name}[/scale]
    if (p[0] === 'apis' && p[1] === 'apps' && p[2] === 'v1' && p[3] === 'namespaces') {
      const ns = p[4];
      const kind = p[5] === 'deployments' ? 'Deployment' : p[5] === 'statefulsets' ? 'StatefulSet' : null;
      const w = this.workloads.find((x) => x.kind === kind && x.namespace === ns && x.name === p[6]);
      if (!w) return notFound(`${p[5]} "${p[6]}"`);
      const scale = () => ({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: w.name, namespace: ns }, spec: { replicas: w.replicas }, status: { replicas: w.readyReplicas } });
      if (p[7] === 'scale' && m === 'GET') return send(200, scale());
      if (p[7] === 'scale' && m === 'PATCH') {
        if (req.headers['content-type'] !== 'application/merge-patch+json') return send(415, { kind: 'Status', code: 415, message: `unsupported patch type ${req.headers['content-type']}` });
        w.replicas = body.spec.replicas;
        return send(200, scale());
      }
      if (!p[7] && m === 'GET') {
        return send(200, { apiVersion: 'apps/v1', kind, metadata: { name: w.name, namespace: ns, labels: w.labels }, spec: { replicas: w.replicas }, status: { replicas: w.replicas, readyReplicas: w.readyReplicas } });
      }
    }

    // /apis/{group}/{version}/namespaces/{ns}/{plural}[/{name}]
    if (p[0] === 'apis' && p[3] === 'namespaces' && p[5]) {
      const [group, version, ns, plural, name] = [p[1], p[2], p[4], p[5], p[6]];
      const prefix = `${group}/${version}/${ns}/${plural}/`;
      if (!name && m === 'POST') {
        const key = prefix + body.metadata.name;
        if (this.custom.has(key)) return send(409, { kind: 'Status', code: 409, reason: 'AlreadyExists', message: `${plural} "${body.metadata.name}" already exists` });
        this.custom.set(key, { obj: structuredClone(body), polls: 0 });
        if (group === 'k6.io' && plural === 'testruns') {
          const name = body.metadata.name as string;
          const runners = Array.from({ length: Number(body.spec.parallelism) || 1 }, (_, i) => this.newPod(ns, { app: 'k6', k6_cr: name, runner: 'true' }, `${name}-${i + 1}`, i));
          this.pods.push(...runners);
          this.opts.onTestRun?.(body, runners);
        }
        return send(201, body);
      }
      if (!name && m === 'GET') {
        const items = [...this.custom.entries()].filter(([k, v]) => k.startsWith(prefix) && matches(v.obj.metadata.labels ?? {}, u.searchParams.get('labelSelector') ?? undefined)).map(([, v]) => v.obj);
        return send(200, { apiVersion: `${group}/${version}`, kind: 'List', items });
      }
      const entry = this.custom.get(prefix + name);
      if (!entry) return notFound(`${plural} "${name}"`);
      if (m === 'DELETE') {
        this.custom.delete(prefix + name);
        // The TestRun's runner pods go with it (owner references).
        if (group === 'k6.io') this.pods = this.pods.filter((x) => !(x.metadata.namespace === ns && x.metadata.labels.k6_cr === name));
        return send(200, entry.obj);
      }
      if (m === 'GET') {
        entry.polls++;
        if (group === 'chaos-mesh.org' && entry.polls >= (this.opts.injectAfterPolls ?? 1)) {
          const targets = this.pods.filter((x) => x.metadata.namespace === ns && matches(x.metadata.labels, Object.entries(entry.obj.spec.selector?.labelSelectors ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || undefined));
          entry.obj.status = {
            conditions: [
              { type: 'Selected', status: 'True' },
              { type: 'AllInjected', status: 'True' },
              { type: 'AllRecovered', status: 'False' },
              { type: 'Paused', status: 'False' },
            ],
            experiment: { desiredPhase: 'Run', containerRecords: targets.map((t) => ({ id: `${ns}/${t.metadata.name}`, phase: 'Injected', injectedCount: 1, recoveredCount: 0, selectorKey: '.' })) },
          };
        }
        if (group === 'k6.io') entry.obj.status = { stage: entry.polls >= (this.opts.k6FinishAfterPolls ?? 2) ? 'finished' : 'started' };
        return send(200, entry.obj);
      }
    }
    notFound(`${m} ${u.pathname} (not served by the stand-in)`);
  }
}
