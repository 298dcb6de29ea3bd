/**
 * The drill executor. A drill is a short loop over ordered phase modules (engine/phases/):
 *
 *   load -> validate -> preflight -> steady state before -> method under load -> steady state after
 *   -> rollback (always, once there is a target) -> journal -> scorecard
 *
 * Every I/O with the target goes through `DrillTarget` (its `api`), and load through `startLoad`
 * (injectable): a test can run the whole engine on an in-memory target (engine/__fixtures__).
 * Every step goes through one wrapper (`activity`) that records status, output, start, end and error
 * in the versioned journal, persisted as it happens; observers plug in through the event registry.
 * There is one abort path: a tripped guardrail, Ctrl-C, the API, an emergency stop or the maximum
 * duration all call `abort()`, which stops the load and cancels waiting steps; the rollback phase
 * then clears every fault the drill injected, and the journal says why.
 */
import { join } from 'node:path';
import type { DrillJournal, DrillPhase, LoadPhaseName } from '@drillbook/contracts';
import type { LoadedRunbook } from '../runbook/validate.js';
import { readLoadResult, type LoadOutcome, type LoadResult, type LoadRun, type startLoad } from '../load/index.js';
import { computeScorecard, type SloReference } from '../scorecard/compute.js';
import { evaluateServiceSlis } from '../scorecard/serviceSlis.js';
import type { PromqlSli } from '../catalogue/promqlSlis.js';
import { writeOutputs, type OutputFiles } from '../report/outputs.js';
import { activity, type DrillContext } from './context.js';
import { EventBus, type DrillObserver } from './events.js';
import { JournalWriter } from './journal.js';
import type { DrillTarget } from './target.js';
import { DEFAULT_SLO, newDrillId } from './defaults.js';
import type { DrillPhaseModule, PhaseEnv } from './phases/env.js';
import { loadPhase, validatePhase } from './phases/validate.js';
import { preflightPhase } from './phases/preflight.js';
import { steadyStateAfter, steadyStateBefore } from './phases/steadyState.js';
import { methodPhase } from './phases/method.js';
import { rollbackPhase } from './phases/rollback.js';
import { TargetError } from '../errors.js';
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
  /** The service's own PromQL SLIs (controller config `services[].slis`): evaluated over the phases for the scorecard. */
  serviceSlis?: PromqlSli[];
  /** Receives the journal on every change (the controller's database). */
  persist?: (j: DrillJournal) => void;
  log?: (line: string) => void;
  /** Gives the caller the running target (controller: catalogue of the embedded stack). */
  onTarget?: (t: DrillTarget) => void;
  /** Keep the embedded stack running after the drill (the caller closes it). */
  keepTarget?: boolean;
  /** Starts the load (default: the real engines, `load/startLoad`). Tests hand in their own. */
  startLoad?: typeof startLoad;
}

export interface DrillResult {
  drillId: string;
  journal: DrillJournal;
  scorecard: Scorecard;
  files: OutputFiles;
  exitCode: 0 | 1 | 2;
}

export { DEFAULT_SLO } from './defaults.js';

/** The phases before rollback, in order; each runs only while the drill is not aborted. */
export const DRILL_PHASES: readonly DrillPhaseModule[] = [loadPhase, validatePhase, preflightPhase, steadyStateBefore, methodPhase, steadyStateAfter];

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
    this.id = opts.drillId ?? newDrillId(loaded.runbook.metadata.name);
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
    const drill = this;
    const ctx: DrillContext = {
      drillId: this.id,
      runbook: rb,
      // Steps only run once preflight has a target; reaching for it earlier is an engine bug, said so.
      get target(): DrillTarget {
        if (!drill.target) throw new TargetError('no target yet: steps run only after preflight found one');
        return drill.target;
      },
      journal,
      events: this.events,
      signal: this.controller.signal,
      loadPhase: () => currentLoadPhase,
      baselines: new Map(),
      ack: o.ack ?? (async () => !!o.autoAck),
      // A team's own Prometheus (--prometheus), else the one the embedded stack started (if any).
      get prometheusUrl(): string | undefined {
        return o.prometheusUrl ?? drill.target?.prometheusUrl;
      },
      log: o.log ?? (() => {}),
      abort: (source, reason) => this.abort(source, reason),
    };
    const env: PhaseEnv = {
      loaded: this.loaded,
      opts: o,
      ctx,
      act: (id, name, kind, phase, fn) => activity(ctx, { id, name, kind, phase }, fn),
      abort: (source, reason) => this.abort(source, reason),
      get aborted() {
        return drill.aborted;
      },
      target: () => this.target,
      setTarget: (t) => (this.target = t),
      setLoadRun: (r) => (this.loadRun = r),
      setLoadPhase: (p) => (currentLoadPhase = p),
      outcome: null,
    };

    try {
      for (const p of DRILL_PHASES) {
        if (this.aborted) break;
        await this.phase(p.name, () => p.run(env));
      }
    } catch (e) {
      const fatal = (e as Error).message;
      o.log?.(`drill error: ${fatal}`);
      this.abort('guardrail', `drill engine error: ${fatal}`);
    } finally {
      currentLoadPhase = null;
      if (this.target) await this.phase('rollback', () => rollbackPhase.run(env));
    }
    const outcome = env.outcome;

    let result: LoadResult | null = null;
    await this.phase('journal', async () => {
      const lr = await activity(ctx, { id: 'journal', name: 'read load output and close the journal', kind: 'phase', phase: 'journal' }, async () => {
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
      const loadResult = result as LoadResult | null;
      const serviceSlis = o.serviceSlis?.length
        ? await evaluateServiceSlis({
            slis: o.serviceSlis,
            prometheusUrl: ctx.prometheusUrl,
            windows: outcome?.windows ?? journal.journal.load?.windows ?? [],
            origin: Date.parse(loadResult?.origin ?? journal.journal.startedAt),
          })
        : undefined;
      scorecard = computeScorecard({ journal: journal.journal, load: result, runbook: rb, outcome, slo: o.slo ?? DEFAULT_SLO, quick, serviceSlis });
      files = writeOutputs(o.outDir, scorecard, journal.journal, rb);
    });
    this.events.emit('end', `drill ${scorecard.status}: score ${scorecard.score} — ${scorecard.statusReason}`, {
      data: { status: scorecard.status, score: scorecard.score, report: files.report },
    });
    if (this.target && this.target.embedded && !o.keepTarget && !o.target) await this.target.close();
    return { drillId: this.id, journal: journal.journal, scorecard, files, exitCode: scorecard.status === 'passed' ? 0 : scorecard.status === 'failed' ? 1 : 2 };
  }
}
