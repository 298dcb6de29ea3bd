/**
 * Phase `method`: the experiment under load. Baselines for `increase` probes, the maximum-duration
 * timer, load started (both engines behind one interface), guardrails fed by every live tick,
 * detection watched from the baseline on, the fault-phase steps (and spike / drift faults that the
 * load itself carries) at the start of `fault`, the recovery-phase steps at `recovery`, and the
 * drift evidence. Ends when the load ends; every step started here has finished by then.
 */
import type { LoadPhaseName, Step } from '@drillbook/contracts';
import { join } from 'node:path';
import { startLoad as realStartLoad, type LoadOutcome, type LoadRun } from '../../load/index.js';
import { distributedLoadStarter } from '../../providers/kubernetes/distributedLoad.js';
import { durationMs } from '../../runbook/duration.js';
import { loadPhases } from '../../runbook/plan.js';
import { activity, type DrillContext } from '../context.js';
import { startAlertWatch, type AlertWatch } from '../alertWatch.js';
import { startDetection, type Detection } from '../detection.js';
import { GuardrailMonitor } from '../guardrails.js';
import { sumMetric } from '../promText.js';
import { executeStep } from '../steps.js';
import { thresholdsFromObjectives } from '../thresholds.js';
import type { DrillPhaseModule, PhaseEnv } from './env.js';

export const methodPhase: DrillPhaseModule = {
  name: 'method',
  async run(env) {
    env.outcome = await method(env);
  },
};

async function method(env: PhaseEnv): Promise<LoadOutcome | null> {
  const { opts: o, ctx, act } = env;
  const rb = env.loaded.runbook;
  const target = env.target()!;
  const phases = loadPhases(rb, !!o.quick);
  // Baselines for `mode: increase` probes and detection.
  for (const url of [target.gatewayUrl, ...target.replicas().map((r) => r.url)]) {
    try {
      ctx.baselines.set(url, await target.api.metrics(url));
    } catch {
      /* a replica without metrics has no baseline; increases are then absolute */
    }
  }
  const maxMs = durationMs(rb.guardrails.maxDuration);
  const maxTimer = setTimeout(() => env.abort('max-duration', `drill exceeded guardrails.maxDuration ${rb.guardrails.maxDuration}`), maxMs);
  maxTimer.unref();
  const guard = new GuardrailMonitor(rb.guardrails.abortWhen ?? []);
  const liveWindowS = Math.max(1, ...(rb.guardrails.abortWhen ?? []).map((c) => (c.window ? durationMs(c.window) / 1000 : 5)));
  let run: LoadRun;
  try {
    // load.distributed: the k6 operator runs the load in the cluster (throws, naming what is missing).
    run = (o.startLoad ?? (rb.load.distributed ? distributedLoadStarter(rb, !!o.quick) : realStartLoad))(
      {
        baseUrl: target.gatewayUrl,
        ...(target.protocol ? { protocol: target.protocol } : {}),
        phases,
        k: rb.load.k ?? 10,
        timeoutMs: rb.load.timeout ? durationMs(rb.load.timeout) : 2000,
        sessions: target.sessionsFile,
        outDir: join(o.outDir, 'load'),
        scenario: rb.load.scenario,
        ...(rb.target.protocol ? { protocol: rb.target.protocol } : {}),
        ...(rb.load.scenario ? {} : { thresholds: thresholdsFromObjectives(rb.objectives, phases.map((p) => p.phase)) }),
        liveWindowS,
      },
      { engine: o.loadEngine ?? 'auto' },
    );
  } catch (e) {
    clearTimeout(maxTimer);
    env.abort('preflight', `load could not start: ${(e as Error).message}`);
    return null;
  }
  env.setLoadRun(run);
  ctx.journal.update((j) => {
    j.load = {
      engine: run.engine,
      summaryFile: 'load/summary.json',
      pointsFile: 'load/points.ndjson',
      plannedRate: Object.fromEntries(phases.map((p) => [p.phase, p.rate])) as Record<LoadPhaseName, number>,
      windows: [],
    };
  });
  run.onTick((t) => {
    ctx.events.emit('progress', `${t.phase ?? 'load'} ${t.elapsedS.toFixed(0)}s`, {
      phase: 'method',
      data: { loadPhase: t.phase ?? undefined, elapsedS: t.elapsedS, remainingS: t.remainingS, rps: t.window.rps, requests: t.completed, errors: t.errors, p99Ms: t.window.p99Ms, degraded: t.degraded, plannedRps: t.plannedRps },
    });
    const trip = guard.observe(t);
    if (trip) env.abort('guardrail', trip.reason);
  });
  let detection: Detection | null = null;
  let alertWatch: AlertWatch | null = null;
  let faultSteps: Promise<void> = Promise.resolve();
  let recoverySteps: Promise<void> = Promise.resolve();
  const runSteps = async (steps: Step[], lp: LoadPhaseName) => {
    for (const s of steps) {
      if (env.aborted) return;
      const i = rb.steps.indexOf(s);
      const r = await activity(ctx, { id: `method.${i}`, name: s.name, kind: s.kind, phase: 'method' }, () => executeStep(s, ctx));
      if (r.status === 'failed' && !s.continueOnFailure) {
        ctx.log(`step "${s.name}" failed: ${r.error}; the remaining ${lp} steps are skipped`);
        return;
      }
    }
  };
  run.onPhase((p) => {
    env.setLoadPhase(p);
    ctx.events.emit('phase', `load phase ${p}`, { phase: 'method', data: { loadPhase: p } });
    // Detection signals are watched from the baseline on, so one that already holds before the fault is not taken for a detection.
    if (p === 'baseline') {
      detection = startDetection(ctx, rb.detection ?? []);
      alertWatch = startAlertWatch(ctx, ctx.prometheusUrl ?? target.prometheusUrl);
    }
    if (p === 'fault') {
      detection ??= startDetection(ctx, rb.detection ?? []);
      detection.faultStarted();
      alertWatch ??= startAlertWatch(ctx, ctx.prometheusUrl ?? target.prometheusUrl);
      alertWatch.faultStarted();
      if (phases.find((x) => x.phase === 'fault')?.mix === 'drifted') {
        const at = new Date().toISOString();
        ctx.journal.update((j) => {
          j.faults.push({ id: 'load.drift', step: 'load mix', replica: 'all', type: 'load.drift', injectedAt: at, ttlMs: null });
          // The drifted requests themselves are the fault; the drift gauges are what the drill tests, not the proof.
          j.faultEvidence.push({ at, signal: 'fault:load mix', detail: `the ${run.engine} load switched to the drifted query/user mix for the fault phase` });
        });
      }
      const base = phases.find((x) => x.phase === 'baseline')?.rate ?? 0;
      const spike = phases.find((x) => x.phase === 'fault')?.rate ?? 0;
      if (base > 0 && spike >= base * 1.5) {
        const at = new Date().toISOString();
        ctx.journal.update((j) => {
          j.faults.push({ id: 'load.spike', step: 'load spike', replica: 'all', type: 'load.spike', injectedAt: at, ttlMs: null });
          j.faultEvidence.push({ at, signal: 'fault:load spike', detail: `the ${run.engine} load offered ${spike} req/s in the fault phase, ${(spike / base).toFixed(1)}x the baseline ${base} req/s` });
        });
      }
      faultSteps = runSteps(rb.steps.filter((s) => (s.phase ?? 'fault') === 'fault'), 'fault');
    }
    if (p === 'recovery') {
      recoverySteps = faultSteps.then(async () => {
        await driftEvidence(ctx);
        await runSteps(rb.steps.filter((s) => s.phase === 'recovery'), 'recovery');
      });
    }
  });
  const loadAct = await act('method.load', `load: ${run.engine} engine, ${phases.map((p) => `${p.phase} ${p.durationS}s@${p.rate}/s`).join(', ')}`, 'load', 'method', async () => {
    const out = await run.done;
    if (out.status === 'failed' || out.status === 'setup-failed') throw new Error(out.error ?? out.status);
    return { status: out.status, exitCode: out.exitCode, windows: out.windows };
  });
  const outcome = await run.done;
  await faultSteps.catch(() => {});
  await recoverySteps.catch(() => {});
  (detection as Detection | null)?.stop();
  await (alertWatch as AlertWatch | null)?.stop();
  clearTimeout(maxTimer);
  env.setLoadPhase(null);
  if (loadAct.status === 'failed' && !env.aborted) env.abort('guardrail', `load engine failed: ${loadAct.error}`);
  return outcome;
}

/** A drifted load mix is a fault whose signature must be seen at the target: the drift gauges. */
async function driftEvidence(ctx: DrillContext): Promise<void> {
  if (!ctx.journal.journal.faults.some((f) => f.type === 'load.drift')) return;
  for (const r of ctx.target.replicas()) {
    try {
      const samples = await ctx.target.api.metrics(r.url);
      const psi = sumMetric(samples, 'recsys_input_drift_psi', { dimension: 'query_category' });
      const kl = sumMetric(samples, 'recsys_input_drift_kl_divergence', { dimension: 'query_category' });
      if (psi !== null && psi > 0.1) ctx.journal.update((j) => j.faultEvidence.push({ at: new Date().toISOString(), signal: 'fault:load mix', detail: `${r.id} drift gauges: PSI ${psi.toFixed(3)}, KL ${kl?.toFixed(3)} (query category)` }));
    } catch {
      /* unreachable replica: no evidence from it */
    }
  }
}
