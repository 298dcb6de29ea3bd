/**
 * Kubernetes provider (@kubernetes/client-node): delete pods chosen by label selector and mode
 * (a grace period of 0 kills them), or scale a Deployment/StatefulSet and restore it on clear.
 * Evidence is read back from the API: the deleted pods' UIDs are gone and their replacements are
 * ready; after a restore the workload's ready replicas are back to where they were.
 */
import { PatchStrategy, setHeaderOptions, type V1Pod } from '@kubernetes/client-node';
import type { KubeApis } from './kube.js';
import { poll } from './kube.js';
import { checkBlastRadius, describeMode, labelSelector, NamespaceGuard, pick, podCount } from './selection.js';
import { KubernetesFaultError, type Evidence, type FaultProvider, type Injection, type InjectOptions, type PodMode } from './types.js';

export type KubernetesSpec =
  | { action: 'pod-delete'; namespace: string; selector: Record<string, string>; mode: PodMode; gracePeriodSeconds?: number }
  | { action: 'scale'; namespace: string; workload: { kind: 'Deployment' | 'StatefulSet'; name: string }; replicas: number };

export interface KubernetesProviderOptions {
  namespaces: NamespaceGuard;
  /** How long to wait for replacements / restored replicas to be ready. Default 120 s. */
  readyTimeoutMs?: number;
  pollMs?: number;
  random?: () => number;
}

const isReady = (p: V1Pod) => !p.metadata?.deletionTimestamp && p.status?.phase === 'Running' && !!p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

interface ScaleState {
  kind: 'Deployment' | 'StatefulSet';
  name: string;
  from: number;
}

export class KubernetesProvider implements FaultProvider<KubernetesSpec> {
  private readonly injections = new Map<string, Injection & { scale?: ScaleState }>();
  private seq = 0;

  constructor(
    private readonly api: KubeApis,
    private readonly opts: KubernetesProviderOptions,
  ) {}

  plan(spec: KubernetesSpec): unknown[] {
    if (spec.action === 'scale') {
      return [{ patch: `${spec.workload.kind.toLowerCase()}s/${spec.workload.name}/scale`, namespace: spec.namespace, contentType: PatchStrategy.MergePatch, body: { spec: { replicas: spec.replicas } } }];
    }
    return [
      {
        delete: 'pods',
        namespace: spec.namespace,
        labelSelector: labelSelector(spec.selector),
        mode: describeMode(spec.mode),
        body: { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: spec.gracePeriodSeconds ?? 0 },
      },
    ];
  }

  async inject(spec: KubernetesSpec, opts: InjectOptions): Promise<Injection> {
    this.opts.namespaces.check(spec.namespace);
    return spec.action === 'scale' ? this.scale(spec, opts) : this.deletePods(spec, opts);
  }

  private record(inj: Injection & { scale?: ScaleState }): Injection {
    this.injections.set(inj.id, inj);
    return inj;
  }

  private base(spec: KubernetesSpec, action: string, opts: InjectOptions, objects: unknown[]) {
    const now = new Date();
    return {
      id: `kubernetes:${spec.namespace}/${action}-${++this.seq}`,
      provider: 'kubernetes' as const,
      action,
      namespace: spec.namespace,
      ttlMs: opts.ttlMs,
      injectedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + opts.ttlMs).toISOString(),
      objects,
    };
  }

  private async deletePods(spec: Extract<KubernetesSpec, { action: 'pod-delete' }>, opts: InjectOptions): Promise<Injection> {
    const selector = labelSelector(spec.selector);
    const list = await this.api.core.listNamespacedPod({ namespace: spec.namespace, labelSelector: selector });
    const live = list.items.filter((p) => !p.metadata?.deletionTimestamp);
    const n = podCount(spec.mode, live.length);
    checkBlastRadius(n, opts.maxPods, `deleting pods ${selector} (${describeMode(spec.mode)})`);
    const victims = pick(live, n, this.opts.random);
    const body = { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: spec.gracePeriodSeconds ?? 0 };
    const objects: unknown[] = [];
    for (const p of victims) {
      await this.api.core.deleteNamespacedPod({ name: p.metadata!.name!, namespace: spec.namespace, body });
      objects.push({ deleted: `pods/${p.metadata!.name}`, uid: p.metadata!.uid, body });
    }
    const gone = new Set(victims.map((p) => p.metadata!.uid));
    const evidence: Evidence[] = [];
    // Proof at the target: none of the deleted UIDs is listed any more.
    await poll(`deleted pods ${selector} gone`, this.opts.readyTimeoutMs ?? 120_000, this.opts.pollMs ?? 500, async () => {
      const now = await this.api.core.listNamespacedPod({ namespace: spec.namespace, labelSelector: selector });
      const left = now.items.filter((p) => gone.has(p.metadata?.uid) && !p.metadata?.deletionTimestamp);
      return left.length ? null : true;
    }, opts.signal);
    evidence.push({
      at: new Date().toISOString(),
      signal: 'pod-deleted',
      detail: `${victims.length} pod(s) of ${selector} in ${spec.namespace} deleted (grace ${body.gracePeriodSeconds}s): ${victims.map((p) => `${p.metadata!.name} uid ${p.metadata!.uid}`).join(', ')}; none of these UIDs is listed any more`,
    });
    return this.record({ ...this.base(spec, 'pod-delete', opts, objects), evidence });
  }

  /** Ready pods matching the selector now, and whether they are as many as before (for the recovery evidence). */
  async readyPods(namespace: string, selector: Record<string, string>): Promise<V1Pod[]> {
    const list = await this.api.core.listNamespacedPod({ namespace, labelSelector: labelSelector(selector) });
    return list.items.filter(isReady);
  }

  /** Waits until `count` ready pods match and none of them has one of the `replaced` UIDs. */
  async waitReplaced(namespace: string, selector: Record<string, string>, replaced: ReadonlySet<string>, count: number, signal?: AbortSignal): Promise<Evidence> {
    const pods = await poll(`${count} ready replacement pod(s)`, this.opts.readyTimeoutMs ?? 120_000, this.opts.pollMs ?? 500, async () => {
      const ready = await this.readyPods(namespace, selector);
      return ready.length >= count && !ready.some((p) => replaced.has(p.metadata!.uid!)) ? ready : null;
    }, signal);
    return { at: new Date().toISOString(), signal: 'pod-replaced', detail: `${pods.length} ready pod(s) of ${labelSelector(selector)}, all with new UIDs: ${pods.map((p) => `${p.metadata!.name} uid ${p.metadata!.uid}`).join(', ')}` };
  }

  private scaleApi(kind: 'Deployment' | 'StatefulSet') {
    const apps = this.api.apps;
    return kind === 'Deployment'
      ? {
          read: (name: string, namespace: string) => apps.readNamespacedDeploymentScale({ name, namespace }),
          patch: (name: string, namespace: string, replicas: number) =>
            apps.patchNamespacedDeploymentScale({ name, namespace, body: { spec: { replicas } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)),
          ready: async (name: string, namespace: string) => (await apps.readNamespacedDeployment({ name, namespace })).status?.readyReplicas ?? 0,
        }
      : {
          read: (name: string, namespace: string) => apps.readNamespacedStatefulSetScale({ name, namespace }),
          patch: (name: string, namespace: string, replicas: number) =>
            apps.patchNamespacedStatefulSetScale({ name, namespace, body: { spec: { replicas } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)),
          ready: async (name: string, namespace: string) => (await apps.readNamespacedStatefulSet({ name, namespace })).status?.readyReplicas ?? 0,
        };
  }

  private async scale(spec: Extract<KubernetesSpec, { action: 'scale' }>, opts: InjectOptions): Promise<Injection> {
    const { kind, name } = spec.workload;
    if (!Number.isInteger(spec.replicas) || spec.replicas < 0) throw new KubernetesFaultError(`replicas must be a whole number >= 0, got ${spec.replicas}`);
    const api = this.scaleApi(kind);
    const from = (await api.read(name, spec.namespace)).spec?.replicas ?? 0;
    checkBlastRadius(Math.max(0, from - spec.replicas), opts.maxPods, `scaling ${kind} ${name} from ${from} to ${spec.replicas}`);
    const body = { spec: { replicas: spec.replicas } };
    await api.patch(name, spec.namespace, spec.replicas);
    const after = (await api.read(name, spec.namespace)).spec?.replicas;
    if (after !== spec.replicas) throw new KubernetesFaultError(`${kind} ${name} reports ${after} replicas after scaling to ${spec.replicas}`);
    const evidence: Evidence[] = [{ at: new Date().toISOString(), signal: 'scaled', detail: `${kind} ${spec.namespace}/${name} scale subresource reports spec.replicas ${after} (was ${from})` }];
    return this.record({ ...this.base(spec, 'scale', opts, [{ patch: `${kind.toLowerCase()}s/${name}/scale`, body }]), evidence, scale: { kind, name, from } });
  }

  async clear(id: string): Promise<Evidence[]> {
    const inj = this.injections.get(id);
    if (!inj) return [];
    this.injections.delete(id);
    if (!inj.scale) return [];
    const { kind, name, from } = inj.scale;
    const api = this.scaleApi(kind);
    await api.patch(name, inj.namespace, from);
    const ready = await poll(`${kind} ${name} ready replicas back to ${from}`, this.opts.readyTimeoutMs ?? 120_000, this.opts.pollMs ?? 500, async () => {
      const r = await api.ready(name, inj.namespace);
      return r >= from ? r : null;
    });
    return [{ at: new Date().toISOString(), signal: 'ready-replicas-restored', detail: `${kind} ${inj.namespace}/${name} restored to ${from} replicas; status.readyReplicas ${ready}` }];
  }

  active(): Injection[] {
    return [...this.injections.values()].filter((i) => i.scale || Date.parse(i.expiresAt) > Date.now());
  }
}
