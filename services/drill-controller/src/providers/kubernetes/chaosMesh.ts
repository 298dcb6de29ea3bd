/**
 * Chaos Mesh provider: PodChaos, NetworkChaos (delay, loss, partition between zones), StressChaos
 * (CPU) and HTTPChaos (delay, abort, replace), created with `duration` = the fault's TTL so Chaos
 * Mesh ends them even if Drillbook dies, deleted on clear. Evidence comes from the resource's own
 * status: the `AllInjected` condition turning True, and the records Chaos Mesh keeps per target.
 */
import type { KubeApis } from './kube.js';
import { goDuration, isNotFound, objectName, poll } from './kube.js';
import { checkBlastRadius, checkZones, labelSelector, NamespaceGuard, podCount } from './selection.js';
import { KubernetesFaultError, type Evidence, type FaultProvider, type Injection, type InjectOptions, type PodMode } from './types.js';

export const CHAOS_MESH_GROUP = 'chaos-mesh.org';
export const CHAOS_MESH_VERSION = 'v1alpha1';
export const DEFAULT_ZONE_KEY = 'topology.kubernetes.io/zone';

interface ChaosBase {
  namespace: string;
  /** Pod labels the chaos acts on. */
  selector: Record<string, string>;
  mode: PodMode;
  /** Object name (default: derived from the note and a random suffix). */
  name?: string;
}

export type ChaosSpec =
  | (ChaosBase & { kind: 'PodChaos'; action: 'pod-kill' | 'pod-failure' | 'container-kill'; containerNames?: string[] })
  | (ChaosBase & { kind: 'NetworkChaos'; action: 'delay'; latency: string; jitter?: string })
  | (ChaosBase & { kind: 'NetworkChaos'; action: 'loss'; lossPercent: number })
  | (ChaosBase & { kind: 'NetworkChaos'; action: 'partition'; fromZone: string; toZone: string; zoneKey?: string })
  | (ChaosBase & { kind: 'StressChaos'; cpu: { workers: number; load: number } })
  | (ChaosBase & { kind: 'HTTPChaos'; port: number; path?: string; target?: 'Request' | 'Response'; delay?: string; abort?: boolean; replace?: { code?: number; body?: string } });

export type ChaosKind = ChaosSpec['kind'];

export const CHAOS_PLURALS: Record<ChaosKind, string> = {
  PodChaos: 'podchaos',
  NetworkChaos: 'networkchaos',
  StressChaos: 'stresschaos',
  HTTPChaos: 'httpchaos',
};

export interface ChaosObject {
  apiVersion: 'chaos-mesh.org/v1alpha1';
  kind: ChaosKind;
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
}

function modeFields(mode: PodMode): { mode: string; value?: string } {
  return mode.mode === 'fixed' || mode.mode === 'fixed-percent' ? { mode: mode.mode, value: String(mode.value) } : { mode: mode.mode };
}

function actionOf(spec: ChaosSpec): string {
  switch (spec.kind) {
    case 'PodChaos':
    case 'NetworkChaos':
      return spec.action;
    case 'StressChaos':
      return 'cpu';
    case 'HTTPChaos':
      return spec.abort ? 'abort' : spec.replace ? 'replace' : 'delay';
  }
}

/** The exact object the provider creates for `spec` with this TTL. Pure. */
export function chaosObject(spec: ChaosSpec, ttlMs: number, name: string, note?: string): ChaosObject {
  const selector = { namespaces: [spec.namespace], labelSelectors: { ...spec.selector } };
  const common = { ...modeFields(spec.mode), selector, duration: goDuration(ttlMs) };
  let body: Record<string, unknown>;
  switch (spec.kind) {
    case 'PodChaos':
      body = { action: spec.action, ...common, ...(spec.containerNames ? { containerNames: spec.containerNames } : {}) };
      break;
    case 'NetworkChaos':
      if (spec.action === 'delay') body = { action: 'delay', ...common, delay: { latency: spec.latency, ...(spec.jitter ? { jitter: spec.jitter } : {}) } };
      else if (spec.action === 'loss') body = { action: 'loss', ...common, loss: { loss: String(spec.lossPercent) } };
      else {
        const key = spec.zoneKey ?? DEFAULT_ZONE_KEY;
        if (spec.fromZone === spec.toZone) throw new KubernetesFaultError(`a partition needs two different zones, got ${spec.fromZone} twice`);
        body = {
          action: 'partition',
          ...common,
          selector: { ...selector, nodeSelectors: { [key]: spec.fromZone } },
          direction: 'both',
          target: { mode: 'all', selector: { namespaces: [spec.namespace], labelSelectors: { ...spec.selector }, nodeSelectors: { [key]: spec.toZone } } },
        };
      }
      break;
    case 'StressChaos':
      body = { ...common, stressors: { cpu: { workers: spec.cpu.workers, load: spec.cpu.load } } };
      break;
    case 'HTTPChaos': {
      if (!spec.delay && !spec.abort && !spec.replace) throw new KubernetesFaultError('an HTTPChaos needs one of delay, abort or replace');
      body = {
        ...common,
        target: spec.target ?? 'Request',
        port: spec.port,
        ...(spec.path ? { path: spec.path } : {}),
        ...(spec.delay ? { delay: spec.delay } : {}),
        ...(spec.abort ? { abort: true } : {}),
        ...(spec.replace
          ? { replace: { ...(spec.replace.code !== undefined ? { code: spec.replace.code } : {}), ...(spec.replace.body !== undefined ? { body: Buffer.from(spec.replace.body).toString('base64') } : {}) } }
          : {}),
      };
      break;
    }
  }
  return {
    apiVersion: 'chaos-mesh.org/v1alpha1',
    kind: spec.kind,
    metadata: {
      name,
      namespace: spec.namespace,
      labels: { 'app.kubernetes.io/managed-by': 'drillbook', 'drillbook.dev/action': actionOf(spec) },
      ...(note ? { annotations: { 'drillbook.dev/note': note } } : {}),
    },
    spec: body,
  };
}

interface ChaosStatus {
  status?: {
    conditions?: Array<{ type: string; status: string; reason?: string }>;
    experiment?: { containerRecords?: Array<{ id?: string; phase?: string; injectedCount?: number }> };
  };
}

export interface ChaosMeshOptions {
  namespaces: NamespaceGuard;
  /** How long to wait for `AllInjected` before giving up (and deleting the object). Default 30 s. */
  injectTimeoutMs?: number;
  pollMs?: number;
  /** Object name for an injection (default `drillbook-<kind>-<random>`). */
  nameFor?: (spec: ChaosSpec) => string;
}

export class ChaosMeshProvider implements FaultProvider<ChaosSpec> {
  private readonly injections = new Map<string, Injection & { kind: ChaosKind; name: string }>();

  constructor(
    private readonly api: KubeApis,
    private readonly opts: ChaosMeshOptions,
  ) {}

  private name(spec: ChaosSpec): string {
    return spec.name ?? this.opts.nameFor?.(spec) ?? objectName('drillbook', spec.kind, Math.random().toString(36).slice(2, 8));
  }

  plan(spec: ChaosSpec, opts: InjectOptions): ChaosObject[] {
    return [chaosObject(spec, opts.ttlMs, this.name(spec), opts.note)];
  }

  /** Lists the pods the selector matches and refuses what exceeds the blast radius. */
  private async checkRadius(spec: ChaosSpec, opts: InjectOptions): Promise<number> {
    const pods = await this.api.core.listNamespacedPod({ namespace: spec.namespace, labelSelector: labelSelector(spec.selector) });
    const matching = pods.items.filter((p) => !p.metadata?.deletionTimestamp).length;
    const what = `${spec.kind} ${actionOf(spec)}`;
    if (spec.kind === 'NetworkChaos' && spec.action === 'partition') {
      checkZones(2, opts.maxZones ?? 1, what);
      // Every matching pod in either zone loses traffic to the other side.
      checkBlastRadius(matching, opts.maxPods, what);
      return matching;
    }
    const n = podCount(spec.mode, matching);
    checkBlastRadius(n, opts.maxPods, what);
    return n;
  }

  async inject(spec: ChaosSpec, opts: InjectOptions): Promise<Injection> {
    this.opts.namespaces.check(spec.namespace);
    const pods = await this.checkRadius(spec, opts);
    const obj = chaosObject(spec, opts.ttlMs, this.name(spec), opts.note);
    const ref = { group: CHAOS_MESH_GROUP, version: CHAOS_MESH_VERSION, namespace: spec.namespace, plural: CHAOS_PLURALS[spec.kind] };
    await this.api.custom.createNamespacedCustomObject({ ...ref, body: obj });
    const injectedAt = new Date();
    let evidence: Evidence;
    try {
      evidence = await poll(
        `${spec.kind} ${obj.metadata.name} AllInjected`,
        this.opts.injectTimeoutMs ?? 30_000,
        this.opts.pollMs ?? 500,
        async () => {
          const got = (await this.api.custom.getNamespacedCustomObject({ ...ref, name: obj.metadata.name })) as ChaosStatus;
          const conds = got.status?.conditions ?? [];
          const all = conds.find((c) => c.type === 'AllInjected');
          if (all?.status !== 'True') return null;
          const records = got.status?.experiment?.containerRecords ?? [];
          return {
            at: new Date().toISOString(),
            signal: 'chaos-injected',
            detail: `${spec.kind} ${spec.namespace}/${obj.metadata.name} (${actionOf(spec)}) reports AllInjected=True on ${records.length} target(s) (${pods} pod(s) selected); conditions ${conds.map((c) => `${c.type}=${c.status}`).join(', ')}`,
          };
        },
        opts.signal,
      );
    } catch (e) {
      // Nothing half-done: an object that never injected is removed before the error rises.
      await this.api.custom.deleteNamespacedCustomObject({ ...ref, name: obj.metadata.name }).catch(() => undefined);
      throw new KubernetesFaultError(`${(e as Error).message}; the ${spec.kind} was deleted again`);
    }
    const injection = {
      id: `chaos-mesh:${spec.namespace}/${obj.metadata.name}`,
      provider: 'chaos-mesh' as const,
      action: `${spec.kind}/${actionOf(spec)}`,
      namespace: spec.namespace,
      ttlMs: opts.ttlMs,
      injectedAt: injectedAt.toISOString(),
      expiresAt: new Date(injectedAt.getTime() + opts.ttlMs).toISOString(),
      objects: [obj],
      evidence: [evidence],
      kind: spec.kind,
      name: obj.metadata.name,
    };
    this.injections.set(injection.id, injection);
    return injection;
  }

  async clear(id: string): Promise<Evidence[]> {
    const inj = this.injections.get(id);
    if (!inj) return [];
    const ref = { group: CHAOS_MESH_GROUP, version: CHAOS_MESH_VERSION, namespace: inj.namespace, plural: CHAOS_PLURALS[inj.kind], name: inj.name };
    try {
      await this.api.custom.deleteNamespacedCustomObject(ref);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    // Chaos Mesh recovers the targets before its finalizer lets the object go.
    await poll(`${inj.kind} ${inj.name} deletion`, this.opts.injectTimeoutMs ?? 30_000, this.opts.pollMs ?? 500, async () => {
      try {
        await this.api.custom.getNamespacedCustomObject(ref);
        return null;
      } catch (e) {
        if (isNotFound(e)) return true;
        throw e;
      }
    });
    this.injections.delete(id);
    return [{ at: new Date().toISOString(), signal: 'chaos-deleted', detail: `${inj.kind} ${inj.namespace}/${inj.name} deleted; Chaos Mesh recovered its targets (object gone)` }];
  }

  active(): Injection[] {
    return [...this.injections.values()].filter((i) => Date.parse(i.expiresAt) > Date.now());
  }

  /** Crash recovery: delete every Drillbook-made chaos object left in a namespace by an earlier run. */
  async clearLeftovers(namespace: string): Promise<string[]> {
    this.opts.namespaces.check(namespace);
    const removed: string[] = [];
    for (const kind of Object.keys(CHAOS_PLURALS) as ChaosKind[]) {
      const ref = { group: CHAOS_MESH_GROUP, version: CHAOS_MESH_VERSION, namespace, plural: CHAOS_PLURALS[kind] };
      const list = (await this.api.custom.listNamespacedCustomObject({ ...ref, labelSelector: 'app.kubernetes.io/managed-by=drillbook' })) as { items: Array<{ metadata: { name: string } }> };
      for (const item of list.items) {
        await this.api.custom.deleteNamespacedCustomObject({ ...ref, name: item.metadata.name }).catch((e) => {
          if (!isNotFound(e)) throw e;
        });
        removed.push(`${kind}/${item.metadata.name}`);
      }
    }
    return removed;
  }
}
