/**
 * The built-in load engine: an open model (constant arrival rate per phase, like k6's
 * `constant-arrival-rate` executor) that writes k6's two output shapes.
 *
 * - Request n of a phase is scheduled at `phase.start + n / rate`, whatever happened to earlier
 *   requests; latency is measured from that SCHEDULED time, so a stalled target or a stalled
 *   engine shows up as latency instead of silently sending less (coordinated omission not hidden).
 * - When `maxInFlight` requests are already outstanding at a scheduled time, that iteration is
 *   dropped and counted in `dropped_iterations` (k6 does the same when it runs out of VUs).
 * - Every sample carries `scenario:<phase>`, exactly as the k6 scripts' per-phase scenarios tag them.
 */
import type http from 'node:http';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_LOAD_METRIC, LOAD_METRIC, type LoadPhaseName } from '@drillbook/contracts';
import { K6_EXIT } from '../exitCodes.js';
import { LiveStats } from '../live.js';
import { Listeners } from '../listeners.js';
import { ndcgAtK } from '@drillbook/contracts';
import { phaseAt, type NormalizedPlan } from '../plan.js';
import { PointsWriter, tagSet, type TagSet } from '../pointsWriter.js';
import { SummaryRecorder } from '../summaryRecorder.js';
import { isoMicros, wallClock } from '../time.js';
import type { LoadOutcome, LoadOutcomeStatus, LoadRun, LoadTick, LoadWindow, ThresholdMap, ThresholdResult } from '../types.js';
import { checkReady, k6ErrorCode, keepAliveAgent, RequestTimeout, transportFor, type Transport } from './http.js';
import { adapterFor, isAdapterError, type Adapter } from '../adapters.js';
import { checkGroundTruth, prepareRequests, type PreparedRequest } from './requests.js';

export const SUMMARY_FILE = 'summary.json';
export const POINTS_FILE = 'points.ndjson';
const READY_TIMEOUT_MS = 5000;
/** How long `stop()` lets in-flight requests finish before cutting them off. */
const STOP_GRACE_MAX_MS = 1000;
/**
 * Most iterations one scheduler turn handles; a schedule that is further behind (the process was
 * descheduled, a huge rate) continues on the next turn, so timers, aborts and I/O run in between
 * and the catch-up never allocates without bound.
 */
export const MAX_SENDS_PER_TURN = 500;

/**
 * Test hook: `DRILLBOOK_TEST_STALL_LOAD=<ms>` makes the load loop block its thread for that long on
 * every scheduler turn from one second into the fault phase (its fault steps have started), like an engine saturated by an impossible plan.
 * For the watchdog tests only; never set it in production.
 */
function stallForTest(): number {
  const v = Number(process.env.DRILLBOOK_TEST_STALL_LOAD);
  return Number.isFinite(v) && v > 0 ? Math.min(v, 3_600_000) : 0;
}

/** `thresholds` is resolved when the engine starts (the drill's thresholds come from load-tests/lib). */
export function startBuiltinLoad(plan: NormalizedPlan, thresholds: () => Promise<ThresholdMap>): LoadRun {
  return new BuiltinEngine(plan, thresholds).handle();
}

interface InFlight {
  req: http.ClientRequest;
  cut: boolean;
}

class BuiltinEngine {
  private recorder = new SummaryRecorder({});
  private readonly live: LiveStats;
  private readonly ticks = new Listeners<[LoadTick]>();
  private readonly phaseStarts = new Listeners<[LoadPhaseName, string]>();
  private readonly transport: Transport;
  private readonly agent: http.Agent;
  private pools: Record<'training' | 'drifted', PreparedRequest[]> = { training: [], drifted: [] };
  private adapter: Adapter | null = null;
  /** The HTTP method of the protocol's requests (the `method` tag). */
  private method = 'POST';
  private readonly invalidTagCache = new Map<string, TagSet>();
  private readonly summaryFile: string;
  private readonly pointsFile: string;
  private readonly startedAt = new Date().toISOString();
  private writer: PointsWriter | null = null;

  private t0 = 0;
  private loadStartedAt: string | null = null;
  private phaseIdx = 0;
  private n = 0;
  private timer: NodeJS.Timeout | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private graceTimer: NodeJS.Timeout | null = null;
  private scheduleDone = false;
  private stopRequested = false;
  private stopReason: string | undefined;
  private stoppedAtMs: number | null = null;
  private finishing = false;
  private interrupted = 0;
  private readonly inFlight = new Set<InFlight>();
  private readonly httpTagCache = new Map<string, TagSet>();
  private readonly phaseTagCache = new Map<LoadPhaseName, TagSet>();
  private readonly done: Promise<LoadOutcome>;
  private resolveDone!: (o: LoadOutcome) => void;

  constructor(
    private readonly plan: NormalizedPlan,
    private readonly thresholds: () => Promise<ThresholdMap>,
  ) {
    this.live = new LiveStats(plan.liveWindowS);
    this.transport = transportFor(plan.baseUrl);
    this.agent = keepAliveAgent(plan.baseUrl, plan.maxInFlight);
    checkGroundTruth(plan.sessions.training, 'training');
    checkGroundTruth(plan.sessions.drifted, 'drifted');
    this.summaryFile = join(plan.outDir, SUMMARY_FILE);
    this.pointsFile = join(plan.outDir, POINTS_FILE);
    this.done = new Promise((r) => {
      this.resolveDone = r;
    });
  }

  handle(): LoadRun {
    void this.begin();
    return {
      engine: 'builtin',
      startedAt: this.startedAt,
      onTick: (cb) => this.ticks.add(cb),
      onPhase: (cb) => this.phaseStarts.add(cb),
      stop: (reason) => this.stop(reason),
      done: this.done,
    };
  }

  private async begin(): Promise<void> {
    try {
      this.recorder = new SummaryRecorder(await this.thresholds());
      mkdirSync(this.plan.outDir, { recursive: true });
      this.writer = new PointsWriter(this.pointsFile, this.recorder.metricInfos());
      let adapter: Adapter;
      try {
        adapter = await adapterFor(this.plan.protocol);
      } catch (e) {
        return void (await this.finish('setup-failed', `target protocol refused: ${(e as Error).message}`));
      }
      this.adapter = adapter;
      this.pools = {
        training: prepareRequests(adapter, this.plan.sessions.training, this.plan.k, this.plan.baseUrl.host, 'training'),
        drifted: prepareRequests(adapter, this.plan.sessions.drifted, this.plan.k, this.plan.baseUrl.host, 'drifted'),
      };
      this.method = (this.pools.training[0] ?? this.pools.drifted[0])?.method ?? 'POST';
      const paths = this.plan.readinessPath === undefined ? adapter.readiness.map((r) => r.path) : this.plan.readinessPath === null ? [] : [this.plan.readinessPath];
      for (const path of paths) {
        const ready = await checkReady(this.plan.baseUrl, path, READY_TIMEOUT_MS);
        if (!ready.ok) return void (await this.finish('setup-failed', ready.error));
      }
      if (this.stopRequested) return void (await this.finish('stopped'));
      this.t0 = performance.now();
      this.loadStartedAt = new Date(wallClock(this.t0)).toISOString();
      this.tickTimer = setInterval(() => this.emitTick(), 1000);
      this.pump();
    } catch (e) {
      await this.finish('failed', `built-in load engine failed: ${(e as Error).message}`);
    }
  }

  /** Sends every request whose scheduled time has come, then sleeps until the next one. */
  private pump(): void {
    try {
      this.sendDue();
    } catch (e) {
      // Never crash the host process from a timer: end the load and report why.
      this.scheduleDone = true;
      for (const f of this.inFlight) {
        f.cut = true;
        f.req.destroy();
      }
      void this.finish('failed', `built-in load engine failed: ${(e as Error).message}`);
    }
  }

  private sendDue(): void {
    this.timer = null;
    if (this.scheduleDone) return;
    const phases = this.plan.phases;
    const stall = stallForTest();
    if (stall && phases[this.phaseIdx]?.phase === 'fault' && this.n >= Math.max(1, phases[this.phaseIdx].rate)) {
      const until = Date.now() + stall;
      while (Date.now() < until) {
        /* blocks the thread on purpose (test hook) */
      }
    }
    const now = performance.now();
    let sent = 0;
    while (this.phaseIdx < phases.length) {
      const p = phases[this.phaseIdx];
      const at = this.t0 + p.startMs + (this.n * 1000) / p.rate;
      if (at >= this.t0 + p.endMs) {
        this.phaseIdx++;
        this.n = 0;
        continue;
      }
      if (at > now) {
        this.timer = setTimeout(() => this.pump(), at - now);
        return;
      }
      if (sent >= MAX_SENDS_PER_TURN) {
        // Behind schedule: yield to the event loop (timers, aborts, I/O) and continue next turn.
        this.timer = setTimeout(() => this.pump(), 0);
        return;
      }
      if (this.n === 0) this.phaseStarts.emit(p.phase, new Date(wallClock(this.t0 + p.startMs)).toISOString());
      this.dispatch(this.phaseIdx, this.n, at);
      this.n++;
      sent++;
    }
    this.scheduleDone = true;
    this.maybeFinish();
  }

  private dispatch(phaseIdx: number, n: number, scheduled: number): void {
    const p = this.plan.phases[phaseIdx];
    const writer = this.writer!;
    const phaseTags = this.phaseTags(p.phase);
    const now = performance.now();
    // Scheduling lag goes to the points too (the verdict judges the generator per phase, for both
    // engines alike); http_reqs only to the summary.
    this.recorder.add(LOAD_METRIC.schedLag, now - scheduled, phaseTags.tags);
    writer.point(LOAD_METRIC.schedLag, wallClock(now), now - scheduled, phaseTags);

    if (this.inFlight.size >= this.plan.maxInFlight) {
      this.recorder.add('dropped_iterations', 1, phaseTags.tags);
      writer.point('dropped_iterations', wallClock(now), 1, phaseTags);
      this.live.onDropped();
      return;
    }

    const pool = this.pools[p.mix];
    const prepared = pool[n % pool.length];
    const requestId = `${p.phase}:${n}`;
    this.live.onSent(now - this.t0);
    this.live.inFlight++;

    const { baseUrl } = this.plan;
    let finished = false;
    // When the request could be written: its socket assigned and connected (k6's http_req_duration
    // starts there too: sending + waiting + receiving, without blocked/connecting).
    let writtenAt: number | null = null;
    const entry: InFlight = { req: null as unknown as http.ClientRequest, cut: false };
    const complete = (status: number, body: string | null, err: unknown): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timeout);
      this.inFlight.delete(entry);
      this.live.inFlight--;
      if (entry.cut) this.interrupted++;
      else this.record(p.phase, requestId, prepared, scheduled, writtenAt, status, body, err);
      this.maybeFinish();
    };
    const req = this.transport.request(
      {
        agent: this.agent,
        protocol: baseUrl.protocol,
        hostname: baseUrl.hostname,
        port: baseUrl.port,
        method: prepared.method,
        path: `${baseUrl.pathname.replace(/\/$/, '')}${prepared.path}`,
        headers: prepared.headers,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => complete(res.statusCode ?? 0, text, null));
        res.on('error', (e) => complete(0, null, e));
        res.on('aborted', () => complete(0, null, Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
      },
    );
    entry.req = req;
    this.inFlight.add(entry);
    req.once('socket', (socket) => {
      if (!socket.connecting) writtenAt = performance.now();
      else
        socket.once('connect', () => {
          writtenAt = performance.now();
        });
    });
    // The verdict waits for I/O already pending (setImmediate runs after the poll phase): when this
    // process was itself stalled past the deadline, timers fire first after the stall and would call
    // an answer sitting in the socket a timeout, blaming the engine's stall on the service.
    const timeout = setTimeout(
      () =>
        setImmediate(() => {
          if (!finished) req.destroy(new RequestTimeout(`no answer within ${this.plan.timeoutMs} ms`));
        }),
      this.plan.timeoutMs,
    );
    req.on('error', (e) => complete(0, null, e));
    req.on('close', () => complete(0, null, Object.assign(new Error('connection closed'), { code: 'ECONNRESET' })));
    if (prepared.body === null) req.end();
    else req.end(prepared.body);
  }

  private record(phase: LoadPhaseName, requestId: string, prepared: PreparedRequest, scheduled: number, writtenAt: number | null, status: number, body: string | null, err: unknown): void {
    const writer = this.writer!;
    const end = performance.now();
    const endWall = wallClock(end);
    const latency = end - scheduled;
    const ok = status >= 200 && status < 300;
    const tags = this.httpTags(phase, status, ok, err === null ? null : k6ErrorCode(err));
    this.recorder.add('http_reqs', 1, tags.tags);
    this.recorder.add('http_req_duration', latency, tags.tags);
    this.recorder.add('http_req_failed', ok ? 0 : 1, tags.tags);
    // Summary only (no extra point per request): the interval k6 times, for a like-with-like comparison.
    if (writtenAt !== null) this.recorder.add(BUILTIN_LOAD_METRIC.writtenDuration, end - writtenAt, tags.tags);
    writer.point('http_req_duration', endWall, latency, tags, requestId);
    writer.point('http_req_failed', endWall, ok ? 0 : 1, tags, requestId);
    this.live.onCompleted(end - this.t0, latency, ok);
    if (!ok || body === null) return;
    const phaseTags = this.phaseTags(phase);
    let answer;
    try {
      answer = this.adapter!.parse(body);
    } catch (e) {
      // A 2xx answer that does not fit the protocol: a failed request (the reader counts it so),
      // with the field named in the `error` tag (the load summary's error breakdown).
      const error = isAdapterError(e) ? e.message : `response not readable: ${(e as Error).message}`;
      const t = this.invalidTags(phase, error);
      this.recorder.add(LOAD_METRIC.invalid, 1, t.tags);
      writer.point(LOAD_METRIC.invalid, endWall, 1, t, requestId);
      this.live.onInvalid(end - this.t0); // guardrails see it as an error too
      return;
    }
    this.recorder.add(LOAD_METRIC.invalid, 0, phaseTags.tags);
    writer.point(LOAD_METRIC.invalid, endWall, 0, phaseTags, requestId);
    this.recorder.add(LOAD_METRIC.degraded, answer.degraded ? 1 : 0, phaseTags.tags);
    writer.point(LOAD_METRIC.degraded, endWall, answer.degraded ? 1 : 0, phaseTags, requestId);
    if (answer.degraded) this.live.onDegraded(end - this.t0);
    const score = ndcgAtK(answer.itemIds, prepared.groundTruth, 10);
    if (score !== null) {
      this.recorder.add(LOAD_METRIC.ndcg, score, phaseTags.tags);
      writer.point(LOAD_METRIC.ndcg, endWall, score, phaseTags, requestId);
    }
  }

  private stop(reason: string): Promise<void> {
    if (!this.stopRequested && !this.finishing) {
      this.stopRequested = true;
      this.stopReason = reason;
      if (this.loadStartedAt !== null) {
        this.stoppedAtMs = performance.now() - this.t0;
        if (this.timer) clearTimeout(this.timer);
        this.timer = null;
        this.scheduleDone = true;
        const grace = Math.min(this.plan.timeoutMs, STOP_GRACE_MAX_MS);
        this.graceTimer = setTimeout(() => {
          for (const f of this.inFlight) {
            f.cut = true;
            f.req.destroy();
          }
        }, grace);
        this.maybeFinish();
      }
    }
    return this.done.then(() => undefined);
  }

  private maybeFinish(): void {
    if (this.scheduleDone && this.inFlight.size === 0 && !this.finishing) {
      void this.finish(this.stopRequested ? 'stopped' : 'completed');
    }
  }

  private emitTick(): void {
    if (this.loadStartedAt === null) return;
    const now = performance.now() - this.t0;
    const p = this.scheduleDone ? null : phaseAt(this.plan.phases, now);
    const remainingS = this.scheduleDone ? 0 : Math.max(0, (this.plan.totalMs - now) / 1000);
    this.ticks.emit(this.live.tick(now, new Date(wallClock(this.t0 + now)).toISOString(), p?.phase ?? null, p?.rate ?? 0, remainingS));
  }

  private async finish(status: LoadOutcomeStatus, error?: string): Promise<void> {
    if (this.finishing) return;
    this.finishing = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.graceTimer) clearTimeout(this.graceTimer);
    if (this.tickTimer) {
      clearInterval(this.tickTimer);
      this.emitTick();
    }
    const started = this.loadStartedAt !== null;
    const elapsedMs = started ? performance.now() - this.t0 : 0;
    let thresholds: ThresholdResult[] = [];
    try {
      const built = this.recorder.summary(elapsedMs);
      thresholds = built.thresholds;
      mkdirSync(this.plan.outDir, { recursive: true });
      const tmp = `${this.summaryFile}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(built.summary, null, 2)}\n`);
      renameSync(tmp, this.summaryFile);
      if (this.writer) await this.writer.close();
      else writeFileSync(this.pointsFile, '');
    } catch (e) {
      status = 'failed';
      error = `could not write the load outputs in ${this.plan.outDir}: ${(e as Error).message}`;
    }
    this.agent.destroy();
    const crossed = thresholds.some((t) => !t.ok);
    if (status === 'completed' && crossed) status = 'thresholds-crossed';
    const exitCode =
      status === 'completed'
        ? K6_EXIT.ok
        : status === 'thresholds-crossed'
          ? K6_EXIT.thresholdsCrossed
          : status === 'stopped'
            ? K6_EXIT.externalAbort
            : status === 'setup-failed'
              ? K6_EXIT.scriptAborted
              : K6_EXIT.genericEngine;
    const windows: LoadWindow[] = [];
    if (started) {
      const endAt = this.stoppedAtMs ?? this.plan.totalMs;
      for (const p of this.plan.phases) {
        if (p.startMs >= endAt) break;
        windows.push({
          phase: p.phase,
          start: isoMicros(wallClock(this.t0 + p.startMs)),
          end: isoMicros(wallClock(this.t0 + Math.min(p.endMs, endAt))),
        });
      }
    }
    this.resolveDone({
      engine: 'builtin',
      status,
      exitCode,
      summaryFile: this.summaryFile,
      pointsFile: this.pointsFile,
      startedAt: this.loadStartedAt ?? this.startedAt,
      endedAt: new Date().toISOString(),
      windows,
      ...(this.stopReason !== undefined ? { stopReason: this.stopReason } : {}),
      interrupted: this.interrupted,
      ...(error !== undefined ? { error } : {}),
    });
  }

  private phaseTags(phase: LoadPhaseName): TagSet {
    let t = this.phaseTagCache.get(phase);
    if (!t) {
      t = tagSet({ group: '', scenario: phase });
      this.phaseTagCache.set(phase, t);
    }
    return t;
  }

  private invalidTags(phase: LoadPhaseName, error: string): TagSet {
    const key = `${phase}|${error}`;
    let t = this.invalidTagCache.get(key);
    if (!t) {
      t = tagSet({ error, group: '', scenario: phase });
      this.invalidTagCache.set(key, t);
    }
    return t;
  }

  /** k6's tags on http_req_* samples of a named request (`url` equals `name` when a name is set). */
  private httpTags(phase: LoadPhaseName, status: number, ok: boolean, errorCode: string | null): TagSet {
    const key = `${phase}|${status}|${errorCode ?? ''}`;
    let t = this.httpTagCache.get(key);
    if (!t) {
      const tags: Record<string, string> = {};
      if (errorCode !== null) tags.error_code = errorCode;
      Object.assign(tags, {
        expected_response: String(ok),
        group: '',
        method: this.method,
        name: 'recommend',
        proto: 'HTTP/1.1',
        scenario: phase,
        status: String(status),
        url: 'recommend',
      });
      t = tagSet(tags);
      this.httpTagCache.set(key, t);
    }
    return t;
  }
}
