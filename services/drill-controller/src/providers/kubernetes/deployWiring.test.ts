/**
 * deploy/ and the providers agree: the controller accepts the controller.yaml deploy/ generates,
 * and every Kubernetes API call the providers make (recorded by the API STAND-IN while they inject
 * and clear every kind of fault) is allowed by the Role deploy/ gives the controller — and nothing
 * the Role grants goes unused.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CONTROLLER_RULES } from '@drillbook/deploy';
import { parseConfig } from '../../server/config/load.js';
import { loadConfig as replicaConfig } from '@drillbook/inference/config';
import { KubeApiStandIn, type RecordedRequest } from './__fixtures__/apiStandIn.js';
import { ChaosMeshProvider, type ChaosSpec } from './chaosMesh.js';
import { startDistributedLoad } from './distributedLoad.js';
import { kubeApis, kubeConfigFor } from './kube.js';
import { KubernetesProvider } from './podProvider.js';
import { NamespaceGuard } from './selection.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');
const controllerYaml = () => {
  const docs = parseAllDocuments(readFileSync(path.join(REPO, 'deploy/generated/base/controller.yaml'), 'utf8')).map((d) => d.toJS() as { kind: string; data?: Record<string, string> });
  return docs.find((d) => d.kind === 'ConfigMap')!.data!['controller.yaml'];
};

/** `GET /apis/apps/v1/namespaces/ns/deployments/x/scale` -> { group: 'apps', resource: 'deployments/scale', verb: 'get' }. */
function access(r: RecordedRequest): { group: string; resource: string; verb: string } {
  const p = r.path.split('/').filter(Boolean);
  const [group, rest] = p[0] === 'api' ? ['', p.slice(2)] : [p[1], p.slice(3)];
  const [, , resource, name, sub] = rest;
  const verb = { GET: name ? 'get' : 'list', POST: 'create', DELETE: 'delete', PATCH: 'patch', PUT: 'update' }[r.method]!;
  return { group, resource: sub ? `${resource}/${sub}` : resource, verb };
}

describe('deploy/ and the providers agree', () => {
  it('the controller accepts the generated controller.yaml (with its Secret-fed environment)', () => {
    const env = { DRILLBOOK_DATABASE_URL: 'postgres://drillbook@db:5432/drillbook', RECSYS_GATEWAY_ADMIN_TOKEN: 't' };
    const { config } = parseConfig(controllerYaml(), 'controller.yaml', env);
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 7070 });
    expect(() => parseConfig(controllerYaml(), 'controller.yaml', {})).toThrow(/DRILLBOOK_DATABASE_URL is not set/);
  });

  it('an inference replica accepts the environment the generated Deployment gives it (pod name as id)', () => {
    const docs = parseAllDocuments(readFileSync(path.join(REPO, 'deploy/generated/base/reference-stack.yaml'), 'utf8')).map((d) => d.toJS() as any);
    const container = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'recsys-replica').spec.template.spec.containers[0];
    const env: Record<string, string> = {};
    for (const e of container.env as Array<{ name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }>) {
      // What the downward API would give on a typical cloud node.
      const field: Record<string, string> = { 'metadata.name': 'recsys-replica-7d9f8b6c4d-x2x7k', 'spec.nodeName': 'ip-10-0-1-23.eu-west-1.compute.internal' };
      env[e.name] = e.value ?? (e.valueFrom?.fieldRef ? field[e.valueFrom.fieldRef.fieldPath] : 'secret-value');
    }
    const cfg = replicaConfig(env);
    expect(cfg).toMatchObject({ id: 'recsys-replica-7d9f8b6c4d-x2x7k', host: '0.0.0.0', port: container.ports[0].containerPort });
  });

  it('every API call the providers make is granted by the controller Role, and every grant is used', async () => {
    const standIn = new KubeApiStandIn({ readyAfterPolls: 1 });
    await standIn.start();
    try {
      const NS = 'recsys';
      const sel = { app: 'replica' };
      standIn.addPods(NS, sel, 4);
      standIn.addWorkload({ kind: 'Deployment', name: 'd', namespace: NS, replicas: 2, labels: sel });
      standIn.addWorkload({ kind: 'StatefulSet', name: 's', namespace: NS, replicas: 2, labels: sel });
      const api = kubeApis(kubeConfigFor(standIn.url));
      const guard = new NamespaceGuard([NS]);
      const fast = { pollMs: 5, readyTimeoutMs: 3000, injectTimeoutMs: 3000 };
      const k8s = new KubernetesProvider(api, { namespaces: guard, ...fast });
      const chaos = new ChaosMeshProvider(api, { namespaces: guard, ...fast });
      const opts = { ttlMs: 10_000, maxPods: 4, maxZones: 2 };
      await k8s.inject({ action: 'pod-delete', namespace: NS, selector: sel, mode: { mode: 'one' } }, opts);
      for (const kind of ['Deployment', 'StatefulSet'] as const) await k8s.clear((await k8s.inject({ action: 'scale', namespace: NS, workload: { kind, name: kind === 'Deployment' ? 'd' : 's' }, replicas: 1 }, opts)).id);
      const specs: ChaosSpec[] = [
        { kind: 'PodChaos', action: 'pod-kill', namespace: NS, selector: sel, mode: { mode: 'one' } },
        { kind: 'NetworkChaos', action: 'loss', namespace: NS, selector: sel, mode: { mode: 'one' }, lossPercent: 10 },
        { kind: 'StressChaos', namespace: NS, selector: sel, mode: { mode: 'one' }, cpu: { workers: 1, load: 50 } },
        { kind: 'HTTPChaos', namespace: NS, selector: sel, mode: { mode: 'one' }, port: 80, abort: true },
      ];
      for (const s of specs) await chaos.clear((await chaos.inject(s, opts)).id);
      await chaos.clearLeftovers(NS);
      // The engine's distributed load: create, poll, list the runner pods, delete (no runner files here: a failed outcome).
      const claim = mkdtempSync(path.join(tmpdir(), 'drillbook-wiring-'));
      try {
        const run = startDistributedLoad({ namespace: NS, name: 'l', parallelism: 2, script: { file: 's.js', source: '' }, env: {}, outputClaim: 'c' }, { phases: [{ phase: 'baseline', durationS: 0.01, rate: 1, mix: 'training' }], outDir: path.join(claim, 'load') }, { api, namespaces: guard, outputDir: claim, pollMs: 5, finishGraceMs: 0 });
        expect((await run.done).error).toMatch(/runner output missing/);
      } finally {
        rmSync(claim, { recursive: true, force: true });
      }

      const allowed = (a: ReturnType<typeof access>) => CONTROLLER_RULES.some((r) => r.apiGroups!.includes(a.group) && r.resources!.includes(a.resource) && r.verbs.includes(a.verb));
      const calls = standIn.requests.map(access);
      expect(calls.filter((a) => !allowed(a))).toEqual([]);
      const used = new Set(calls.map((a) => `${a.group}|${a.resource}|${a.verb}`));
      const granted = CONTROLLER_RULES.flatMap((r) => r.apiGroups!.flatMap((g) => r.resources!.flatMap((res) => r.verbs.map((v) => `${g}|${res}|${v}`))));
      expect(granted.filter((g) => !used.has(g))).toEqual([]);
    } finally {
      await standIn.stop();
    }
  });
});
