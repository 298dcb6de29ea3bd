/**
 * The controller's Prometheus metrics: the latest result of every runbook on every service, in the
 * LitmusChaos / chaostoolkit spirit but with the scorecard's figures (score, recovery and detection
 * time, error budget consumed, ranking quality, per-objective credit). `drillbook_drill_status` is a
 * state set: one series per status, 1 for the status the latest drill ended with. A figure the
 * scorecard does not have (e.g. never recovered) is left out, not exported as zero.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DRILL_STATUSES, METRIC, type DrillStatus, type Scorecard } from '@drillbook/contracts';

const L = ['service', 'runbook'] as const;

export class DrillMetrics {
  readonly registry = new Registry();
  private readonly score = new Gauge({ name: METRIC.drillScore, help: 'Score 0-100 of the latest drill of a runbook on a service.', labelNames: L, registers: [this.registry] });
  private readonly status = new Gauge({ name: METRIC.drillStatus, help: 'Status the latest drill of a runbook ended with: 1 for that status, 0 for the others.', labelNames: [...L, 'status'], registers: [this.registry] });
  private readonly ttr = new Gauge({ name: METRIC.drillTimeToRecover, help: 'Time to recover of the latest drill (SLI back within objective after the first fault), seconds.', labelNames: L, registers: [this.registry] });
  private readonly ttd = new Gauge({ name: METRIC.drillTimeToDetect, help: 'Time to detect of the latest drill (first detection signal after the first fault), seconds.', labelNames: L, registers: [this.registry] });
  private readonly budget = new Gauge({ name: METRIC.drillBudgetConsumed, help: "Share of the SLO period's error budget the latest drill consumed.", labelNames: L, registers: [this.registry] });
  private readonly inProgress = new Gauge({ name: METRIC.drillInProgress, help: '1 while a drill of this runbook runs on this service.', labelNames: L, registers: [this.registry] });
  private readonly ndcg = new Gauge({ name: 'drillbook_drill_ndcg_ratio', help: 'Served NDCG@10 of the worst phase over the baseline, latest drill.', labelNames: L, registers: [this.registry] });
  private readonly interruption = new Gauge({ name: 'drillbook_drill_interruption_seconds', help: 'Seconds availability or latency stayed outside objective in the latest drill.', labelNames: L, registers: [this.registry] });
  private readonly duration = new Gauge({ name: 'drillbook_drill_duration_seconds', help: 'Duration of the latest drill, seconds.', labelNames: L, registers: [this.registry] });
  private readonly ended = new Gauge({ name: 'drillbook_drill_end_timestamp_seconds', help: 'When the latest drill ended, Unix seconds.', labelNames: L, registers: [this.registry] });
  private readonly credit = new Gauge({ name: 'drillbook_drill_objective_credit_ratio', help: "Share of an objective's points the latest drill earned (1 = met).", labelNames: [...L, 'objective'], registers: [this.registry] });
  private readonly finished = new Counter({ name: 'drillbook_drills_finished_total', help: 'Drills finished since the controller started, by status.', labelNames: [...L, 'status'], registers: [this.registry] });
  private readonly estop = new Gauge({ name: 'drillbook_emergency_stop_active', help: '1 while the emergency stop refuses new drills.', registers: [this.registry] });
  /** The controller's own API latency, from request parsed to response written (server side). */
  readonly http = new Histogram({
    name: 'drillbook_controller_http_request_duration_seconds',
    help: 'Time from a request being read to its response being written (SSE streams: until the stream is set up), by route template.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  private readonly objectives = new Map<string, Set<string>>();

  constructor(opts: { processMetrics?: boolean } = {}) {
    if (opts.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'drillbook_controller_' });
  }

  started(service: string, runbook: string): void {
    this.inProgress.set({ service, runbook }, 1);
  }

  /** A drill ended (or the controller starts and loads the latest results): `count` adds it to the finished counter. */
  result(sc: Scorecard, opts: { count: boolean } = { count: true }): void {
    const l = { service: sc.service, runbook: sc.runbook.name };
    this.inProgress.set(l, 0);
    this.score.set(l, sc.score);
    for (const s of DRILL_STATUSES) this.status.set({ ...l, status: s }, s === sc.status ? 1 : 0);
    const put = (g: Gauge, v: number | null) => (v === null || !Number.isFinite(v) ? g.remove(l) : g.set(l, v));
    put(this.ttr, sc.timeToRecoverS);
    put(this.ttd, sc.timeToDetectS);
    put(this.budget, sc.errorBudget.consumed);
    put(this.ndcg, sc.quality.ndcgRatio);
    put(this.interruption, sc.interruptionS);
    put(this.duration, sc.durationS);
    put(this.ended, Date.parse(sc.endedAt) / 1000);
    const k = `${l.service}|${l.runbook}`;
    for (const o of this.objectives.get(k) ?? []) this.credit.remove({ ...l, objective: o });
    this.objectives.set(k, new Set(sc.objectives.map((o) => o.name)));
    for (const o of sc.objectives) this.credit.set({ ...l, objective: o.name }, o.credit);
    if (opts.count) this.finished.inc({ ...l, status: sc.status });
  }

  /** A drill that ended without a scorecard (it never started): only its status and progress change. */
  endedWithout(service: string, runbook: string, status: DrillStatus): void {
    const l = { service, runbook };
    this.inProgress.set(l, 0);
    for (const s of DRILL_STATUSES) this.status.set({ ...l, status: s }, s === status ? 1 : 0);
    this.finished.inc({ ...l, status });
  }

  emergencyStop(active: boolean): void {
    this.estop.set(active ? 1 : 0);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
