/**
 * Step executors: one function per step kind. Each returns an output recorded in the journal and,
 * for steps that break something, records the injected fault and the evidence that it took effect
 * at the target (the proof a scorecard needs to call a drill real).
 */
import type { Expectation, InjectedFault, ReadinessBody, Step } from '@drillbook/contracts';
import { durationMs } from '../runbook/duration.js';
import { StepFailed } from '../errors.js';
import { AbortedError, sleep, type DrillContext } from './context.js';
import { checkBlastRadius, resolveSelector, type Resolved } from './selectors.js';
import { sumMetric, type Sample } from './promText.js';
import type { ReplicaRef } from './target.js';
import { executeKubernetesStep, isKubernetesStep } from '../providers/kubernetes/runbookSteps.js';
import { processProviderFor, proxyProviderFor, ReplicaProvider } from '../providers/index.js';
import { executeModelStoreStep, isModelStoreStep } from './storeSteps.js';

export function compare(v: number, e: Expectation): boolean {
  switch (e.op) {
    case '<':
      return v < e.value;
    case '<=':
      return v <= e.value;
    case '>':
      return v > e.value;
    case '>=':
      return v >= e.value;
    case '==':
      return v === e.value;
    case '!=':
      return v !== e.value;
  }
}

async function json<T>(res: Response, what: string): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

export function resolve(ctx: DrillContext, selector: string, step: Step): Resolved {
  const r = resolveSelector(selector, ctx.target.replicas(), `${ctx.drillId}/${step.name}`);
  // Probes only read; the blast radius limits what a step may break.
  if (!ctx.inRollback && !step.kind.startsWith('probe.') && step.kind !== 'wait') checkBlastRadius(r, ctx.runbook.guardrails);
  return r;
}

export function replicasOf(r: Resolved, step: Step): ReplicaRef[] {
  if (r.kind !== 'replicas') throw new StepFailed(step.name, 'this step needs replicas, not the gateway');
  return r.replicas;
}

export function addEvidence(ctx: DrillContext, signal: string, detail: string): void {
  ctx.journal.update((j) => j.faultEvidence.push({ at: new Date().toISOString(), signal, detail }));
}

export function recordFault(ctx: DrillContext, f: Omit<InjectedFault, 'injectedAt'>): void {
  ctx.journal.update((j) => j.faults.push({ ...f, injectedAt: new Date().toISOString() }));
  ctx.events.emit('fault', `${f.type} on ${f.replica} (${f.step})`, { data: { replica: f.replica, type: f.type, ttlMs: f.ttlMs } });
}

/** Retry `attempt` until it returns true or `withinMs` has passed (once when withinMs is 0). */
async function until(ctx: DrillContext, withinMs: number, attempt: () => Promise<{ ok: boolean; detail: unknown }>): Promise<{ attempts: number; detail: unknown }> {
  const end = Date.now() + withinMs;
  let attempts = 0;
  let last: unknown;
  for (;;) {
    attempts++;
    try {
      const r = await attempt();
      last = r.detail;
      if (r.ok) return { attempts, detail: r.detail };
    } catch (e) {
      if (e instanceof AbortedError) throw e;
      last = (e as Error).message;
    }
    if (Date.now() >= end) throw new Error(`expectation not met after ${attempts} attempt(s): ${typeof last === 'string' ? last : JSON.stringify(last)}`);
    await sleep(Math.min(250, Math.max(10, end - Date.now())), ctx.signal);
  }
}

export function metricUrls(ctx: DrillContext, selector: string, step: Step): string[] {
  if (selector === 'gateway') return [ctx.target.gatewayUrl];
  return replicasOf(resolve(ctx, selector, step), step).map((r) => r.url);
}

export function baselineKey(url: string): string {
  return url;
}

/** Sum of a metric over the given /metrics URLs; `increase` subtracts the value scraped when the method began. */
export async function metricValue(ctx: DrillContext, urls: string[], metric: string, labels: Record<string, string> = {}, mode: 'value' | 'increase' = 'value'): Promise<number> {
  let total = 0;
  let seen = false;
  for (const url of urls) {
    let samples: Sample[];
    try {
      samples = await ctx.target.api.metrics(url);
    } catch {
      continue; // a dead replica has no metrics; the others still count
    }
    const v = sumMetric(samples, metric, labels);
    if (v === null) continue;
    seen = true;
    const base = mode === 'increase' ? sumMetric(ctx.baselines.get(baselineKey(url)) ?? [], metric, labels) ?? 0 : 0;
    total += v - base;
  }
  if (!seen) throw new Error(`no ${metric}${Object.keys(labels).length ? JSON.stringify(labels) : ''} samples at ${urls.join(', ')}`);
  return total;
}

export async function promQuery(prometheus: string, query: string): Promise<number> {
  const res = await fetch(`${prometheus.replace(/\/$/, '')}/api/v1/query?query=${encodeURIComponent(query)}`, { signal: AbortSignal.timeout(3000) });
  const body = await json<{ status: string; data: { resultType: string; result: Array<{ value: [number, string] }> | [number, string] } }>(res, `Prometheus query ${query}`);
  if (body.data.resultType === 'scalar') return Number((body.data.result as [number, string])[1]);
  const vec = body.data.result as Array<{ value: [number, string] }>;
  if (!vec.length) throw new Error(`query returned no series: ${query}`);
  return vec.reduce((a, s) => a + Number(s.value[1]), 0);
}

export async function readiness(ctx: DrillContext, url: string): Promise<ReadinessBody | null> {
  try {
    return (await ctx.target.api.readiness(url, 1500)).body;
  } catch {
    return null;
  }
}

export async function executeStep(step: Step, ctx: DrillContext): Promise<unknown> {
  // Kubernetes and Chaos Mesh steps act through their providers (providers/kubernetes).
  if (isKubernetesStep(step)) return executeKubernetesStep(step, ctx);
  // Model store steps (issue 23) act through the target's model store and scale controls (storeSteps.ts).
  if (isModelStoreStep(step)) return executeModelStoreStep(step, ctx);
  switch (step.kind) {
    case 'fault.inject': {
      const replicas = replicasOf(resolve(ctx, step.target, step), step);
      const ttlMs = durationMs(step.ttl);
      const out: Array<{ replica: string; id: string }> = [];
      for (const r of replicas) {
        const f = await new ReplicaProvider(ctx.target.api, r).inject({ ...step.fault, note: `drill ${ctx.drillId} step "${step.name}"` }, ttlMs);
        recordFault(ctx, { id: f.id, step: step.name, replica: r.id, type: step.fault.type, ttlMs, provider: { kind: 'replica' } });
        out.push({ replica: r.id, id: f.id });
        for (const e of f.evidence) addEvidence(ctx, `fault:${step.name}`, e);
      }
      return { injected: out, ttlMs };
    }
    case 'proxy.fault': {
      const proxy = proxyProviderFor(ctx.drillId, ctx.runbook);
      const ttlMs = durationMs(step.ttl);
      const f = await proxy.inject({ ...step.fault, note: `drill ${ctx.drillId} step "${step.name}"` }, ttlMs);
      recordFault(ctx, { id: f.id, step: step.name, replica: 'proxy', type: `proxy.${step.fault.type}`, ttlMs, provider: { kind: 'proxy', adminUrl: proxy.endpoint.adminUrl, adminTokenEnv: ctx.runbook.target.providers!.proxy!.adminTokenEnv } });
      // Active at the proxy is not yet proof: the proof is its count of requests the fault acted on, read when it is cleared.
      for (const e of f.evidence) addEvidence(ctx, `inject:${step.name}`, e);
      return { id: f.id, type: step.fault.type, ttlMs };
    }
    case 'proxy.clear': {
      const proxy = proxyProviderFor(ctx.drillId, ctx.runbook);
      const mine = ctx.journal.journal.faults.filter((f) => f.provider?.kind === 'proxy' && !f.clearedAt && (!step.type || f.type === `proxy.${step.type}`));
      const out: Array<{ id: string; type: string; applied: number }> = [];
      for (const f of mine) {
        const r = await proxy.clear(f.id);
        ctx.journal.update(() => Object.assign(f, { clearedAt: new Date().toISOString(), clearedBy: r.cleared ? (ctx.inRollback ? 'rollback' : 'step') : 'ttl' }));
        for (const e of r.evidence) addEvidence(ctx, (r.applied ?? 0) > 0 ? `fault:${f.step}` : `clear:${f.step}`, e);
        out.push({ id: f.id, type: f.type, applied: r.applied ?? 0 });
      }
      return { cleared: out };
    }
    case 'host.process': {
      const provider = processProviderFor(ctx.drillId, ctx.runbook);
      const pid = await provider.resolve(step.process);
      const type = ({ kill: 'process.kill', terminate: 'process.terminate', pause: 'process.pause', restart: 'process.restart' } as const)[step.action as 'kill'];
      // Journal the fault before the signal: a controller that dies right after still knows to SIGCONT a stopped pid.
      if (type) recordFault(ctx, { id: `${step.action}:${step.process}:${pid}`, step: step.name, replica: step.process, type, ttlMs: null, provider: { kind: 'process', name: step.process, pid, action: step.action } });
      const r = await provider.inject({ name: step.process, action: step.action, withinMs: step.within ? durationMs(step.within) : undefined });
      for (const e of r.evidence) addEvidence(ctx, type ? `fault:${step.name}` : `step:${step.name}`, e);
      if (r.problem) throw new StepFailed(step.name, r.problem);
      if (step.action === 'resume') {
        for (const f of ctx.journal.journal.faults)
          if (f.provider?.kind === 'process' && f.provider.name === step.process && f.type === 'process.pause' && !f.clearedAt) ctx.journal.update(() => Object.assign(f, { clearedAt: new Date().toISOString(), clearedBy: ctx.inRollback ? 'rollback' : 'step' }));
      }
      return { process: step.process, action: step.action, pid, evidence: r.evidence };
    }
    case 'fault.clear': {
      const replicas = replicasOf(resolve(ctx, step.target, step), step);
      const ids = new Set(replicas.map((r) => r.id));
      const mine = ctx.journal.journal.faults.filter((f) => (!f.provider || f.provider.kind === 'replica') && ids.has(f.replica) && !f.clearedAt && f.ttlMs !== null && (!step.type || f.type === step.type));
      for (const f of mine) {
        const r = replicas.find((x) => x.id === f.replica)!;
        await new ReplicaProvider(ctx.target.api, r).clear(f.id);
        ctx.journal.update(() => Object.assign(f, { clearedAt: new Date().toISOString(), clearedBy: 'step' }));
      }
      return { cleared: mine.map((f) => ({ replica: f.replica, id: f.id, type: f.type })) };
    }
    case 'wait':
      await sleep(durationMs(step.duration), ctx.signal);
      return { waitedMs: durationMs(step.duration) };
    case 'probe.http': {
      const base = step.url?.startsWith('http') ? '' : step.target === 'gateway' || !step.target ? ctx.target.gatewayUrl : replicasOf(resolve(ctx, step.target, step), step)[0].url;
      const url = step.url?.startsWith('http') ? step.url : `${base}${step.url ?? step.path}`;
      const expectStatus = step.expectStatus ?? 200;
      const timeout = step.timeout ? durationMs(step.timeout) : 2000;
      const r = await until(ctx, step.within ? durationMs(step.within) : 0, async () => {
        const res = await ctx.target.api.request(url, { method: step.method, body: step.body, timeoutMs: timeout });
        return { ok: res.status === expectStatus, detail: { url, status: res.status, expected: expectStatus, ms: res.ms } };
      });
      return { ...(r.detail as object), attempts: r.attempts };
    }
    case 'probe.promql': {
      const prom = step.prometheus ?? ctx.prometheusUrl;
      if (!prom) throw new StepFailed(step.name, 'no Prometheus URL: set "prometheus" on the step or pass --prometheus');
      const r = await until(ctx, step.within ? durationMs(step.within) : 0, async () => {
        const v = await promQuery(prom, step.query);
        return { ok: compare(v, step.expect), detail: { value: v, expect: step.expect } };
      });
      return { ...(r.detail as object), attempts: r.attempts };
    }
    case 'probe.metrics': {
      const urls = metricUrls(ctx, step.target, step);
      const r = await until(ctx, step.within ? durationMs(step.within) : 0, async () => {
        const v = await metricValue(ctx, urls, step.metric, step.labels, step.mode);
        return { ok: compare(v, step.expect), detail: { metric: step.metric, value: v, expect: step.expect, mode: step.mode ?? 'value' } };
      });
      return { ...(r.detail as object), attempts: r.attempts };
    }
    case 'model.publish': {
      if (!ctx.target.publish) throw new StepFailed(step.name, 'this target has no registry to publish into (embedded stack only)');
      const from = step.from ?? (await readiness(ctx, ctx.target.replicas()[0].url))?.model?.version;
      if (!from) throw new StepFailed(step.name, 'cannot tell which version to derive from: set "from"');
      const m = await ctx.target.publish({ from, version: step.version, mutation: step.mutation });
      if (step.mutation !== 'none') recordFault(ctx, { id: `${step.version}`, step: step.name, replica: 'registry', type: 'model.publish', ttlMs: null });
      addEvidence(ctx, `fault:${step.name}`, `registry published ${m.version} (sha256 ${m.artefacts.model.sha256.slice(0, 12)}…, signed, mutation ${step.mutation}) derived from ${from}`);
      return { version: m.version, sha256: m.artefacts.model.sha256, mutation: step.mutation, from };
    }
    case 'model.deploy': {
      const replicas = replicasOf(resolve(ctx, step.target, step), step);
      if (step.canaryWeight) {
        const view = await ctx.target.api.startCanary({ version: step.version, weight: step.canaryWeight, replicas: replicas.map((r) => r.id) });
        for (const r of replicas) {
          const ready = await readiness(ctx, r.url);
          if (ready?.model?.version === step.version) addEvidence(ctx, `fault:${step.name}`, `${r.id} serves candidate ${step.version} (sha256 ${ready.model.sha256.slice(0, 12)}…) under canary weight ${step.canaryWeight}`);
        }
        return { canary: view.active, weight: step.canaryWeight };
      }
      const out: Array<{ replica: string; version: string }> = [];
      for (const r of replicas) {
        const state = await ctx.target.api.deployModel(r, step.version);
        out.push({ replica: r.id, version: state.serving?.version ?? 'none' });
        if (state.serving?.version === step.version) addEvidence(ctx, `fault:${step.name}`, `${r.id} serves ${step.version}`);
      }
      return { deployed: out };
    }
    case 'model.rollback': {
      const replicas = replicasOf(resolve(ctx, step.target, step), step);
      const out: Array<{ replica: string; version: string | null }> = [];
      for (const r of replicas) {
        const state = await ctx.target.api.rollbackModel(r);
        out.push({ replica: r.id, version: state.serving?.version ?? null });
      }
      return { rolledBack: out };
    }
    case 'process.kill':
    case 'process.pause':
    case 'process.resume':
    case 'process.restart': {
      const proc = ctx.target.process;
      if (!proc) throw new StepFailed(step.name, 'this target offers no process control (run against the embedded stack, or pass --control)');
      const replicas = replicasOf(resolve(ctx, step.target, step), step);
      const action = ({ 'process.kill': 'kill', 'process.pause': 'pause', 'process.resume': 'resume', 'process.restart': 'restart' } as const)[step.kind];
      const out: Array<{ replica: string; pid: number | null }> = [];
      for (const r of replicas) {
        const pid = proc.pid(r.id);
        await proc.act(r.id, action);
        out.push({ replica: r.id, pid });
        if (action === 'kill' || action === 'pause') {
          recordFault(ctx, { id: `${action}:${r.id}:${pid}`, step: step.name, replica: r.id, type: action === 'kill' ? 'process.kill' : 'process.pause', ttlMs: null });
          // Proof at the target: the process is gone (kill) or stopped (pause), as the runner sees it.
          for (let i = 0; i < 40; i++) {
            const phase = proc.phase(r.id);
            if (action === 'kill' && proc.pid(r.id) !== pid) {
              addEvidence(ctx, `fault:${step.name}`, `${r.id} process ${pid} exited on SIGKILL; runner reports it ${phase}`);
              break;
            }
            if (action === 'pause' && phase === 'paused') {
              addEvidence(ctx, `fault:${step.name}`, `${r.id} process ${pid} stopped (SIGSTOP)`);
              break;
            }
            await sleep(50, ctx.signal);
          }
        }
        if (action === 'resume') {
          for (const f of ctx.journal.journal.faults) if (f.replica === r.id && f.type === 'process.pause' && !f.clearedAt) ctx.journal.update(() => Object.assign(f, { clearedAt: new Date().toISOString(), clearedBy: 'step' }));
        }
      }
      return { [action]: out };
    }
    case 'registry.wipe': {
      const proc = ctx.target.process;
      if (!proc) throw new StepFailed(step.name, 'this target offers no process control (run against the embedded stack, or pass --control)');
      const replicas = replicasOf(resolve(ctx, step.target, step), step);
      const out: Array<{ replica: string; servingAfter: string | null }> = [];
      for (const r of replicas) {
        const before = (await readiness(ctx, r.url))?.model?.version ?? null;
        recordFault(ctx, { id: `wipe:${r.id}`, step: step.name, replica: r.id, type: 'registry.wipe', ttlMs: null });
        await proc.act(r.id, 'wipe-registry');
        addEvidence(ctx, `fault:${step.name}`, `${r.id} local registry deleted and process restarted (was serving ${before ?? 'nothing'})`);
        const after = await readiness(ctx, ctx.target.replicas().find((x) => x.id === r.id)!.url);
        out.push({ replica: r.id, servingAfter: after?.model?.version ?? null });
      }
      return { wiped: out };
    }
    case 'human.ack': {
      const timeout = step.timeout ? durationMs(step.timeout) : null;
      const ok = await ctx.ack(step.prompt, timeout);
      if (!ok) {
        ctx.abort('human', `not acknowledged: ${step.prompt}`);
        throw new AbortedError('not acknowledged');
      }
      return { acknowledged: true };
    }
  }
}
