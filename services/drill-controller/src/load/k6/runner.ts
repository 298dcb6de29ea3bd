/**
 * Runs real k6 on a script in load-tests/ and follows it: live figures come from tailing its
 * `--out json` file, the phase timeline from its first request, the verdict from its exit code
 * (99 = thresholds crossed, mapped, not a crash) and its handleSummary JSON.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOAD_METRIC, type LoadPhaseName } from '@drillbook/contracts';
import { describeExitCode, statusOfExitCode } from '../exitCodes.js';
import { LiveStats } from '../live.js';
import { Listeners } from '../listeners.js';
import { phaseAt, type NormalizedPlan } from '../plan.js';
import { parsePointLine, sampleOk } from '../reader/pointLine.js';
import { isoMicros } from '../time.js';
import type { LoadOutcome, LoadOutcomeStatus, LoadRun, LoadTick, LoadWindow } from '../types.js';
import { buildK6Command } from './command.js';
import { NdjsonTail } from './tail.js';
import { isJsonlPath } from '../sessionsJsonl.js';

export const K6_SUMMARY_FILE = 'summary.json';
export const K6_POINTS_FILE = 'points.ndjson';
export const K6_LOG_FILE = 'k6.log';
const TAIL_INTERVAL_MS = 250;
const LIVE_METRICS = new Set(['http_req_duration', LOAD_METRIC.degraded, LOAD_METRIC.invalid, 'dropped_iterations']);

export function startK6Load(plan: NormalizedPlan, k6: string, script: string): LoadRun {
  const startedAt = new Date().toISOString();
  const ticks = new Listeners<[LoadTick]>();
  const phaseStarts = new Listeners<[LoadPhaseName, string]>();
  const live = new LiveStats(plan.liveWindowS);
  const summaryFile = join(plan.outDir, K6_SUMMARY_FILE);
  const pointsFile = join(plan.outDir, K6_POINTS_FILE);
  const phaseNames = new Set<string>(plan.phases.map((p) => p.phase));

  mkdirSync(plan.outDir, { recursive: true });
  // A summary left by an earlier run must never pass for this run's.
  rmSync(summaryFile, { force: true });
  rmSync(pointsFile, { force: true });
  let sessionsFile = plan.sessionsPath;
  // k6 reads one JSON sessions file: inline sessions and JSONL files go to it already checked.
  if (sessionsFile === null || isJsonlPath(sessionsFile)) {
    sessionsFile = join(plan.outDir, 'sessions.json');
    writeFileSync(sessionsFile, JSON.stringify(plan.sessions));
  }
  const cmd = buildK6Command(plan, { k6, script, sessionsFile, summaryFile, pointsFile });

  /** Wall-clock ms of the first request's send time: where the phase timeline starts. */
  let t0: number | null = null;
  let stopRequested = false;
  let stopReason: string | undefined;
  let stoppedAt: number | null = null;
  const phaseTimers: NodeJS.Timeout[] = [];
  const emitted = new Set<LoadPhaseName>();

  const startTimeline = (at: number): void => {
    t0 = at;
    for (const p of plan.phases) {
      const fire = (): void => {
        if (emitted.has(p.phase) || stoppedAt !== null) return;
        emitted.add(p.phase);
        phaseStarts.emit(p.phase, new Date(at + p.startMs).toISOString());
      };
      const delay = at + p.startMs - Date.now();
      if (delay <= 0) fire();
      else phaseTimers.push(setTimeout(fire, delay));
    }
  };

  const tail = new NdjsonTail(pointsFile, (line) => {
    let s;
    try {
      s = parsePointLine(line, LIVE_METRICS);
    } catch {
      return; // a line k6 is still writing, or noise: the reader reports bad files, the live view skips them
    }
    if (!s || !phaseNames.has(s.tags.scenario ?? '')) return;
    if (s.metric === 'http_req_duration') {
      const start = s.time - s.value;
      if (t0 === null) startTimeline(start);
      live.onSent(start - t0!);
      live.onCompleted(s.time - t0!, s.value, sampleOk(s.tags));
    } else if (s.metric === LOAD_METRIC.invalid) {
      if (s.value !== 0 && t0 !== null) live.onInvalid(s.time - t0);
    } else if (s.metric === LOAD_METRIC.degraded) {
      if (s.value !== 0 && t0 !== null) live.onDegraded(s.time - t0);
    } else if (s.metric === 'dropped_iterations') {
      for (let i = 0; i < s.value; i++) live.onDropped();
    }
  });

  const log = createWriteStream(join(plan.outDir, K6_LOG_FILE));
  let outputTail = '';
  const keep = (chunk: Buffer): void => {
    log.write(chunk);
    outputTail = (outputTail + chunk.toString('utf8')).slice(-4000);
  };

  const child = spawn(cmd.command, cmd.args, { cwd: plan.outDir, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);

  const tailTimer = setInterval(() => tail.poll(), TAIL_INTERVAL_MS);
  const tickTimer = setInterval(() => {
    if (t0 === null) return;
    const now = Date.now() - t0;
    const p = stoppedAt === null ? phaseAt(plan.phases, now) : null;
    ticks.emit(live.tick(now, new Date().toISOString(), p?.phase ?? null, p?.rate ?? 0, stoppedAt === null ? Math.max(0, (plan.totalMs - now) / 1000) : 0));
  }, 1000);
  let killTimer: NodeJS.Timeout | null = null;

  const done = new Promise<LoadOutcome>((resolve) => {
    let spawnError: Error | null = null;
    child.on('error', (e) => {
      spawnError = e;
    });
    child.on('close', (code) => {
      clearInterval(tailTimer);
      clearInterval(tickTimer);
      if (killTimer) clearTimeout(killTimer);
      for (const t of phaseTimers) clearTimeout(t);
      tail.close();
      log.end();
      const setupAborted = t0 === null;
      let status: LoadOutcomeStatus = spawnError ? 'failed' : statusOfExitCode(code, stopRequested, setupAborted);
      let error: string | undefined;
      if (spawnError) error = `could not run ${cmd.command}: ${(spawnError as Error).message}`;
      else if (status === 'setup-failed' || status === 'failed') error = `k6 ${describeExitCode(code)}: ${lastLines(outputTail)}`;
      if ((status === 'completed' || status === 'thresholds-crossed' || status === 'stopped') && !existsSync(summaryFile)) {
        status = 'failed';
        error = `k6 exited ${code} without writing its summary to ${summaryFile} (does the script export handleSummary from load-tests/lib/summary.js?): ${lastLines(outputTail)}`;
      }
      const windows: LoadWindow[] = [];
      if (t0 !== null) {
        const endAt = stoppedAt === null ? plan.totalMs : stoppedAt - t0;
        for (const p of plan.phases) {
          if (p.startMs >= endAt) break;
          windows.push({ phase: p.phase, start: isoMicros(t0 + p.startMs), end: isoMicros(t0 + Math.min(p.endMs, endAt)) });
        }
      }
      resolve({
        engine: 'k6',
        status,
        exitCode: code ?? -1,
        summaryFile,
        pointsFile,
        startedAt: t0 === null ? startedAt : new Date(t0).toISOString(),
        endedAt: new Date().toISOString(),
        windows,
        ...(stopReason !== undefined ? { stopReason } : {}),
        interrupted: 0,
        ...(error !== undefined ? { error } : {}),
      });
    });
  });

  const stop = (reason: string): Promise<void> => {
    if (!stopRequested) {
      stopRequested = true;
      stopReason = reason;
      stoppedAt = Date.now();
      // k6 stops its scenarios on SIGINT, still runs handleSummary, and exits 105; a second signal
      // would skip the summary, so escalate to SIGKILL only if it hangs.
      child.kill('SIGINT');
      killTimer = setTimeout(() => child.kill('SIGKILL'), Math.max(10_000, plan.timeoutMs + 5000));
    }
    return done.then(() => undefined);
  };

  return { engine: 'k6', startedAt, onTick: (cb) => ticks.add(cb), onPhase: (cb) => phaseStarts.add(cb), stop, done };
}

function lastLines(text: string): string {
  const lines = text.trim().split('\n').slice(-5).join(' | ');
  return lines === '' ? '(no output)' : lines;
}
