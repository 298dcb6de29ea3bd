/**
 * Phase `preflight`: get a target (start the embedded stack unless one was given), check the gateway
 * and every replica are ready, warm the serving path, and check the error budget left.
 */
import { slothSloName } from '@drillbook/alerts';
import { DEFAULT_SLO } from '../defaults.js';
import { promQuery } from '../steps.js';
import { startEmbeddedTarget } from '../target.js';
import { readSessionsFile } from '../../load/sessions.js';
import type { DrillPhaseModule } from './env.js';

/** Warm-up requests before the baseline (JIT, connection pools, onnxruntime buffers), WARMUP_CONCURRENCY at a time. */
export const WARMUP_REQUESTS = 200;
/**
 * Few at a time: the warm-up must not itself overload a small deployment. At 20 at a time it filled
 * the overload drill's gateway (6 in flight) and got real users' requests shed before the baseline:
 * errors users saw, and an availability page that fired before the fault.
 */
export const WARMUP_CONCURRENCY = 4;

export const preflightPhase: DrillPhaseModule = {
  name: 'preflight',
  async run(env) {
    const { opts: o, act, ctx, abort } = env;
    const rb = env.loaded.runbook;
    if (o.target) env.setTarget(o.target);
    else {
      const r = await act('preflight.stack', 'start the embedded reference stack', 'phase', 'preflight', async () => {
        const t = await startEmbeddedTarget({ service: rb.target.service, spec: rb.stack, dir: o.stackDir, onLog: o.log, modelCache: o.modelCache, prometheusUrl: o.prometheusUrl });
        env.setTarget(t);
        return { gateway: t.gatewayUrl, replicas: t.replicas() };
      });
      if (r.status !== 'succeeded') return abort('preflight', `embedded stack did not start: ${r.error}`);
    }
    const target = env.target()!;
    o.onTarget?.(target);
    ctx.journal.update((j) => (j.target = { url: target.gatewayUrl, embedded: target.embedded, replicas: target.replicas() }));
    const health = await act('preflight.health', 'target healthy', 'phase', 'preflight', async () => {
      const gw = await target.api.readiness(target.gatewayUrl, 3000);
      if (gw.status !== 200) throw new Error(`gateway ${target.gatewayUrl}${gw.path ?? '/readyz'} answered ${gw.status}`);
      const replicas = [];
      for (const r of target.replicas()) {
        const res = await target.api.readiness(r.url, 3000).catch((e: Error) => e);
        if (res instanceof Error || res.status !== 200) throw new Error(`replica ${r.id} is not ready (${res instanceof Error ? res.message : `HTTP ${res.status}`})`);
        replicas.push({ id: r.id, zone: r.zone, version: res.body?.model?.version ?? null });
      }
      const version = replicas[0]?.version ?? null;
      ctx.journal.update((j) => (j.modelVersion = version));
      return { gateway: 'ready', protocol: target.protocol?.type ?? 'drillbook', replicas };
    });
    if (health.status !== 'succeeded') return abort('preflight', `target not healthy: ${health.error}`);
    // Warm the serving path so the baseline measures a warm service.
    await act('preflight.warmup', 'warm up the serving path', 'phase', 'preflight', async () => {
      const templates = readSessionsFile(target.sessionsFile).training.slice(0, WARMUP_REQUESTS);
      let ok = 0;
      for (let i = 0; i < templates.length; i += WARMUP_CONCURRENCY) {
        await Promise.all(templates.slice(i, i + WARMUP_CONCURRENCY).map((t) => target.api.recommend({ userId: t.userId, query: t.query, k: t.k ?? rb.load.k ?? 10 }, 5000).then((good) => void (good && ok++), () => {})));
      }
      return { requests: templates.length, concurrency: WARMUP_CONCURRENCY, ok };
    });
    const min = rb.guardrails.minErrorBudget;
    const budget = await act('preflight.budget', 'error budget left', 'phase', 'preflight', async () => {
      const slo = o.slo ?? DEFAULT_SLO;
      if (!o.prometheusUrl) return { checked: false, note: `no Prometheus configured: budget of ${slo.name} not checked` };
      const remaining = await promQuery(o.prometheusUrl, `slo:period_error_budget_remaining:ratio{sloth_service="${rb.target.service}",sloth_slo="${slothSloName(slo.name)}"}`).catch(() => null);
      ctx.journal.update((j) => j.slo && (j.slo.budgetRemainingAtStart = remaining));
      if (min !== undefined && remaining !== null && remaining < min) throw new Error(`only ${(remaining * 100).toFixed(1)}% of the error budget left, the runbook needs ${min * 100}%`);
      return { checked: remaining !== null, remaining };
    });
    if (budget.status !== 'succeeded') abort('preflight', budget.error);
  },
};
