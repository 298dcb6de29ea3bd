/**
 * The serving path of `POST /v1/recommend`: user features (with a deadline) -> micro-batched
 * ONNX scoring (with a deadline) -> ranked items. When the model is unavailable, erroring or over
 * its deadline it answers from the popularity fallback marked `degraded`; when the feature store
 * fails it serves the anonymous-user model, also marked `degraded`. Every degraded answer is counted.
 */
import { context, trace, SpanStatusCode, type Span } from '@opentelemetry/api';
import type { FallbackReason, RecommendResponse } from '@drillbook/contracts';
import { BadRequest } from '../errors.js';
import { parseId, itemId } from '../world/generator.js';
import { CATEGORIES, queryCategory } from '../world/vocab.js';
import { MicroBatcher, QueueFull, type BatchTiming } from './batcher.js';
import type { FeatureStore } from './featureStore.js';
import type { ModelHost, ServingModel } from './modelHost.js';
import type { ScoreResult } from './session.js';
import type { ReplicaMetrics } from '../telemetry/metrics.js';
import type { BusyMeter } from '../telemetry/busy.js';
import { DriftWindow } from '../telemetry/drift.js';
import { SPAN, tracer } from '../telemetry/tracing.js';
import type { ServingFeatures } from '../registry/registry.js';

export interface RecommendInput {
  userId: string;
  query?: string;
  k: number;
}

export interface ServingOptions {
  maxBatch: number;
  maxDelayMs: number;
  maxQueue: number;
  maxConcurrentBatches: number;
  /** Inference deadline from request arrival; past it the fallback answers. */
  deadlineMs: number;
  featureTimeoutMs: number;
  /** Mutation switch for drills: without fallback, failures are 503s. */
  fallback: boolean;
  /**
   * Minimum time one batch occupies the engine, emulating an accelerator kernel of known duration
   * (0 = off). Drills use it to give the reference stack a known capacity (max batch / batch time).
   */
  emulatedBatchMs?: number;
  /**
   * Competing work on the accelerator (accelerator-saturation fault threads). On the emulated
   * accelerator a kernel time-slices with it: the batch takes (1 + contention) times as long.
   */
  contention?: () => number;
  drift: { enabled: boolean; window: number };
}

export class Overloaded extends Error {}
export class NoFallback extends Error {
  constructor(readonly reason: FallbackReason) {
    super(`model path failed (${reason}) and the fallback is disabled`);
  }
}

interface Job {
  row: number;
  query?: string;
  k: number;
  model: ServingModel;
}

/** `p`, or 'timeout' after `ms`; the timer is cleared as soon as `p` settles. */
function withDeadline<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve('timeout'), ms).unref();
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
const perfNow = () => performance.timeOrigin + performance.now();

export class Recommender {
  readonly batcher: MicroBatcher<Job, ScoreResult>;
  private driftCategory: DriftWindow | null = null;
  private driftSegment: DriftWindow | null = null;

  constructor(
    private readonly opts: ServingOptions,
    private readonly host: ModelHost,
    private readonly features: FeatureStore,
    private readonly metrics: ReplicaMetrics,
    private readonly busy: BusyMeter,
    readonly replica: string,
  ) {
    this.batcher = new MicroBatcher<Job, ScoreResult>({
      maxBatch: opts.maxBatch,
      maxDelayMs: opts.maxDelayMs,
      maxQueue: opts.maxQueue,
      maxConcurrent: opts.maxConcurrentBatches,
      run: (jobs, t) => this.runBatch(jobs, t),
    });
  }

  /** Called when the serving model changes: features and the drift reference follow it. */
  onModel(features: ServingFeatures | null): void {
    if (!features) return;
    this.features.setFeatures(features);
    if (this.opts.drift.enabled) {
      this.driftCategory = new DriftWindow(features.trainingDistribution.queryCategory, this.opts.drift.window);
      this.driftSegment = new DriftWindow(features.trainingDistribution.userSegment, this.opts.drift.window);
    }
  }

  driftReadings() {
    return {
      samples: this.driftCategory?.samples ?? 0,
      query_category: this.driftCategory?.reading() ?? null,
      user_segment: this.driftSegment?.reading() ?? null,
    };
  }

  /** The pending gauge, set when a batch starts and ends (per batch, not per request: it is on the hot path). */
  private publishPending(model: ServingModel): void {
    this.metrics.pending.set({ model: this.host.name, version: model.version }, this.batcher.pending);
  }

  private async runBatch(jobs: Job[], t: { runStart: () => void }): Promise<ScoreResult[]> {
    const model = jobs[0].model;
    this.publishPending(model);
    try {
      return await this.runGrouped(jobs, t);
    } finally {
      // Still counts this batch (the batcher settles it after run() resolves): the queue behind it is what matters.
      setImmediate(() => this.publishPending(model));
    }
  }

  private async runGrouped(jobs: Job[], t: { runStart: () => void }): Promise<ScoreResult[]> {
    // Jobs in one batch may straddle a model swap: group by model.
    const model = jobs[0].model;
    if (jobs.some((j) => j.model !== model)) {
      const out: ScoreResult[] = new Array(jobs.length);
      for (const m of new Set(jobs.map((j) => j.model))) {
        const idx = jobs.map((j, i) => (j.model === m ? i : -1)).filter((i) => i >= 0);
        const res = await this.scoreWith(m, idx.map((i) => jobs[i]), t);
        idx.forEach((i, n) => (out[i] = res[n]));
      }
      return out;
    }
    return this.scoreWith(model, jobs, t);
  }

  private async scoreWith(model: ServingModel, jobs: Job[], t: { runStart: () => void }): Promise<ScoreResult[]> {
    const k = Math.max(...jobs.map((j) => j.k));
    const labels = { model: this.host.name, version: model.version };
    this.metrics.batchSize.observe(labels, jobs.length);
    t.runStart();
    this.busy.begin();
    const start = performance.now();
    try {
      const res = await model.scorer.score(jobs.map((j) => ({ userRow: j.row, query: j.query })), k);
      const floor = (this.opts.emulatedBatchMs ?? 0) * (1 + (this.opts.contention?.() ?? 0));
      const spent = performance.now() - start;
      if (floor > spent) await new Promise((r) => setTimeout(r, floor - spent));
      return res.map((r, i) => (jobs[i].k === k ? r : { indices: r.indices.slice(0, jobs[i].k), scores: r.scores.slice(0, jobs[i].k) }));
    } finally {
      this.busy.end();
      this.metrics.inferenceDuration.observe(labels, (performance.now() - start) / 1000);
    }
  }

  /** Validate the user against the loaded features; throws BadRequest naming `userId`. */
  private userNumber(userId: string): number {
    const users = this.features.users ?? this.host.lastFeatures?.userSegment.length ?? Number.MAX_SAFE_INTEGER;
    const n = parseId(userId, 'u', users);
    if (n === null) {
      if (/^u-(0|[1-9][0-9]{0,8})$/.test(userId)) throw new BadRequest(`unknown user ${userId}`, 'userId', 404);
      throw new BadRequest('userId must look like "u-<number>"', 'userId', 400);
    }
    return n;
  }

  async recommend(input: RecommendInput, requestSpan?: Span): Promise<RecommendResponse> {
    const arrival = perfNow();
    const user = this.userNumber(input.userId);
    const model = this.host.model;
    const version = model?.version ?? this.host.history[this.host.history.length - 1] ?? null;
    if (!model) {
      this.metrics.inferenceRequests.inc({ model: this.host.name, version: version ?? 'none', result: 'failure', reason: 'model_unavailable' });
      return this.fallback(input, 'model_unavailable', version);
    }

    // Drift: what the live inputs look like, whatever happens next.
    const cat = queryCategory(input.query ?? '');
    this.driftCategory?.observe(cat < 0 ? CATEGORIES.length : cat);

    let row = user + 1;
    let degradedReason: FallbackReason | undefined;
    const now = this.features.lookupNow(user);
    if (now) this.driftSegment?.observe(now.segment);
    else {
      try {
        const f = await withDeadline(this.features.lookup(user), this.opts.featureTimeoutMs);
        if (f === 'timeout') throw new Error('feature lookup timed out');
        this.driftSegment?.observe(f.segment);
      } catch {
        row = 0;
        degradedReason = 'dependency';
      }
    }

    const remaining = this.opts.deadlineMs - (perfNow() - arrival);
    const labels = { model: this.host.name, version: model.version };
    let outcome: { result: ScoreResult; timing: BatchTiming } | 'timeout';
    try {
      outcome = await withDeadline(this.batcher.submit({ row, query: input.query, k: input.k, model }), Math.max(1, remaining));
    } catch (e) {
      if (e instanceof QueueFull) {
        this.metrics.shed.inc({ reason: 'queue_full' });
        throw new Overloaded(e.message);
      }
      this.metrics.inferenceRequests.inc({ ...labels, result: 'failure', reason: 'model_error' });
      return this.fallback(input, 'model_error', model.version);
    }
    if (outcome === 'timeout') {
      this.metrics.inferenceRequests.inc({ ...labels, result: 'failure', reason: 'deadline' });
      return this.fallback(input, 'deadline', model.version);
    }
    const { result, timing } = outcome;
    this.metrics.queueDuration.observe(labels, (timing.batchStart - timing.enqueuedAt) / 1000);
    // Children of a span that is not recorded (tracing off, or not sampled) would not be either.
    if (requestSpan?.isRecording()) recordBatchSpans(requestSpan, timing, model.version);
    if (degradedReason) {
      this.metrics.inferenceRequests.inc({ ...labels, result: 'failure', reason: degradedReason });
      this.metrics.fallback.inc({ model: this.host.name, reason: degradedReason });
      if (!this.opts.fallback) throw new NoFallback(degradedReason);
    } else {
      this.metrics.inferenceRequests.inc({ ...labels, result: 'success', reason: 'none' });
    }
    return {
      items: result.indices.map((i, n) => ({ itemId: itemId(i), score: result.scores[n] })),
      model: this.host.name,
      modelVersion: model.version,
      degraded: degradedReason !== undefined,
      ...(degradedReason ? { reason: degradedReason } : {}),
      replica: this.replica,
    };
  }

  /**
   * The queries of one request, in order: `/v1/recommend` has one, an OIP request up to
   * RECSYS_OIP_MAX_ROWS (its batch dimension). Every row's user is checked before any row is scored,
   * so a bad row refuses the whole request (its `BadRequest` carries the row) with nothing counted;
   * then each row goes through `recommend` as one query (micro-batcher, deadline, fallback, metrics).
   * A request that does not fit in the queue is shed whole.
   */
  async recommendAll(inputs: RecommendInput[], requestSpan?: Span): Promise<RecommendResponse[]> {
    if (inputs.length === 1) return [await this.recommend(inputs[0], requestSpan)];
    for (let r = 0; r < inputs.length; r++) {
      try {
        this.userNumber(inputs[r].userId);
      } catch (e) {
        if (e instanceof BadRequest) e.row = r;
        throw e;
      }
    }
    if (this.host.model && this.batcher.queued + inputs.length > this.opts.maxQueue) {
      this.metrics.shed.inc({ reason: 'queue_full' }, inputs.length);
      throw new Overloaded(`inference queue cannot take ${inputs.length} more queries (${this.batcher.queued} waiting)`);
    }
    return Promise.all(inputs.map((input) => this.recommend(input, requestSpan)));
  }

  /** Popularity fallback: served, marked degraded, counted. Without it, the failure surfaces. */
  fallback(input: Pick<RecommendInput, 'k'>, reason: FallbackReason, version: string | null): RecommendResponse {
    const features = this.host.model?.features ?? this.host.lastFeatures;
    if (!this.opts.fallback || !features) throw new NoFallback(reason);
    this.metrics.fallback.inc({ model: this.host.name, reason });
    const list = features.popular;
    return {
      items: list.slice(0, input.k).map((i, r) => ({ itemId: itemId(i), score: 1 - r / list.length })),
      model: this.host.name,
      modelVersion: version,
      degraded: true,
      reason,
      replica: this.replica,
    };
  }

  popular(): { model: string; items: Array<{ itemId: string; score: number }> } | null {
    const features = this.host.model?.features ?? this.host.lastFeatures;
    if (!features) return null;
    const list = features.popular;
    return { model: this.host.name, items: list.map((i, r) => ({ itemId: itemId(i), score: 1 - r / list.length })) };
  }
}

/** Per-request child spans of a shared batch, with the batch's real timings. */
function recordBatchSpans(parent: Span, t: BatchTiming, version: string): void {
  const ctx = trace.setSpan(context.active(), parent);
  const tr = tracer();
  tr.startSpan(SPAN.queue, { startTime: t.enqueuedAt, attributes: { 'inference.batch.id': t.batchId } }, ctx).end(t.batchStart);
  const batch = tr.startSpan(
    SPAN.batch,
    { startTime: t.batchStart, attributes: { 'inference.batch.id': t.batchId, 'inference.batch.size': t.batchSize, 'model.version': version } },
    ctx,
  );
  const onnx = tr.startSpan(SPAN.onnx, { startTime: t.runStart, attributes: { 'inference.batch.size': t.batchSize } }, trace.setSpan(ctx, batch));
  onnx.setStatus({ code: SpanStatusCode.OK });
  onnx.end(t.runEnd);
  batch.end(t.runEnd);
}
