/**
 * Canary release through the gateway. `start` makes some replicas serve the candidate version
 * (deploying it through their admin API when needed) and routes `weight` of the traffic to
 * them; every attempt is counted into the baseline or candidate cohort by the version that
 * served it. On each analysis tick the figures are compared (see `analysis.ts`); once both
 * cohorts have the minimum sample the controller promotes (candidate to every replica) or rolls
 * back (every candidate replica to the last good version) on its own, and records why.
 */
import type { CanaryAction, CanaryDecision, CanaryDecisionKind, CanaryView } from '@drillbook/contracts';
import type { Logger } from 'pino';
import type { CanaryConfig } from '../config.js';
import { BadRequestError, ConflictError, ReplicaAdminError } from '../errors.js';
import type { HealthChecker } from '../health/HealthChecker.js';
import type { Upstream } from '../health/Upstream.js';
import type { UpstreamPool } from '../health/UpstreamPool.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import { analyseCanary } from './analysis.js';
import { type AttemptOutcome, CohortStats } from './CohortStats.js';
import type { ReplicaAdmin } from './ReplicaAdminClient.js';

const MAX_DECISIONS_KEPT = 50;

interface ActiveCanary {
  version: string;
  baselineVersion: string;
  weight: number;
  startedAt: number;
  phase: 'analysing' | 'promoting' | 'rolling_back';
  candidateReplicas: string[];
  baseline: CohortStats;
  candidate: CohortStats;
  waitingFor: string[];
}

export interface CanaryDeps {
  pool: UpstreamPool;
  health: HealthChecker;
  admin: ReplicaAdmin;
  metrics: GatewayMetrics;
  logger: Logger;
  clock: () => number;
  random: () => number;
}

interface StartRequest {
  version: string;
  weight: number;
  replicas: string[] | number | undefined;
}

export class CanaryController {
  private active: ActiveCanary | null = null;
  private starting = false;
  private readonly decisions: CanaryDecision[] = [];
  private timer: NodeJS.Timeout | null = null;

  /** Routing predicates, allocated once. */
  readonly isCandidate = (u: Upstream): boolean => this.active !== null && u.model?.version === this.active.version;
  readonly isBaseline = (u: Upstream): boolean => !this.isCandidate(u);

  constructor(
    private readonly config: CanaryConfig,
    private readonly analysis: boolean,
    private readonly deps: CanaryDeps,
  ) {}

  /** For one request: which upstreams to prefer (candidate with probability `weight`), or null when no canary is being analysed. */
  preference(): ((u: Upstream) => boolean) | null {
    const a = this.active;
    if (a === null || a.phase !== 'analysing') return null;
    return this.deps.random() < a.weight ? this.isCandidate : this.isBaseline;
  }

  /** True while attempts are being counted (callers then parse answers for the degraded flag). */
  get measuring(): boolean {
    return this.active !== null && this.active.phase === 'analysing';
  }

  /** Counts one attempt into the cohort of the version that served it. */
  record(version: string | null, outcome: AttemptOutcome): void {
    const a = this.active;
    if (a === null || a.phase !== 'analysing') return;
    (version === a.version ? a.candidate : a.baseline).record(outcome);
  }

  view(): CanaryView {
    const a = this.active;
    return {
      active:
        a === null
          ? null
          : {
              version: a.version,
              baselineVersion: a.baselineVersion,
              weight: a.weight,
              startedAt: new Date(a.startedAt).toISOString(),
              phase: a.phase,
              analysis: this.analysis,
              candidateReplicas: [...a.candidateReplicas],
              figures: { baseline: a.baseline.figures(), candidate: a.candidate.figures() },
              waitingFor: [...a.waitingFor],
            },
      decisions: [...this.decisions],
    };
  }

  async start(body: Record<string, unknown>): Promise<CanaryView> {
    const request = parseStartRequest(body);
    if (this.active !== null || this.starting) {
      throw new ConflictError(`a canary for version "${this.active?.version ?? '?'}" is already running; DELETE /admin/canary first`);
    }
    this.starting = true;
    try {
      await this.begin(request);
    } finally {
      this.starting = false;
    }
    return this.view();
  }

  /** Stops the canary (DELETE /admin/canary): candidate replicas go back to the last good version. Idempotent. */
  async abort(): Promise<CanaryView> {
    const a = this.active;
    if (this.starting) throw new ConflictError('a canary is being started; try again when POST /admin/canary has answered');
    if (a === null) return this.view();
    if (a.phase !== 'analysing') throw new ConflictError(`the canary decision is being carried out (${a.phase})`);
    await this.decide('abort', ['aborted through DELETE /admin/canary']);
    return this.view();
  }

  /** One analysis step: decide when the figures allow it. Called on a timer; exposed for tests. */
  async analyse(): Promise<void> {
    const a = this.active;
    if (a === null || a.phase !== 'analysing' || !this.analysis) return;
    const verdict = analyseCanary(a.baseline.figures(), a.candidate.figures(), this.config);
    a.waitingFor = verdict.waitingFor;
    if (verdict.decision === 'wait') return;
    await this.decide(verdict.decision, verdict.reasons);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async begin(request: StartRequest): Promise<void> {
    const { pool, health, logger } = this.deps;
    await health.checkAll();
    const ready = pool.all.filter((u) => u.ready && u.model !== null);
    const baselineVersion = mostCommonVersion(ready.filter((u) => u.model?.version !== request.version));
    if (baselineVersion === null) {
      throw new ConflictError(`no ready upstream serves a version other than "${request.version}" to compare the candidate with`);
    }
    const targets = this.chooseTargets(request, ready);
    const remainingBaseline = ready.filter((u) => u.model?.version !== request.version && !targets.includes(u));
    if (remainingBaseline.length === 0) {
      throw new ConflictError('the canary would leave no replica serving the baseline version; choose fewer replicas');
    }
    const deployed: Upstream[] = [];
    for (const u of targets) {
      if (u.model?.version === request.version) continue;
      try {
        const state = await this.deps.admin.deploy(u, request.version);
        if (state.serving) u.model = state.serving;
        deployed.push(u);
      } catch (err) {
        // Nothing half-done: replicas switched so far go back before the error is reported.
        await this.deployAll(deployed, baselineVersion);
        throw err instanceof ReplicaAdminError ? err : new ReplicaAdminError(u.id, (err as Error).message, { cause: err });
      }
    }
    await Promise.all(deployed.map((u) => health.check(u)));
    const candidateReplicas = pool.all.filter((u) => targets.includes(u) || (u.ready && u.model?.version === request.version)).map((u) => u.id);
    this.active = {
      version: request.version,
      baselineVersion,
      weight: request.weight,
      startedAt: this.deps.clock(),
      phase: 'analysing',
      candidateReplicas,
      baseline: new CohortStats(this.config.maxLatencySamples, this.deps.random),
      candidate: new CohortStats(this.config.maxLatencySamples, this.deps.random),
      waitingFor: [],
    };
    this.deps.metrics.setCanaryWeight(request.weight);
    logger.info({ version: request.version, baselineVersion, weight: request.weight, candidateReplicas, analysis: this.analysis }, 'canary started');
    this.timer = setInterval(() => {
      this.analyse().catch((err: Error) => logger.error({ err: err.message }, 'canary analysis failed'));
    }, this.config.analysisIntervalMs);
    this.timer.unref();
  }

  private chooseTargets(request: StartRequest, ready: Upstream[]): Upstream[] {
    const { pool } = this.deps;
    if (Array.isArray(request.replicas)) {
      return request.replicas.map((id, i) => {
        const u = pool.get(id);
        if (!u) throw new BadRequestError(`replicas[${i}]`, `unknown upstream "${id}"`);
        return u;
      });
    }
    const already = ready.filter((u) => u.model?.version === request.version);
    if (request.replicas === undefined && already.length > 0) return already;
    const count = request.replicas ?? 1;
    const baseline = ready.filter((u) => u.model?.version !== request.version);
    if (count >= baseline.length) {
      throw new BadRequestError('replicas', `${count} candidate replica(s) would leave no baseline: ${baseline.length} ready replica(s) serve the baseline`);
    }
    // Take them from the end of the list so the first replicas keep serving the baseline.
    return baseline.slice(baseline.length - count);
  }

  private async decide(kind: CanaryDecisionKind, reasons: string[]): Promise<void> {
    const a = this.active;
    if (a === null) return;
    const figures = { baseline: a.baseline.figures(), candidate: a.candidate.figures() };
    a.phase = kind === 'promote' ? 'promoting' : 'rolling_back';
    this.stop();
    this.deps.metrics.setCanaryWeight(0);
    const all = this.deps.pool.all;
    const actions =
      kind === 'promote'
        ? await this.deployAll(
            all.filter((u) => u.model?.version !== a.version),
            a.version,
          )
        : await this.deployAll(
            all.filter((u) => u.model?.version === a.version || (a.candidateReplicas.includes(u.id) && u.model?.version !== a.baselineVersion)),
            a.baselineVersion,
          );
    const decision: CanaryDecision = {
      decision: kind,
      version: a.version,
      baselineVersion: a.baselineVersion,
      startedAt: new Date(a.startedAt).toISOString(),
      decidedAt: new Date(this.deps.clock()).toISOString(),
      reasons,
      figures,
      actions,
    };
    this.decisions.push(decision);
    if (this.decisions.length > MAX_DECISIONS_KEPT) this.decisions.shift();
    this.deps.metrics.countCanaryDecision(kind);
    const failedActions = actions.filter((x) => !x.ok);
    const log = failedActions.length > 0 ? this.deps.logger.error.bind(this.deps.logger) : this.deps.logger.info.bind(this.deps.logger);
    log({ decision: kind, version: a.version, baselineVersion: a.baselineVersion, reasons, actions }, `canary ${kind}`);
    this.active = null;
    void this.deps.health.checkAll();
  }

  /** Deploys `version` to each upstream one after the other (a rolling change), recording each outcome. */
  private async deployAll(upstreams: readonly Upstream[], version: string): Promise<CanaryAction[]> {
    const actions: CanaryAction[] = [];
    for (const u of upstreams) {
      try {
        const state = await this.deps.admin.deploy(u, version);
        if (state.serving) u.model = state.serving;
        actions.push({ replica: u.id, version, ok: true });
      } catch (err) {
        actions.push({ replica: u.id, version, ok: false, error: (err as Error).message });
      }
    }
    return actions;
  }
}

function parseStartRequest(body: Record<string, unknown>): StartRequest {
  for (const key of Object.keys(body)) {
    if (!['version', 'weight', 'replicas'].includes(key)) throw new BadRequestError(key, `unknown field "${key}" (allowed: version, weight, replicas)`);
  }
  const { version, weight, replicas } = body;
  if (typeof version !== 'string' || version.trim().length === 0) throw new BadRequestError('version', 'version must be a non-empty string');
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0 || weight > 1) {
    throw new BadRequestError('weight', 'weight must be a number with 0 < weight <= 1');
  }
  if (replicas !== undefined) {
    if (typeof replicas === 'number') {
      if (!Number.isInteger(replicas) || replicas < 1) throw new BadRequestError('replicas', 'replicas must be a positive integer or a list of upstream ids');
    } else if (!Array.isArray(replicas) || replicas.length === 0 || replicas.some((r) => typeof r !== 'string')) {
      throw new BadRequestError('replicas', 'replicas must be a positive integer or a non-empty list of upstream ids');
    }
  }
  return { version, weight, replicas: replicas as string[] | number | undefined };
}

function mostCommonVersion(upstreams: readonly Upstream[]): string | null {
  const counts = new Map<string, number>();
  for (const u of upstreams) {
    const v = u.model?.version;
    if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestCount = 0;
  for (const [v, n] of counts) {
    if (n > bestCount) {
      best = v;
      bestCount = n;
    }
  }
  return best;
}
