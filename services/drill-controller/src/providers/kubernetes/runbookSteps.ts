/**
 * Runbook steps for a Kubernetes target (`k8s.*`, `chaos.*`): step + runbook -> provider spec, the
 * exact objects a dry run prints, and execution inside a drill (inject with the step's TTL and the
 * runbook's blast radius, journal the fault and the API's evidence; `k8s.clear` undoes them).
 * Connection: the in-cluster service account, else $KUBECONFIG / ~/.kube/config. Allowed
 * namespaces: DRILLBOOK_KUBE_NAMESPACES (comma-separated), else only the runbook's namespace.
 */
import type { DrillJournal, KubernetesStep, Runbook, Step } from '@drillbook/contracts';
import { KUBERNETES_STEP_KINDS } from '@drillbook/contracts';
import { durationMs } from '../../runbook/duration.js';
import { CHAOS_PLURALS, chaosObject, ChaosMeshProvider, type ChaosSpec } from './chaosMesh.js';
import { defaultKubeConfig, kubeApis, objectName } from './kube.js';
import { KubernetesProvider, type KubernetesSpec } from './podProvider.js';
import { NamespaceGuard } from './selection.js';
import { KubernetesFaultError, type Evidence, type Injection, type InjectOptions, type PodMode } from './types.js';

export function isKubernetesStep(step: Step): step is KubernetesStep {
  return (KUBERNETES_STEP_KINDS as readonly string[]).includes(step.kind);
}

type Planned = { provider: 'kubernetes'; spec: KubernetesSpec } | { provider: 'chaos-mesh'; spec: ChaosSpec };

function targetOf(rb: Runbook, step: Step) {
  const k = rb.target.kubernetes;
  if (!k) throw new KubernetesFaultError(`step "${step.name}" (${step.kind}) needs target.kubernetes (namespace and selector) in the runbook`);
  return k;
}

function modeOf(step: { mode: string; value?: number; name: string }): PodMode {
  if (step.mode === 'fixed' || step.mode === 'fixed-percent') {
    if (step.value === undefined) throw new KubernetesFaultError(`step "${step.name}": mode ${step.mode} needs a value`);
    return { mode: step.mode, value: step.value };
  }
  return { mode: step.mode as 'one' | 'all' };
}

/** The object name a chaos step creates: the same in the dry run and the real run. */
export function stepObjectName(rb: Runbook, step: Step): string {
  return objectName('drillbook', rb.metadata.name, step.name);
}

export function stepSpec(rb: Runbook, step: Exclude<KubernetesStep, { kind: 'k8s.clear' }>): Planned {
  const k = targetOf(rb, step);
  const namespace = k.namespace;
  if (step.kind === 'k8s.scale') return { provider: 'kubernetes', spec: { action: 'scale', namespace, workload: step.workload, replicas: step.replicas } };
  const base = { namespace, selector: step.selector ?? k.selector, mode: modeOf(step), name: stepObjectName(rb, step) };
  switch (step.kind) {
    case 'k8s.pod.delete':
      return { provider: 'kubernetes', spec: { action: 'pod-delete', namespace, selector: base.selector, mode: base.mode, gracePeriodSeconds: step.gracePeriodSeconds ?? 0 } };
    case 'chaos.pod':
      return { provider: 'chaos-mesh', spec: { ...base, kind: 'PodChaos', action: step.action, ...(step.containerNames ? { containerNames: step.containerNames } : {}) } };
    case 'chaos.network':
      if (step.action === 'delay') return { provider: 'chaos-mesh', spec: { ...base, kind: 'NetworkChaos', action: 'delay', latency: step.latency!, ...(step.jitter ? { jitter: step.jitter } : {}) } };
      if (step.action === 'loss') return { provider: 'chaos-mesh', spec: { ...base, kind: 'NetworkChaos', action: 'loss', lossPercent: step.lossPercent! } };
      return { provider: 'chaos-mesh', spec: { ...base, kind: 'NetworkChaos', action: 'partition', fromZone: step.fromZone!, toZone: step.toZone!, ...(k.zoneKey ? { zoneKey: k.zoneKey } : {}) } };
    case 'chaos.stress':
      return { provider: 'chaos-mesh', spec: { ...base, kind: 'StressChaos', cpu: step.cpu } };
    case 'chaos.http':
      return {
        provider: 'chaos-mesh',
        spec: {
          ...base,
          kind: 'HTTPChaos',
          port: step.port,
          ...(step.path ? { path: step.path } : {}),
          ...(step.target ? { target: step.target } : {}),
          ...(step.delay ? { delay: step.delay } : {}),
          ...(step.abort ? { abort: true } : {}),
          ...(step.replace ? { replace: step.replace } : {}),
        },
      };
  }
}

function injectOptions(rb: Runbook, step: { ttl: string; name: string }, note: string): InjectOptions {
  return { ttlMs: durationMs(step.ttl), maxPods: rb.guardrails.blastRadius.maxReplicas, maxZones: rb.guardrails.blastRadius.maxZones ?? 1, note };
}

/** What a dry run prints for a Kubernetes step: the exact objects (or API calls) it would send. */
export function planKubernetesStep(rb: Runbook, step: KubernetesStep): unknown[] {
  if (step.kind === 'k8s.clear') return [{ clear: 'restore scaled workloads to their replica counts, delete the chaos objects this drill created' }];
  const p = stepSpec(rb, step);
  const note = `drill <id> step "${step.name}"`;
  if (p.provider === 'chaos-mesh') return [chaosObject(p.spec, durationMs(step.ttl), p.spec.name!, note)];
  return new KubernetesProvider(null as never, { namespaces: new NamespaceGuard([p.spec.namespace]) }).plan(p.spec);
}

/** What a step needs from the running drill (a subset of DrillContext). */
export interface KubeStepContext {
  drillId: string;
  runbook: Runbook;
  signal: AbortSignal;
  inRollback?: boolean;
  journal: { update(fn: (j: DrillJournal) => void): void; readonly journal: DrillJournal };
}

interface DrillProviders {
  kubernetes: KubernetesProvider;
  chaos: ChaosMeshProvider;
}

const byDrill = new Map<string, DrillProviders>();

/** Test hook and `--kube-server`: how providers reach the API (default: in-cluster or kubeconfig). */
export let makeKubeApis = () => kubeApis(defaultKubeConfig());
export function setKubeApis(factory: typeof makeKubeApis): void {
  makeKubeApis = factory;
}

function providersFor(ctx: KubeStepContext): DrillProviders {
  let p = byDrill.get(ctx.drillId);
  if (!p) {
    const api = makeKubeApis();
    const namespaces = NamespaceGuard.fromEnv(process.env, ctx.runbook.target.kubernetes?.namespace);
    p = { kubernetes: new KubernetesProvider(api, { namespaces }), chaos: new ChaosMeshProvider(api, { namespaces }) };
    byDrill.set(ctx.drillId, p);
  }
  return p;
}

function journalInjection(ctx: KubeStepContext, step: Step, inj: Injection): void {
  ctx.journal.update((j) => {
    j.faults.push({ id: inj.id, step: step.name, replica: inj.namespace, type: inj.provider, ttlMs: inj.ttlMs, injectedAt: inj.injectedAt });
    for (const e of inj.evidence) j.faultEvidence.push({ at: e.at, signal: `fault:${step.name}`, detail: e.detail });
  });
}

export async function executeKubernetesStep(step: KubernetesStep, ctx: KubeStepContext): Promise<unknown> {
  const providers = providersFor(ctx);
  if (step.kind === 'k8s.clear') {
    const evidence: Evidence[] = [];
    const mine = ctx.journal.journal.faults.filter((f) => (f.type === 'kubernetes' || f.type === 'chaos-mesh') && !f.clearedAt);
    for (const f of mine) {
      const ev = f.type === 'kubernetes' ? await providers.kubernetes.clear(f.id) : await providers.chaos.clear(f.id);
      evidence.push(...ev);
      ctx.journal.update(() => Object.assign(f, { clearedAt: new Date().toISOString(), clearedBy: ctx.inRollback ? 'rollback' : 'step' }));
    }
    ctx.journal.update((j) => evidence.forEach((e) => j.faultEvidence.push({ at: e.at, signal: `clear:${step.name}`, detail: e.detail })));
    return { cleared: mine.map((f) => f.id), evidence: evidence.map((e) => e.detail) };
  }
  const p = stepSpec(ctx.runbook, step);
  const opts = { ...injectOptions(ctx.runbook, step, `drill ${ctx.drillId} step "${step.name}"`), signal: ctx.signal };
  const inj = p.provider === 'chaos-mesh' ? await providers.chaos.inject(p.spec, opts) : await providers.kubernetes.inject(p.spec, opts);
  journalInjection(ctx, step, inj);
  return { id: inj.id, action: inj.action, namespace: inj.namespace, ttlMs: inj.ttlMs, evidence: inj.evidence.map((e) => e.detail) };
}

/** One line for the plan. */
export function describeKubernetesStep(s: KubernetesStep): string {
  const mode = 'mode' in s ? `${s.mode}${s.value !== undefined ? ` ${s.value}${s.mode === 'fixed-percent' ? '%' : ''}` : ''}` : '';
  switch (s.kind) {
    case 'k8s.pod.delete':
      return `delete pods (${mode}, grace ${s.gracePeriodSeconds ?? 0}s) through the Kubernetes API`;
    case 'k8s.scale':
      return `scale ${s.workload.kind} ${s.workload.name} to ${s.replicas} replica(s) (restored by k8s.clear)`;
    case 'chaos.pod':
      return `Chaos Mesh PodChaos ${s.action} (${mode}) for ${s.ttl}`;
    case 'chaos.network':
      return `Chaos Mesh NetworkChaos ${s.action === 'partition' ? `partition ${s.fromZone} <-> ${s.toZone}` : s.action === 'delay' ? `delay ${s.latency}` : `loss ${s.lossPercent}%`} (${mode}) for ${s.ttl}`;
    case 'chaos.stress':
      return `Chaos Mesh StressChaos CPU ${s.cpu.workers} worker(s) at ${s.cpu.load}% (${mode}) for ${s.ttl}`;
    case 'chaos.http':
      return `Chaos Mesh HTTPChaos ${s.abort ? 'abort' : s.replace ? `replace${s.replace.code ? ` ${s.replace.code}` : ''}` : `delay ${s.delay}`} on port ${s.port}${s.path ? ` ${s.path}` : ''} (${mode}) for ${s.ttl}`;
    case 'k8s.clear':
      return 'restore scaled workloads and delete the chaos objects this drill created';
  }
}

/**
 * Undo one journaled Kubernetes / Chaos Mesh fault for the rollback, an abort, or a controller that
 * restarted mid-drill (the journal is all it has). A chaos object is found from its id alone
 * (`chaos-mesh:<ns>/<name>`) and deleted; a scaled workload is restored only by the process that
 * scaled it (it holds the old replica count). Returns whether something was undone.
 */
export async function undoKubernetesFault(drillId: string, fault: { id: string; type: string }): Promise<boolean> {
  const live = byDrill.get(drillId);
  if (fault.type === 'kubernetes') {
    if (!live) return false;
    return (await live.kubernetes.clear(fault.id)).length > 0;
  }
  const m = /^chaos-mesh:([^/]+)\/(.+)$/.exec(fault.id);
  if (fault.type !== 'chaos-mesh' || !m) return false;
  if (live?.chaos.active().some((i) => i.id === fault.id)) return (await live.chaos.clear(fault.id)).length > 0;
  const api = makeKubeApis();
  let deleted = false;
  for (const plural of Object.values(CHAOS_PLURALS)) {
    try {
      await api.custom.deleteNamespacedCustomObject({ group: 'chaos-mesh.org', version: 'v1alpha1', namespace: m[1], plural, name: m[2] });
      deleted = true;
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
  }
  return deleted;
}
