/**
 * A `LoadRun` backed by the k6 operator: the drill engine's load, run as a TestRun (parallelism N)
 * in the target's namespace instead of on this machine.
 *
 * - start: creates the script ConfigMap and the TestRun (k6Operator.ts), polls the TestRun until
 *   the operator reports stage `started`.
 * - phases: `onPhase('baseline' | 'fault' | 'recovery')` fire on the plan's timeline counted from
 *   the moment this controller SAW stage `started` (up to one poll interval after the runners
 *   began), not from the runners' own clocks: fault steps are timed relative to that.
 * - no live ticks: the runners' figures are only known when they end, so `onTick` never fires and
 *   guardrails on live figures (`abortWhen`) cannot trip during distributed load.
 * - end: stage `finished` (or `stop()`, which deletes the TestRun: the runners are terminated and
 *   k6 still writes its summary on SIGTERM); then the runners' files are read from
 *   DRILLBOOK_K6_OUTPUT_DIR (where this controller mounts the same ReadWriteMany claim the runners
 *   write to), merged into `<outDir>/summary.json` + `<outDir>/points.ndjson` (k6Merge.ts), and
 *   the TestRun and ConfigMap are removed.
 * `done` never rejects: API errors, stage `error`, a missing runner file become `failed` /
 * `setup-failed` outcomes with the reason.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { LoadPhaseName, Runbook } from '@drillbook/contracts';
import type { LoadOutcome, LoadOutcomeStatus, LoadPlan, LoadRun, LoadWindow, Unsubscribe } from '../../load/types.js';
import { readSummary } from '../../load/reader/readLoadResult.js';
import { mergeRunnerOutputs } from './k6Merge.js';
import { K6_GROUP, K6_PLURAL, K6_VERSION, K6OperatorLoad, type DistributedLoadSpec, type TestRunObject } from './k6Operator.js';
import type { KubeApis } from './kube.js';
import { distributedLoadSpec } from './loadPlan.js';
import { makeKubeApis } from './runbookSteps.js';
import { NamespaceGuard } from './selection.js';
import { KubernetesFaultError } from './types.js';

/** The directory where the controller sees the runners' output claim (required for distributed load). */
export const OUTPUT_DIR_ENV = 'DRILLBOOK_K6_OUTPUT_DIR';

export interface DistributedLoadOptions {
  api: KubeApis;
  namespaces: NamespaceGuard;
  /** This controller's mount of the ReadWriteMany claim the runners write to. */
  outputDir: string;
  /** TestRun status poll interval. Default 2000 ms. */
  pollMs?: number;
  /** Longest wait for stage `started`. Default 10 minutes (image pulls, scheduling). */
  startTimeoutMs?: number;
  /** Longest wait for stage `finished` beyond the plan's length. Default 10 minutes. */
  finishSlackMs?: number;
  /** After `stop()`, how long to wait for the terminated runners' files. Default 60 s. */
  stopGraceMs?: number;
  /** After stage `finished`, how long to wait for runner files not yet visible (network file systems cache directory listings). Default 10 s. */
  finishGraceMs?: number;
}

/** Why a runbook's distributed load cannot run here (null when it can): names what is missing. */
export function distributedLoadMissing(rb: Runbook, env: NodeJS.ProcessEnv = process.env): string | null {
  if (!rb.load.distributed) return null;
  if (!rb.target.kubernetes) return 'load.distributed runs on the k6 operator in the target\'s namespace: set target.kubernetes in the runbook';
  if (!env[OUTPUT_DIR_ENV]) {
    return `load.distributed needs ${OUTPUT_DIR_ENV}: the directory where this controller mounts the ReadWriteMany claim "${rb.load.distributed.outputClaim}" the runners write their outputs to`;
  }
  return null;
}

/** The engine's load starter for a runbook with `load.distributed` (throws, naming what is missing). */
export function distributedLoadStarter(rb: Runbook, quick: boolean, env: NodeJS.ProcessEnv = process.env): (plan: LoadPlan) => LoadRun {
  const missing = distributedLoadMissing(rb, env);
  if (missing) throw new KubernetesFaultError(missing);
  const spec = distributedLoadSpec(rb, quick);
  const opts: DistributedLoadOptions = {
    api: makeKubeApis(),
    namespaces: NamespaceGuard.fromEnv(env, rb.target.kubernetes!.namespace),
    outputDir: env[OUTPUT_DIR_ENV]!,
  };
  return (plan) => startDistributedLoad(spec, plan, opts);
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });

const message = (e: unknown) => {
  const err = e as { message?: string; body?: unknown; code?: number };
  const body = typeof err.body === 'string' ? err.body : err.body ? JSON.stringify(err.body) : '';
  return `${err.message ?? String(e)}${body && !(err.message ?? '').includes(body) ? ` ${body}` : ''}`.trim();
};

export function startDistributedLoad(spec: DistributedLoadSpec, plan: Pick<LoadPlan, 'phases' | 'outDir'>, opts: DistributedLoadOptions): LoadRun {
  const k6 = new K6OperatorLoad(opts.api, opts.namespaces);
  const pollMs = opts.pollMs ?? 2000;
  const startedAt = new Date().toISOString();
  const phaseCbs = new Set<(phase: LoadPhaseName, at: string) => void>();
  const windows: LoadWindow[] = [];
  const timers: NodeJS.Timeout[] = [];
  const stopSignal = new AbortController();
  let stopReason: string | undefined;
  const out = { summaryFile: path.join(plan.outDir, 'summary.json'), pointsFile: path.join(plan.outDir, 'points.ndjson') };
  const ref = { group: K6_GROUP, version: K6_VERSION, namespace: spec.namespace, plural: K6_PLURAL, name: spec.name };

  const outcome = (status: LoadOutcomeStatus, exitCode: number, error?: string): LoadOutcome => ({
    engine: 'k6',
    status,
    exitCode,
    ...out,
    startedAt,
    endedAt: new Date().toISOString(),
    windows: windows.map((w) => ({ ...w, end: w.end || new Date().toISOString() })),
    ...(stopReason ? { stopReason } : {}),
    interrupted: 0,
    ...(error ? { error } : {}),
  });

  const emitPhase = (phase: LoadPhaseName) => {
    const at = new Date().toISOString();
    const prev = windows[windows.length - 1];
    if (prev && !prev.end) prev.end = at;
    windows.push({ phase, start: at, end: '' });
    for (const cb of phaseCbs) {
      try {
        cb(phase, at);
      } catch {
        /* listener errors are swallowed */
      }
    }
  };

  /** Polls the TestRun until its stage is one of `wanted`; null when stop() came first. */
  const waitStage = async (wanted: string[], timeoutMs: number): Promise<string | null> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (stopSignal.signal.aborted) return null;
      const got = (await opts.api.custom.getNamespacedCustomObject(ref)) as { status?: { stage?: string } };
      const stage = got.status?.stage;
      if (stage === 'error') throw new KubernetesFaultError(`TestRun ${spec.namespace}/${spec.name} reports stage error (see the k6 operator's and the runner pods' logs)`);
      if (stage && wanted.includes(stage)) return stage;
      if (Date.now() >= end) throw new KubernetesFaultError(`TestRun ${spec.namespace}/${spec.name} did not reach stage ${wanted.join(' or ')} within ${Math.round(timeoutMs / 1000)}s (last stage: ${stage ?? 'none'})`);
      await sleep(pollMs, stopSignal.signal);
    }
  };

  const runnerPods = async (): Promise<string[]> => {
    const list = await opts.api.core.listNamespacedPod({ namespace: spec.namespace, labelSelector: `app=k6,k6_cr=${spec.name},runner=true` });
    return list.items.map((p) => p.metadata?.name ?? '').filter(Boolean).sort();
  };

  const runnerFiles = (pod: string) => ({ summaryFile: path.join(opts.outputDir, `${pod}-summary.json`), pointsFile: path.join(opts.outputDir, `${pod}-points.ndjson.gz`) });

  const collect = async (pods: string[], graceMs: number): Promise<string | null> => {
    if (pods.length !== spec.parallelism) return `TestRun ${spec.namespace}/${spec.name}: expected ${spec.parallelism} runner pods (app=k6,k6_cr=${spec.name},runner=true), found ${pods.length}`;
    const files = pods.map(runnerFiles);
    const end = Date.now() + graceMs;
    const missing = () => files.flatMap((f) => [f.summaryFile, f.pointsFile]).filter((f) => !existsSync(f));
    while (missing().length && Date.now() < end) await new Promise((r) => setTimeout(r, Math.min(pollMs, 500)));
    const gone = missing();
    if (gone.length) return `runner output missing in ${OUTPUT_DIR_ENV}=${opts.outputDir} (is it the mount of claim "${spec.outputClaim}"?): ${gone.join(', ')}`;
    mkdirSync(plan.outDir, { recursive: true });
    await mergeRunnerOutputs(files, out);
    return null;
  };

  const done = (async (): Promise<LoadOutcome> => {
    let tr: TestRunObject;
    try {
      tr = await k6.start(spec);
    } catch (e) {
      return outcome('setup-failed', 108, `creating the k6-operator TestRun ${spec.namespace}/${spec.name}: ${message(e)}`);
    }
    let result: LoadOutcome;
    let pods: string[] = [];
    try {
      const started = await waitStage(['started', 'finished'], opts.startTimeoutMs ?? 10 * 60_000);
      if (started) {
        let offsetMs = 0;
        for (const p of plan.phases) {
          const phase = p.phase;
          timers.push(setTimeout(() => emitPhase(phase), offsetMs));
          offsetMs += p.durationS * 1000;
        }
      }
      const totalMs = plan.phases.reduce((a, p) => a + p.durationS * 1000, 0);
      const finished = started ? await waitStage(['finished'], totalMs + (opts.finishSlackMs ?? 10 * 60_000)) : null;
      for (const t of timers) clearTimeout(t);
      const last = windows[windows.length - 1];
      if (last && !last.end) last.end = new Date().toISOString();
      pods = await runnerPods();
      if (finished) {
        const problem = await collect(pods, opts.finishGraceMs ?? 10_000);
        if (problem) result = outcome('failed', 1, problem);
        else {
          const merged = readSummary(out.summaryFile);
          const crossed = Object.values(merged.metrics).some((m) => Object.values(m.thresholds ?? {}).some((t) => !t.ok));
          result = crossed ? outcome('thresholds-crossed', 99) : outcome('completed', 0);
        }
      } else {
        // stop(): deleting the TestRun terminates the runners; k6 writes its summary on SIGTERM.
        await k6.remove(tr);
        const problem = started ? await collect(pods, opts.stopGraceMs ?? 60_000) : `stopped before the TestRun's runners started: no load results`;
        result = problem ? outcome('failed', 1, problem) : outcome('stopped', 105);
      }
    } catch (e) {
      for (const t of timers) clearTimeout(t);
      result = outcome('failed', 1, message(e));
    }
    try {
      await k6.remove(tr);
    } catch (e) {
      const why = `removing TestRun ${spec.namespace}/${spec.name} and its ConfigMap: ${message(e)}`;
      result = outcome('failed', 1, result.error ? `${result.error}; ${why}` : why);
    }
    return result;
  })();

  return {
    engine: 'k6',
    startedAt,
    onTick(): Unsubscribe {
      // No live figures: the runners' results are known only when they end (see the file comment).
      return () => undefined;
    },
    onPhase(cb) {
      phaseCbs.add(cb);
      return () => phaseCbs.delete(cb);
    },
    async stop(reason: string) {
      if (!stopSignal.signal.aborted) {
        stopReason = reason;
        for (const t of timers) clearTimeout(t);
        stopSignal.abort();
      }
      await done;
    },
    done,
  };
}
