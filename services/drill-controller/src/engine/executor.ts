/**
 * The drill executor. A drill is a sequence of named phases:
 *
 *   load -> validate -> preflight -> steady state before -> method under load -> steady state after
 *   -> rollback (always) -> journal -> scorecard
 *
 * Every step goes through one wrapper (`activity`) that records status, output, start, end and error
 * in the versioned journal, persisted as it happens; observers plug in through the event registry.
 * There is one abort path: a tripped guardrail, Ctrl-C, the API, an emergency stop or the maximum
 * duration all call `abort()`, which stops the load and cancels waiting steps; the rollback phase
 * then clears every fault the drill injected, and the journal says why.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { DrillJournal, DrillPhase, LoadPhaseName, Step } from '@drillbook/contracts';
import { durationMs } from '../runbook/duration.js';
import { buildPlan, loadPhases } from '../runbook/plan.js';
import type { LoadedRunbook } from '../runbook/validate.js';
import { readLoadResult, startLoad, chooseEngine, type LoadOutcome, type LoadResult, type LoadRun } from '../load/index.js';
import { computeScorecard, type SloReference } from '../scorecard/compute.js';
import { writeOutputs, type OutputFiles } from '../report/outputs.js';
import { activity, type DrillContext } from './context.js';
import { startDetection, type Detection } from './detection.js';
import { EventBus, type DrillObserver } from './events.js';
import { GuardrailMonitor } from './guardrails.js';
import { JournalWriter } from './journal.js';
import { executeStep } from './steps.js';
import { scrape, sumMetric } from './promText.js';
import { startEmbeddedTarget, type DrillTarget } from './target.js';
import { undoDrill } from './undo.js';
import { thresholdsFromObjectives } from './thresholds.js';
import type { Scorecard } from '@drillbook/contracts';

export type AbortSource = 'guardrail' | 'human' | 'api' | 'signal' | 'emergency-stop' | 'max-duration' | 'preflight';

export interface DrillOptions {
  drillId?: string;
  /** Directory for journal, scorecard, report, JUnit and load outputs. */
  outDir: string;
  quick?: boolean;
  loadEngine?: 'builtin' | 'k6' | 'auto';
  /** Answer every human acknowledgement with "continue" (non-interactive runs). */
  autoAck?: boolean;
  /** Interactive acknowledgement (a TTY prompt, or the controller). */
  ack?: (prompt: string, timeoutMs: number | null) => Promise<boolean>;
  /** An already running target; otherwise the drill starts (and stops) the embedded stack. */
  target?: DrillTarget;
  /** Keep the embedded stack's files here (default: a temporary directory). */
  stackDir?: string;
  modelCache?: string;
  observers?: DrillObserver[];
  prometheusUrl?: string;
  slo?: SloReference;
  /** Receives the journal on every change (the controller's database). */
  persist?: (j: DrillJournal) => void;
  log?: (line: string) => void;
  /** Gives the caller the running target (controller: catalogue of the embedded stack). */
  onTarget?: (t: DrillTarget) => void;
  /** Keep the embedded stack running after the drill (the caller closes it). */
  keepTarget?: boolean;
}

export interface DrillResult {
  drillId: string;
  journal: DrillJournal;
  scorecard: Scorecard;
  files: OutputFiles;
  exitCode: 0 | 1 | 2;
}

export const DEFAULT_SLO: SloReference = { name: 'recommend-availability', objective: 0.999, periodDays: 30 };

export class Drill {
  readonly id: string;
  readonly events: EventBus;
  private readonly controller = new AbortController();
  private loadRun: LoadRun | null = null;
  private journalWriter!: JournalWriter;
  private target: DrillTarget | null = null;

  constructor(
    private readonly loaded: LoadedRunbook,
    private readonly opts: DrillOptions,
  ) {
    this.id = opts.drillId ?? `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${loaded.runbook.metadata.name}-${randomUUID().slice(0, 6)}`;
    this.events = new EventBus(this.id, (e) => opts.log?.(`observer failed (ignored): ${(e as Error).message}`));
    for (const o of opts.observers ?? []) this.events.on(o);
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  /** The one abort path. Idempotent: the first reason wins. */
  abort(source: AbortSource, reason: string): void {
    if (this.controller.signal.aborted) return;
    const at = new Date().toISOString();
    this.journalWriter?.update((j) => (j.abort = { source: source === 'preflight' ? 'guardrail' : source, reason, at }));
    this.events.emit(source === 'guardrail' ? 'guardrail' : 'state', `aborting (${source}): ${reason}`, { data: { status: 'aborting', source } });
    this.opts.log?.(`ABORT (${source}): ${reason}`);
    this.controller.abort(reason);
    void this.loadRun?.stop(`aborted (${source}): ${reason}`);
  }

  private async phase(name: DrillPhase, fn: () => Promise<void>): Promise<void> {
    this.journalWriter.update(() => {});
    this.events.emit('phase', `phase ${name}`, { phase: name });
    this.opts.log?.(`phase ${name}`);
    await fn();
  }

  async run(): Promise<DrillResult> {
    const rb = this.loaded.runbook;
    const o = this.opts;
    const quick = !!o.quick;
    const startedAt = new Date().toISOString();
    this.journalWriter = new JournalWriter(
      {
        schemaVersion: 1,
        drillId: this.id,
        runbook: { name: rb.metadata.name, title: rb.metadata.title, file: this.loaded.file, sha256: this.loaded.sha256 },
        service: rb.target.service,
        target: { url: '', embedded: !o.target, replicas: [] },
        status: 'running',
        dryRun: false,
        startedAt,
        modelVersion: null,
        activities: [],
        faults: [],
        faultEvidence: [],
        slo: { ...(o.slo ?? DEFAULT_SLO), budgetRemainingAtStart: null },
      },
      join(o.outDir, 'journal.json'),
      o.persist,
    );
    const journal = this.journalWriter;
    this.events.emit('state', `drill ${this.id} started: ${rb.metadata.title}`, { data: { status: 'running' } });
    let currentLoadPhase: LoadPhaseName | null = null;
    const ctx: DrillContext = {
      drillId: this.id,
      runbook: rb,
      target: null as unknown as DrillTarget,
      journal,
      events: this.events,
      signal: this.controller.signal,
      loadPhase: () => currentLoadPhase,
      baselines: new Map(),
      ack: o.ack ?? (async () => !!o.autoAck),
      prometheusUrl: o.prometheusUrl,
      log: o.log ?? (() => {}),
      abort: (source, reason) => this.abort(source, reason),
    };
    const act = <T>(id: string, name: string, kind: Parameters<typeof activity>[1]['kind'], phase: DrillPhase, fn: () => Promise<T>) => activity(ctx, { id, name, kind, phase }, fn);
    let outcome: LoadOutcome | null = null;
    let fatal: string | null = null;

    try {
      await this.phase('load', async () => {
        await act('load', 'load runbook', 'phase', 'load', async () => ({ file: this.loaded.file, sha256: this.loaded.sha256, name: rb.metadata.name }));
      });
      await this.phase('validate', async () => {
        const r = await act('validate', 'validate runbook and blast radius', 'phase', 'validate', async () => {
          const plan = buildPlan(rb, { quick, engine: chooseEngine(o.loadEngine ?? 'auto', rb.load.scenario).engine, seed: this.id });
          return { actions: plan.actions.length, loadRequests: plan.load.totalRequests };
        });
        if (r.status !== 'succeeded') this.abort('preflight', `validation failed: ${r.error}`);
      });
      if (!this.aborted) await this.phase('preflight', () => this.preflight(ctx, act));
      if (!this.aborted) {
        await this.phase('steady-state-before', async () => {
          for (const [i, s] of (rb.steadyState?.before ?? []).entries()) {
            const r = await act(`steady-before.${i}`, s.name, s.kind, 'steady-state-before', () => executeStep(s, ctx));
            if (r.status === 'failed') {
              this.abort('preflight', `steady state before the method not met: ${s.name}: ${r.error}`);
              break;
            }
          }
        });
      }
      if (!this.aborted) {
        await this.phase('method', async () => {
          outcome = await this.method(ctx, act, (p) => (currentLoadPhase = p));
        });
      }
      if (!this.aborted) {
        await this.phase('steady-state-after', async () => {
          for (const [i, s] of (rb.steadyState?.after ?? []).entries()) await act(`steady-after.${i}`, s.name, s.kind, 'steady-state-after', () => executeStep(s, ctx));
        });
      }
    } catch (e) {
      fatal = (e as Error).message;
      o.log?.(`drill error: ${fatal}`);
      this.abort('guardrail', `drill engine error: ${fatal}`);
    } finally {
      currentLoadPhase = null;
      if (this.target) await this.phase('rollback', () => this.rollback(ctx, act));
    }

    let result: LoadResult | null = null;
    await this.phase('journal', async () => {
      const lr = await act('journal', 'read load output and close the journal', 'phase', 'journal', async () => {
        if (outcome) result = await readLoadResult(outcome.summaryFile, outcome.pointsFile);
        return { loadEngine: outcome?.engine ?? null, requests: result ? (result as LoadResult).totals.requests : 0 };
      });
      journal.update((j) => {
        j.status = this.aborted ? 'aborted' : 'completed';
        j.endedAt = new Date().toISOString();
        if (j.load && outcome) {
          j.load.exitCode = outcome.exitCode;
          j.load.windows = outcome.windows;
        }
      });
      if (lr.status === 'failed') o.log?.(`could not read the load output: ${lr.error}`);
    });
    let scorecard!: Scorecard;
    let files!: OutputFiles;
    await this.phase('scorecard', async () => {
      scorecard = computeScorecard({ journal: journal.journal, load: result, runbook: rb, outcome, slo: o.slo ?? DEFAULT_SLO, quick });
      files = writeOutputs(o.outDir, scorecard, journal.journal, rb);
    });
    this.events.emit('end', `drill ${scorecard.status}: score ${scorecard.score} — ${scorecard.statusReason}`, {
      data: { status: scorecard.status, score: scorecard.score, report: files.report },
    });
    if (this.target && this.target.embedded && !o.keepTarget && !o.target) await this.target.close();
    return { drillId: this.id, journal: journal.journal, scorecard, files, exitCode: scorecard.status === 'passed' ? 0 : scorecard.status === 'failed' ? 1 : 2 };
  }

  private async preflight(ctx: DrillContext, act: <T>(id: string, name: string, kind: 'phase', phase: DrillPhase, fn: () => Promise<T>) => ReturnType<typeof activity<T>>): Promise<void> {
    const o = this.opts;
    const rb = this.loaded.runbook;
    if (o.target) this.target = o.target;
    else {
      const r = await act('preflight.stack', 'start the embedded reference stack', 'phase', 'preflight', async () => {
        const t = await startEmbeddedTarget({ service: rb.target.service, spec: rb.stack, dir: o.stackDir, onLog: o.log, modelCache: o.modelCache, prometheusUrl: o.prometheusUrl });
        this.target = t;
        return { gateway: t.gatewayUrl, replicas: t.replicas() };
      });
      if (r.status !== 'succeeded') return this.abort('preflight', `embedded stack did not start: ${r.error}`);
    }
    const target = this.target!;
    ctx.target = target;
    o.onTarget?.(target);
    this.journalWriter.update((j) => (j.target = { url: target.gatewayUrl, embedded: target.embedded, replicas: target.replicas() }));
    const health = await act('preflight.health', 'target healthy', 'phase', 'preflight', async () => {
      const gw = await fetch(`${target.gatewayUrl}/readyz`, { signal: AbortSignal.timeout(3000) });
      if (gw.status !== 200) throw new Error(`gateway ${target.gatewayUrl}/readyz answered ${gw.status}`);
      const replicas = [];
      for (const r of target.replicas()) {
        const res = await fetch(`${r.url}/readyz`, { signal: AbortSignal.timeout(3000) }).catch((e: Error) => e);
        if (res instanceof Error || res.status !== 200) throw new Error(`replica ${r.id} is not ready (${res instanceof Error ? res.message : `HTTP ${res.status}`})`);
        const body = (await res.json()) as { model?: { version: string } };
        replicas.push({ id: r.id, zone: r.zone, version: body.model?.version ?? null });
      }
      const version = replicas[0]?.version ?? null;
      this.journalWriter.update((j) => (j.modelVersion = version));
      return { gateway: 'ready', replicas };
    });
    if (health.status !== 'succeeded') return this.abort('preflight', `target not healthy: ${health.error}`);
    // Warm the serving path (JIT, connection pools, onnxruntime buffers) so the baseline measures a warm service.
    await act('preflight.warmup', 'warm up the serving path', 'phase', 'preflight', async () => {
      const { readFileSync } = await import('node:fs');
      const templates = (JSON.parse(readFileSync(target.sessionsFile, 'utf8')) as { training: Array<{ userId: string; query: string }> }).training.slice(0, 200);
      let ok = 0;
      for (let i = 0; i < templates.length; i += 20) {
        const batch = templates.slice(i, i + 20).map((t) =>
          fetch(`${target.gatewayUrl}/v1/recommend`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-synthetic': 'true' }, body: JSON.stringify({ userId: t.userId, query: t.query, k: 10 }), signal: AbortSignal.timeout(5000) })
            .then(async (r) => {
              await r.text();
              if (r.ok) ok++;
            })
            .catch(() => {}),
        );
        await Promise.all(batch);
      }
      return { requests: templates.length, ok };
    });
    const min = rb.guardrails.minErrorBudget;
    const budget = await act('preflight.budget', 'error budget left', 'phase', 'preflight', async () => {
      const slo = o.slo ?? DEFAULT_SLO;
      if (!o.prometheusUrl) return { checked: false, note: `no Prometheus configured: budget of ${slo.name} not checked` };
      const { promQuery } = await import('./steps.js');
      const { slothSloName } = await import('@drillbook/alerts');
      const remaining = await promQuery(o.prometheusUrl, `slo:period_error_budget_remaining:ratio{sloth_service="${rb.target.service}",sloth_slo="${slothSloName(slo.name)}"}`).catch(() => null);
      this.journalWriter.update((j) => j.slo && (j.slo.budgetRemainingAtStart = remaining));
      if (min !== undefined && remaining !== null && remaining < min) throw new Error(`only ${(remaining * 100).toFixed(1)}% of the error budget left, the runbook needs ${min * 100}%`);
      return { checked: remaining !== null, remaining };
    });
    if (budget.status !== 'succeeded') this.abort('preflight', budget.error);
  }

  private async method(ctx: DrillContext, act: <T>(id: string, name: string, kind: 'load' | 'phase', phase: DrillPhase, fn: () => Promise<T>) => ReturnType<typeof activity<T>>, setPhase: (p: LoadPhaseName | null) => void): Promise<LoadOutcome | null> {
    const o = this.opts;
    const rb = this.loaded.runbook;
    const target = this.target!;
    const phases = loadPhases(rb, !!o.quick);
    // Baselines for `mode: increase` probes and detection.
    for (const url of [target.gatewayUrl, ...target.replicas().map((r) => r.url)]) {
      try {
        ctx.baselines.set(url, await scrape(url));
      } catch {
        /* a replica without metrics has no baseline; increases are then absolute */
      }
    }
    const maxMs = durationMs(rb.guardrails.maxDuration);
    const maxTimer = setTimeout(() => this.abort('max-duration', `drill exceeded guardrails.maxDuration ${rb.guardrails.maxDuration}`), maxMs);
    maxTimer.unref();
    const guard = new GuardrailMonitor(rb.guardrails.abortWhen ?? []);
    const liveWindowS = Math.max(1, ...(rb.guardrails.abortWhen ?? []).map((c) => (c.window ? durationMs(c.window) / 1000 : 5)));
    let run: LoadRun;
    try {
      run = startLoad(
        {
          baseUrl: target.gatewayUrl,
          phases,
          k: rb.load.k ?? 10,
          timeoutMs: rb.load.timeout ? durationMs(rb.load.timeout) : 2000,
          sessions: target.sessionsFile,
          outDir: join(o.outDir, 'load'),
          scenario: rb.load.scenario,
          ...(rb.load.scenario ? {} : { thresholds: thresholdsFromObjectives(rb.objectives, phases.map((p) => p.phase)) }),
          liveWindowS,
        },
        { engine: o.loadEngine ?? 'auto' },
      );
    } catch (e) {
      clearTimeout(maxTimer);
      this.abort('preflight', `load could not start: ${(e as Error).message}`);
      return null;
    }
    this.loadRun = run;
    this.journalWriter.update((j) => {
      j.load = {
        engine: run.engine,
        summaryFile: 'load/summary.json',
        pointsFile: 'load/points.ndjson',
        plannedRate: Object.fromEntries(phases.map((p) => [p.phase, p.rate])) as Record<LoadPhaseName, number>,
        windows: [],
      };
    });
    run.onTick((t) => {
      this.events.emit('progress', `${t.phase ?? 'load'} ${t.elapsedS.toFixed(0)}s`, {
        phase: 'method',
        data: { loadPhase: t.phase ?? undefined, elapsedS: t.elapsedS, remainingS: t.remainingS, rps: t.window.rps, requests: t.completed, errors: t.errors, p99Ms: t.window.p99Ms, degraded: t.degraded, plannedRps: t.plannedRps },
      });
      const trip = guard.observe(t);
      if (trip) this.abort('guardrail', trip.reason);
    });
    let detection: Detection | null = null;
    let faultSteps: Promise<void> = Promise.resolve();
    let recoverySteps: Promise<void> = Promise.resolve();
    const runSteps = async (steps: Step[], lp: LoadPhaseName) => {
      for (const s of steps) {
        if (this.aborted) return;
        const i = rb.steps.indexOf(s);
        const r = await activity(ctx, { id: `method.${i}`, name: s.name, kind: s.kind, phase: 'method' }, () => executeStep(s, ctx));
        if (r.status === 'failed' && !s.continueOnFailure) {
          ctx.log(`step "${s.name}" failed: ${r.error}; the remaining ${lp} steps are skipped`);
          return;
        }
      }
    };
    run.onPhase((p) => {
      setPhase(p);
      this.events.emit('phase', `load phase ${p}`, { phase: 'method', data: { loadPhase: p } });
      // Detection signals are watched from the baseline on, so one that already holds before the fault is not taken for a detection.
      if (p === 'baseline') detection = startDetection(ctx, rb.detection ?? []);
      if (p === 'fault') {
        detection ??= startDetection(ctx, rb.detection ?? []);
        detection.faultStarted();
        if (phases.find((x) => x.phase === 'fault')?.mix === 'drifted') {
          const at = new Date().toISOString();
          this.journalWriter.update((j) => {
            j.faults.push({ id: 'load.drift', step: 'load mix', replica: 'all', type: 'load.drift', injectedAt: at, ttlMs: null });
            // The drifted requests themselves are the fault; the drift gauges are what the drill tests, not the proof.
            j.faultEvidence.push({ at, signal: 'fault:load mix', detail: `the ${run.engine} load switched to the drifted query/user mix for the fault phase` });
          });
        }
        const base = phases.find((x) => x.phase === 'baseline')?.rate ?? 0;
        const spike = phases.find((x) => x.phase === 'fault')?.rate ?? 0;
        if (base > 0 && spike >= base * 1.5) {
          const at = new Date().toISOString();
          this.journalWriter.update((j) => {
            j.faults.push({ id: 'load.spike', step: 'load spike', replica: 'all', type: 'load.spike', injectedAt: at, ttlMs: null });
            j.faultEvidence.push({ at, signal: 'fault:load spike', detail: `the ${run.engine} load offered ${spike} req/s in the fault phase, ${(spike / base).toFixed(1)}x the baseline ${base} req/s` });
          });
        }
        faultSteps = runSteps(rb.steps.filter((s) => (s.phase ?? 'fault') === 'fault'), 'fault');
      }
      if (p === 'recovery') {
        recoverySteps = faultSteps.then(async () => {
          await this.driftEvidence(ctx);
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
    clearTimeout(maxTimer);
    setPhase(null);
    if (loadAct.status === 'failed' && !this.aborted) this.abort('guardrail', `load engine failed: ${loadAct.error}`);
    return outcome;
  }

  /** A drifted load mix is a fault whose signature must be seen at the target: the drift gauges. */
  private async driftEvidence(ctx: DrillContext): Promise<void> {
    if (!ctx.journal.journal.faults.some((f) => f.type === 'load.drift')) return;
    for (const r of ctx.target.replicas()) {
      try {
        const samples = await scrape(r.url);
        const psi = sumMetric(samples, 'recsys_input_drift_psi', { dimension: 'query_category' });
        const kl = sumMetric(samples, 'recsys_input_drift_kl_divergence', { dimension: 'query_category' });
        if (psi !== null && psi > 0.1) ctx.journal.update((j) => j.faultEvidence.push({ at: new Date().toISOString(), signal: 'fault:load mix', detail: `${r.id} drift gauges: PSI ${psi.toFixed(3)}, KL ${kl?.toFixed(3)} (query category)` }));
      } catch {
        /* unreachable replica: no evidence from it */
      }
    }
  }

  private async rollback(ctx: DrillContext, act: <T>(id: string, name: string, kind: 'phase', phase: DrillPhase, fn: () => Promise<T>) => ReturnType<typeof activity<T>>): Promise<void> {
    const rb = this.loaded.runbook;
    // Rollback steps run even after an abort: give them a signal of their own.
    const rctx: DrillContext = { ...ctx, signal: new AbortController().signal, inRollback: true };
    for (const [i, s] of rb.rollback.entries()) await activity(rctx, { id: `rollback.${i}`, name: s.name, kind: s.kind, phase: 'rollback' }, () => executeStep(s, rctx));
    await activity(rctx, { id: 'rollback.auto', name: 'undo what the drill did', kind: 'phase', phase: 'rollback' }, async () => {
      const target = this.target!;
      return undoDrill(
        ctx.journal.journal,
        { gatewayUrl: target.gatewayUrl, adminToken: target.adminToken, replicas: target.replicas(), process: target.process },
        this.aborted ? 'abort' : 'rollback',
        (f, patch) => ctx.journal.update(() => Object.assign(f, patch)),
      );
    });
    void act;
  }
}
