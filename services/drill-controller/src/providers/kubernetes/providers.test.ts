/**
 * The Kubernetes and Chaos Mesh providers against a STAND-IN of the Kubernetes API (a node:http
 * server on 127.0.0.1; no API server can run here). What is real: @kubernetes/client-node and its
 * requests, and the schemas every request body is checked against — the Kubernetes OpenAPI schema
 * (kubernetes-models) and the upstream Chaos Mesh CRDs in ../shared/fixtures/kubernetes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CrdValidator, crdFixturesPresent, validateBuiltIn } from '@drillbook/deploy';
import { KubeApiStandIn } from './__fixtures__/apiStandIn.js';
import { ChaosMeshProvider, chaosObject, type ChaosSpec } from './chaosMesh.js';
import { kubeApis, kubeConfigFor } from './kube.js';
import { KubernetesProvider } from './podProvider.js';
import { NamespaceGuard, podCount } from './selection.js';

const NS = 'recsys';
const LABELS = { 'app.kubernetes.io/name': 'recsys-replica' };
const crds = crdFixturesPresent() ? new CrdValidator() : null;

let standIn: KubeApiStandIn;
beforeEach(async () => {
  standIn = new KubeApiStandIn();
  await standIn.start();
});
afterEach(async () => standIn.stop());

const fast = { pollMs: 5, readyTimeoutMs: 3000, injectTimeoutMs: 3000 };
const k8s = () => new KubernetesProvider(kubeApis(kubeConfigFor(standIn.url)), { namespaces: new NamespaceGuard([NS]), ...fast });
const chaos = () => new ChaosMeshProvider(kubeApis(kubeConfigFor(standIn.url)), { namespaces: new NamespaceGuard([NS]), ...fast });

describe('mode: how many pods a step acts on (Chaos Mesh semantics)', () => {
  it('picks one, a fixed number (capped at what matches), a percentage rounded down, or all', () => {
    expect(podCount({ mode: 'one' }, 6)).toBe(1);
    expect(podCount({ mode: 'fixed', value: 2 }, 6)).toBe(2);
    expect(podCount({ mode: 'fixed', value: 9 }, 6)).toBe(6);
    expect(podCount({ mode: 'fixed-percent', value: 50 }, 5)).toBe(2);
    expect(podCount({ mode: 'all' }, 6)).toBe(6);
  });
  it('refuses a mode that selects nothing, and a selector that matches nothing', () => {
    expect(() => podCount({ mode: 'fixed-percent', value: 10 }, 3)).toThrow(/selects no pod out of 3/);
    expect(() => podCount({ mode: 'one' }, 0)).toThrow(/matches no pod/);
  });
});

describe('Kubernetes provider against the API stand-in', () => {
  it('deletes the chosen pods with grace period 0, and proves it from the API: old UIDs gone, replacements ready with new UIDs', async () => {
    const before = standIn.addPods(NS, LABELS, 4);
    standIn.addPods(NS, { 'app.kubernetes.io/name': 'recsys-gateway' }, 2, 'recsys-gateway');
    const p = k8s();
    const inj = await p.inject({ action: 'pod-delete', namespace: NS, selector: LABELS, mode: { mode: 'fixed', value: 2 } }, { ttlMs: 30_000, maxPods: 2 });
    const deletes = standIn.requests.filter((r) => r.method === 'DELETE');
    expect(deletes).toHaveLength(2);
    for (const d of deletes) {
      expect(d.path).toMatch(new RegExp(`^/api/v1/namespaces/${NS}/pods/recsys-replica-`));
      expect(d.body).toEqual({ apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 });
      expect(() => validateBuiltIn(d.body as never)).not.toThrow();
    }
    expect(standIn.requests.find((r) => r.method === 'GET')!.query.labelSelector).toBe('app.kubernetes.io/name=recsys-replica');
    expect(standIn.podsOf(NS).filter((x) => x.metadata.labels['app.kubernetes.io/name'] === 'recsys-gateway')).toHaveLength(2);
    expect(inj.evidence[0]).toMatchObject({ signal: 'pod-deleted' });
    const deleted = new Set(deletes.map((d) => before.find((b) => d.path.endsWith(b.metadata.name))!.metadata.uid));
    const back = await p.waitReplaced(NS, LABELS, deleted, 4);
    expect(back.signal).toBe('pod-replaced');
    const now = standIn.podsOf(NS).filter((x) => x.metadata.labels['app.kubernetes.io/name'] === 'recsys-replica');
    expect(now).toHaveLength(4);
    for (const uid of deleted) expect(now.map((x) => x.metadata.uid)).not.toContain(uid);
  });

  it('refuses a namespace outside the allow-list and a selection beyond the blast radius, deleting nothing', async () => {
    standIn.addPods(NS, LABELS, 4);
    standIn.addPods('kube-system', LABELS, 4);
    const p = k8s();
    await expect(p.inject({ action: 'pod-delete', namespace: 'kube-system', selector: LABELS, mode: { mode: 'one' } }, { ttlMs: 1000, maxPods: 4 })).rejects.toThrow(/namespace "kube-system" is not allow-listed/);
    await expect(p.inject({ action: 'pod-delete', namespace: NS, selector: LABELS, mode: { mode: 'all' } }, { ttlMs: 1000, maxPods: 3 })).rejects.toThrow(/would act on 4 pod\(s\), more than the blast radius allows \(3\)/);
    await expect(p.inject({ action: 'pod-delete', namespace: NS, selector: {}, mode: { mode: 'one' } }, { ttlMs: 1000, maxPods: 3 })).rejects.toThrow(/at least one label/);
    expect(standIn.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
  });

  it('scales a Deployment with a merge patch on its scale subresource and restores it on clear, proving ready replicas are back', async () => {
    standIn.addWorkload({ kind: 'Deployment', name: 'recsys-replica', namespace: NS, replicas: 3, labels: LABELS });
    const p = k8s();
    const inj = await p.inject({ action: 'scale', namespace: NS, workload: { kind: 'Deployment', name: 'recsys-replica' }, replicas: 1 }, { ttlMs: 60_000, maxPods: 2 });
    const patch = standIn.requests.find((r) => r.method === 'PATCH')!;
    expect(patch).toMatchObject({ path: `/apis/apps/v1/namespaces/${NS}/deployments/recsys-replica/scale`, contentType: 'application/merge-patch+json', body: { spec: { replicas: 1 } } });
    expect(() => validateBuiltIn({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'recsys-replica' }, ...(patch.body as object) })).not.toThrow();
    expect(inj.evidence[0].detail).toContain('spec.replicas 1 (was 3)');
    expect(p.active().map((i) => i.id)).toEqual([inj.id]);
    const ev = await p.clear(inj.id);
    expect(standIn.requests.filter((r) => r.method === 'PATCH').map((r) => r.body)).toEqual([{ spec: { replicas: 1 } }, { spec: { replicas: 3 } }]);
    expect(ev).toEqual([expect.objectContaining({ signal: 'ready-replicas-restored', detail: expect.stringContaining('status.readyReplicas 3') })]);
    expect(p.active()).toEqual([]);
    expect(await p.clear(inj.id)).toEqual([]);
  });

  it('refuses to scale a StatefulSet down by more pods than the blast radius allows', async () => {
    standIn.addWorkload({ kind: 'StatefulSet', name: 'feature-store', namespace: NS, replicas: 5, labels: {} });
    await expect(k8s().inject({ action: 'scale', namespace: NS, workload: { kind: 'StatefulSet', name: 'feature-store' }, replicas: 0 }, { ttlMs: 1000, maxPods: 2 })).rejects.toThrow(/from 5 to 0 would act on 5 pod/);
    expect(standIn.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
  });
});

const chaosCases: Array<[string, ChaosSpec, Record<string, unknown>]> = [
  ['PodChaos pod-kill', { kind: 'PodChaos', action: 'pod-kill', namespace: NS, selector: LABELS, mode: { mode: 'one' } }, { action: 'pod-kill', mode: 'one' }],
  ['NetworkChaos delay', { kind: 'NetworkChaos', action: 'delay', namespace: NS, selector: LABELS, mode: { mode: 'all' }, latency: '200ms', jitter: '20ms' }, { action: 'delay', delay: { latency: '200ms', jitter: '20ms' } }],
  ['NetworkChaos loss', { kind: 'NetworkChaos', action: 'loss', namespace: NS, selector: LABELS, mode: { mode: 'fixed-percent', value: 50 }, lossPercent: 25 }, { action: 'loss', mode: 'fixed-percent', value: '50', loss: { loss: '25' } }],
  [
    'NetworkChaos partition between zones',
    { kind: 'NetworkChaos', action: 'partition', namespace: NS, selector: LABELS, mode: { mode: 'all' }, fromZone: 'zone-a', toZone: 'zone-b' },
    { action: 'partition', direction: 'both', target: { mode: 'all', selector: { namespaces: [NS], labelSelectors: LABELS, nodeSelectors: { 'topology.kubernetes.io/zone': 'zone-b' } } } },
  ],
  ['StressChaos CPU', { kind: 'StressChaos', namespace: NS, selector: LABELS, mode: { mode: 'fixed', value: 1 }, cpu: { workers: 2, load: 90 } }, { stressors: { cpu: { workers: 2, load: 90 } } }],
  ['HTTPChaos delay', { kind: 'HTTPChaos', namespace: NS, selector: LABELS, mode: { mode: 'all' }, port: 8081, path: '/v1/recommend', delay: '300ms' }, { target: 'Request', port: 8081, path: '/v1/recommend', delay: '300ms' }],
  ['HTTPChaos abort', { kind: 'HTTPChaos', namespace: NS, selector: LABELS, mode: { mode: 'one' }, port: 8081, abort: true }, { abort: true }],
  ['HTTPChaos replace', { kind: 'HTTPChaos', namespace: NS, selector: LABELS, mode: { mode: 'one' }, port: 8081, target: 'Response', replace: { code: 503, body: '{"error":"drill"}' } }, { target: 'Response', replace: { code: 503, body: Buffer.from('{"error":"drill"}').toString('base64') } }],
];

describe('Chaos Mesh provider against the API stand-in', () => {
  it.each(chaosCases)('%s: created with duration = TTL, valid against the upstream CRD, AllInjected as evidence, deleted on clear', async (_name, spec, expected) => {
    standIn.addPods(NS, LABELS, 4);
    const p = chaos();
    const inj = await p.inject(spec, { ttlMs: 45_000, maxPods: 4, maxZones: 2, note: 'drill d1 step s1' });
    const create = standIn.requests.find((r) => r.method === 'POST')!;
    const plural = { PodChaos: 'podchaos', NetworkChaos: 'networkchaos', StressChaos: 'stresschaos', HTTPChaos: 'httpchaos' }[spec.kind];
    expect(create.path).toBe(`/apis/chaos-mesh.org/v1alpha1/namespaces/${NS}/${plural}`);
    const body = create.body as { kind: string; spec: Record<string, unknown> };
    expect(body.kind).toBe(spec.kind);
    expect(body.spec).toMatchObject({ duration: '45s', selector: { namespaces: [NS], labelSelectors: LABELS }, ...expected });
    if (crds) expect(crds.problems(body)).toEqual([]);
    expect(inj.evidence[0]).toMatchObject({ signal: 'chaos-injected', detail: expect.stringContaining('AllInjected=True') });
    expect(p.active().map((i) => i.id)).toEqual([inj.id]);
    const cleared = await p.clear(inj.id);
    expect(standIn.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([`${create.path}/${(body as { metadata?: { name: string } } & typeof body).metadata!.name}`]);
    expect(cleared[0].signal).toBe('chaos-deleted');
    expect(standIn.customObjects()).toEqual([]);
    expect(p.active()).toEqual([]);
  });

  it('plans exactly the object it creates (the dry run prints this)', async () => {
    standIn.addPods(NS, LABELS, 2);
    const spec: ChaosSpec = { kind: 'PodChaos', action: 'pod-kill', namespace: NS, selector: LABELS, mode: { mode: 'one' }, name: 'drillbook-d1-kill' };
    const planned = chaos().plan(spec, { ttlMs: 10_000, maxPods: 1, note: 'n' });
    await chaos().inject(spec, { ttlMs: 10_000, maxPods: 1, note: 'n' });
    expect(standIn.requests.find((r) => r.method === 'POST')!.body).toEqual(planned[0]);
  });

  it('deletes the object again and fails when Chaos Mesh never reports AllInjected (nothing left behind)', async () => {
    await standIn.stop();
    standIn = new KubeApiStandIn({ injectAfterPolls: Infinity });
    await standIn.start();
    standIn.addPods(NS, LABELS, 2);
    const p = new ChaosMeshProvider(kubeApis(kubeConfigFor(standIn.url)), { namespaces: new NamespaceGuard([NS]), pollMs: 5, injectTimeoutMs: 200 });
    await expect(p.inject({ kind: 'StressChaos', namespace: NS, selector: LABELS, mode: { mode: 'one' }, cpu: { workers: 1, load: 50 } }, { ttlMs: 5000, maxPods: 1 })).rejects.toThrow(/AllInjected: not seen within 0.2s; the StressChaos was deleted again/);
    expect(standIn.customObjects()).toEqual([]);
    expect(p.active()).toEqual([]);
  });

  it('refuses a zone partition when the blast radius allows one zone, creating nothing', async () => {
    standIn.addPods(NS, LABELS, 2);
    await expect(chaos().inject({ kind: 'NetworkChaos', action: 'partition', namespace: NS, selector: LABELS, mode: { mode: 'all' }, fromZone: 'zone-a', toZone: 'zone-b' }, { ttlMs: 5000, maxPods: 4 })).rejects.toThrow(/2 zone\(s\), more than the blast radius allows \(1\)/);
    expect(standIn.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('after a crash, deletes the chaos objects Drillbook left in the namespace (and only those)', async () => {
    const leftover = chaosObject({ kind: 'PodChaos', action: 'pod-failure', namespace: NS, selector: LABELS, mode: { mode: 'one' } }, 60_000, 'drillbook-old');
    standIn.putCustom('chaos-mesh.org', 'v1alpha1', 'podchaos', leftover);
    standIn.putCustom('chaos-mesh.org', 'v1alpha1', 'podchaos', { ...leftover, metadata: { name: 'someone-elses', namespace: NS, labels: {} } });
    expect(await chaos().clearLeftovers(NS)).toEqual(['PodChaos/drillbook-old']);
    expect(standIn.customObjects().map((o) => o.metadata.name)).toEqual(['someone-elses']);
  });

  it.skipIf(!crds)('the CRD check catches a malformed chaos object (mode outside the enum, duration as a number)', () => {
    const obj = chaosObject({ kind: 'PodChaos', action: 'pod-kill', namespace: NS, selector: LABELS, mode: { mode: 'one' } }, 1000, 'x');
    expect(crds!.problems({ ...obj, spec: { ...obj.spec, mode: 'half', duration: 30 } }).map((p) => p.path).sort()).toEqual(['/spec/duration', '/spec/mode']);
  });
});
