/**
 * An in-memory drill target and load for fast engine tests: no processes, no sockets. The target
 * keeps its replicas' faults, models and canary in memory and records every call; the load plays
 * the plan's phases on a compressed clock, ticks live figures the test chooses, and writes real
 * k6-shaped outputs (summary + points) the scorecard reads like any other.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActiveFault, LoadPhaseName } from '@drillbook/contracts';
import type { StackAction } from '@drillbook/stack';
import type { LoadOutcome, LoadPlan, LoadRun, LoadTick } from '../../load/index.js';
import type { DrillTarget } from '../target.js';
import type { TargetApi } from '../targetApi.js';

export interface FakeTarget extends DrillTarget {
  calls: string[];
  active: Map<string, ActiveFault & { replica: string }>;
  notReady: Set<string>;
  phases: Map<string, string>;
  closed: boolean;
}

export function fakeTarget(dir: string, opts: { replicas?: number } = {}): FakeTarget {
  const replicas = Array.from({ length: opts.replicas ?? 3 }, (_, i) => ({ id: `r${i + 1}`, zone: `zone-${'abc'[i % 3]}`, url: `http://fake-r${i + 1}` }));
  const sessionsFile = join(dir, 'sessions.json');
  mkdirSync(dir, { recursive: true });
  writeFileSync(sessionsFile, JSON.stringify({ schemaVersion: 1, world: { seed: 1, items: 5, users: 5 }, training: [{ userId: 'u1', query: 'q', groundTruth: ['i1'] }], drifted: [] }));
  const calls: string[] = [];
  const active = new Map<string, ActiveFault & { replica: string }>();
  const notReady = new Set<string>();
  const phases = new Map(replicas.map((r) => [r.id, 'running']));
  let n = 0;
  let canary: unknown = null;
  const byUrl = (url: string) => replicas.find((r) => r.url === url);
  const api: TargetApi = {
    async readiness(url) {
      calls.push(`readiness ${url}`);
      const r = byUrl(url);
      const ready = !r || !notReady.has(r.id);
      return { status: ready ? 200 : 503, body: { ready, model: { version: 'v1', sha256: 'a'.repeat(64) } } as never };
    },
    async metrics(url) {
      calls.push(`metrics ${url}`);
      return [];
    },
    async recommend() {
      calls.push('recommend');
      return true;
    },
    async request(url) {
      calls.push(`request ${url}`);
      return { status: 200, ms: 1 };
    },
    async injectFault(replica, f) {
      const fault = { id: `f${++n}`, type: f.type, ttlMs: f.ttlMs, rate: f.rate ?? 1, remainingMs: f.ttlMs, replica: replica.id } as ActiveFault & { replica: string };
      active.set(fault.id, fault);
      calls.push(`inject ${f.type} ${replica.id}`);
      return fault;
    },
    async listFaults(replica) {
      return [...active.values()].filter((f) => f.replica === replica.id);
    },
    async clearFault(replica, id) {
      calls.push(`clear ${id} ${replica.id}`);
      return active.delete(id) ? [id] : [];
    },
    async deployModel(replica, version) {
      calls.push(`deploy ${version} ${replica.id}`);
      return { serving: { version } };
    },
    async rollbackModel(replica) {
      calls.push(`rollback ${replica.id}`);
      return { serving: { version: 'v1' } };
    },
    async startCanary(body) {
      canary = body;
      calls.push(`canary ${body.version}`);
      return { active: { candidateReplicas: body.replicas } };
    },
    async cancelCanary() {
      const was = canary !== null;
      canary = null;
      if (was) calls.push('cancel canary');
      return was;
    },
  };
  const t: FakeTarget = {
    service: 'recsys-reference',
    gatewayUrl: 'http://fake-gateway',
    embedded: false,
    adminToken: 'fake',
    sessionsFile,
    replicas: () => replicas,
    api,
    process: {
      act: async (replica: string, action: StackAction) => {
        calls.push(`process ${action} ${replica}`);
        phases.set(replica, action === 'kill' ? 'stopped' : action === 'pause' ? 'paused' : 'running');
      },
      pid: (replica) => (phases.get(replica) === 'stopped' ? null : 1000 + Number(replica.slice(1))),
      phase: (replica) => phases.get(replica) ?? 'unknown',
    },
    close: async () => {
      t.closed = true;
    },
    calls,
    active,
    notReady,
    phases,
    closed: false,
  };
  return t;
}

export interface FakeLoadOptions {
  /** Real milliseconds each phase takes (the windows report the planned duration). Default 60. */
  phaseMs?: number;
  /** Live figures for a tick in a phase (default healthy). */
  tick?: (phase: LoadPhaseName | null, elapsedMs: number) => Partial<LoadTick['window']>;
  /** Latency of every request, ms. */
  latencyMs?: (phase: LoadPhaseName, i: number) => number;
}

/** A `startLoad` that plays the plan on a compressed clock and writes k6-shaped outputs. */
export function fakeLoad(o: FakeLoadOptions = {}) {
  const started: LoadPlan[] = [];
  const startLoad = (plan: LoadPlan): LoadRun => {
    started.push(plan);
    const phaseMs = o.phaseMs ?? 60;
    const tickCbs = new Set<(t: LoadTick) => void>();
    const phaseCbs = new Set<(p: LoadPhaseName, at: string) => void>();
    const t0 = Date.now();
    const wall0 = Date.now();
    let stopped: string | null = null;
    let finish!: (o: LoadOutcome) => void;
    const done = new Promise<LoadOutcome>((r) => (finish = r));
    const windows: LoadOutcome['windows'] = [];
    const timers: NodeJS.Timeout[] = [];
    let current: LoadPhaseName | null = null;
    let planned = 0;
    const write = (ran: LoadPhaseName[]) => {
      mkdirSync(plan.outDir, { recursive: true });
      const lines: string[] = [];
      let offset = 0;
      for (const p of plan.phases) {
        if (!ran.includes(p.phase)) break;
        const count = Math.round(p.durationS * p.rate);
        for (let i = 0; i < count; i++) {
          const ms = o.latencyMs?.(p.phase, i) ?? 10;
          const time = new Date(wall0 + offset + (i * 1000) / p.rate + ms).toISOString();
          const tags = { scenario: p.phase, expected_response: 'true', status: '200' };
          lines.push(JSON.stringify({ metric: 'http_req_duration', type: 'Point', data: { time, value: ms, tags, metadata: { req: `${p.phase}:${i}` } } }));
          lines.push(JSON.stringify({ metric: 'drillbook_schedule_lag', type: 'Point', data: { time, value: 1, tags: { scenario: p.phase } } }));
        }
        offset += p.durationS * 1000;
      }
      writeFileSync(join(plan.outDir, 'points.ndjson'), lines.join('\n') + '\n');
      const summary = { metrics: { drillbook_schedule_lag: { type: 'trend', contains: 'time', values: { 'p(99)': 1 } } }, state: { testRunDurationMs: offset } };
      writeFileSync(join(plan.outDir, 'summary.json'), JSON.stringify(summary));
    };
    const end = (status: LoadOutcome['status']) => {
      timers.forEach(clearTimeout);
      const ran = windows.map((w) => w.phase);
      write(ran);
      finish({ engine: 'builtin', status, exitCode: status === 'stopped' ? 105 : 0, summaryFile: join(plan.outDir, 'summary.json'), pointsFile: join(plan.outDir, 'points.ndjson'), startedAt: new Date(t0).toISOString(), endedAt: new Date().toISOString(), windows, interrupted: 0, ...(stopped ? { stopReason: stopped } : {}) });
    };
    let offset = 0;
    plan.phases.forEach((p, k) => {
      const at = k * phaseMs;
      const startIso = new Date(wall0 + offset).toISOString();
      const endIso = new Date(wall0 + offset + p.durationS * 1000).toISOString();
      offset += p.durationS * 1000;
      timers.push(
        setTimeout(() => {
          current = p.phase;
          planned += p.rate * p.durationS;
          windows.push({ phase: p.phase, start: startIso, end: endIso });
          phaseCbs.forEach((cb) => cb(p.phase, startIso));
        }, at),
      );
    });
    const tickTimer = setInterval(() => {
      const elapsed = Date.now() - t0;
      const w = { seconds: 5, completed: 100, rps: 50, errorRate: 0, availability: 1, p99Ms: 10, degradedShare: 0, ...o.tick?.(current, elapsed) };
      tickCbs.forEach((cb) => cb({ at: new Date().toISOString(), elapsedS: elapsed / 1000, remainingS: 0, phase: current, plannedRps: 50, sent: planned, completed: planned, errors: 0, degraded: 0, dropped: 0, inFlight: 0, lastSecond: { sent: 50, completed: 50, errors: 0 }, window: w }));
    }, 10);
    timers.push(
      setTimeout(() => {
        clearInterval(tickTimer);
        end('completed');
      }, plan.phases.length * phaseMs + 5),
    );
    const run: LoadRun = {
      engine: 'builtin',
      startedAt: new Date(t0).toISOString(),
      onTick: (cb) => (tickCbs.add(cb), () => tickCbs.delete(cb)),
      onPhase: (cb) => (phaseCbs.add(cb), () => phaseCbs.delete(cb)),
      stop: async (reason) => {
        if (!stopped) {
          stopped = reason;
          clearInterval(tickTimer);
          end('stopped');
        }
        await done;
      },
      done,
    };
    return run;
  };
  return { startLoad, started };
}
