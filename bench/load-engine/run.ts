/**
 * Benchmark: the built-in load engine side by side with real k6, same target, same plan, same run.
 *
 *   npm run bench:load-engine [-- --rate 1000 --duration 20 --service-ms 10]
 *
 * The endpoint (target.mjs) runs in its own process and answers like a recommender: each answer is
 * held for a service time from a seeded log-normal distribution (median `--service-ms`, p99 about
 * 3.2x that), the same sequence for both engines; `--service-ms 0` answers at once, so what each
 * engine measures is mostly its own overhead. First the built-in engine runs in this
 * process, then real k6 (found on PATH, or ../shared/bin/k6 via scripts/testing/k6OnPath.ts) runs
 * `load-tests/scenarios/replica-loss.js` with the same one-phase plan through the same runner a drill
 * uses. Per engine:
 * - achieved rate: requests answered per second of run (first send to last answer);
 * - CPU cores: the engine's user+system CPU time over its run / wall time — the built-in engine's
 *   from this process's usage, k6's from this process's reaped-children times (/proc/self/stat
 *   cutime + cstime, which grow by k6's CPU once it exits; the endpoint is still running then);
 * - p50/p95/p99 latency on the SAME interval for both engines: written-to-answered (k6's
 *   http_req_duration = sending + waiting + receiving; the built-in engine's
 *   drillbook_http_req_written_duration, from the moment its connection was ready to the last
 *   byte), both from the engine's summary (k6's percentile rule on every request); beside it the
 *   built-in engine's open-model latency from the SCHEDULED send (its http_req_duration, what a drill
 *   judges), and each engine's schedule lag (drillbook_schedule_lag).
 * p99_vs_k6 on the RESULT line compares the written-to-answered p99s (like with like).
 * Goals (issue 13): CPU per request no more than k6's, rate within 1% and percentiles within 10% of k6's.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_LOAD_METRIC, type LoadSessionsFile } from '@drillbook/contracts';
import { readLoadResult, startLoad, type LoadResult } from '../../services/drill-controller/src/load/index.js';
import { readSummary } from '../../services/drill-controller/src/load/reader/readLoadResult.js';
import { ensureK6OnPath } from '../../scripts/testing/k6OnPath.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name}: expected a positive number`);
  return v;
}

const RATE = arg('rate', 1000);
const SERVICE_MS = (() => {
  const i = process.argv.indexOf('--service-ms');
  const v = i >= 0 ? Number(process.argv[i + 1]) : 10;
  if (!Number.isFinite(v) || v < 0) throw new Error('--service-ms: expected a number >= 0');
  return v;
})();
const DURATION_S = arg('duration', 20);
const SCENARIO = 'load-tests/scenarios/replica-loss.js';

function startTarget(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./target.mjs', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, SERVICE_MS: String(SERVICE_MS) } });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[0-9.:]+)/.exec(out);
      if (m) resolve({ url: m[1], stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (code) => reject(new Error(`bench target exited ${code} before listening`)));
  });
}

function sessions(): LoadSessionsFile {
  const t = (i: number) => ({ userId: `u-${i}`, query: `query ${i % 37}`, groundTruth: [`i-${i % 13}`, `i-${(i * 7) % 29}`], category: `c-${i % 5}`, segment: `s-${i % 3}` });
  return { schemaVersion: 1, world: { seed: 1, items: 30, users: 500 }, training: Array.from({ length: 500 }, (_, i) => t(i)), drifted: Array.from({ length: 50 }, (_, i) => t(i + 1000)) };
}

const fmt = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));

/** CPU seconds of this process's children that have exited and been reaped (cutime + cstime). */
function childrenCpuS(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the command: state is field 3, cutime 16, cstime 17 (1-based over the whole line).
  const ticks = Number(f[16 - 3]) + Number(f[17 - 3]);
  return ticks / 100; // USER_HZ: 100 on Linux
}

interface EngineFigures {
  name: string;
  answered: number;
  errors: number;
  dropped: number;
  achievedRps: number;
  cpuCores: number;
  cpuMsPerRequest: number;
  /** Written-to-answered interval (the same interval for both engines), from the summary. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Built-in only: from the scheduled send time (open model). */
  sched: { p50: number | null; p95: number | null; p99: number | null } | null;
  lagP99: number | null;
  pointsMB: number;
}

function figures(name: string, result: LoadResult, cpuS: number, wallS: number, summaryFile: string, pointsFile: string): EngineFigures {
  // The written-to-answered trend: k6's http_req_duration; the built-in engine's own metric.
  const metric = name === 'k6' ? 'http_req_duration' : BUILTIN_LOAD_METRIC.writtenDuration;
  const w = readSummary(summaryFile).metrics[metric]?.values;
  if (!w) throw new Error(`${name}: the summary has no ${metric}`);
  const answered = result.samples.filter((s) => s.ok).length;
  const runS = Math.max(...result.samples.map((s) => s.t + s.ms)) / 1000;
  const p = result.phases[0];
  return {
    name,
    answered,
    errors: result.totals.errors,
    dropped: result.totals.droppedIterations,
    achievedRps: answered / runS,
    cpuCores: cpuS / wallS,
    cpuMsPerRequest: (cpuS * 1000) / Math.max(1, result.totals.requests),
    p50: w.med ?? null,
    p95: w['p(95)'] ?? null,
    p99: w['p(99)'] ?? null,
    sched: name === 'k6' ? null : { p50: p.latencyMs.p50, p95: p.latencyMs.p95, p99: p.latencyMs.p99 },
    lagP99: p.schedLagMs.p99,
    pointsMB: statSync(pointsFile).size / 1e6,
  };
}

async function main(): Promise<void> {
  const k6 = ensureK6OnPath();
  if (!k6) throw new Error('no k6 on PATH and none in ../shared/bin: the side-by-side needs real k6 (https://k6.io)');
  const target = await startTarget();
  const outDir = mkdtempSync(join(tmpdir(), 'bench-load-engine-'));
  const plan = (dir: string) => ({ baseUrl: target.url, phases: [{ phase: 'baseline' as const, durationS: DURATION_S, rate: RATE, mix: 'training' as const }], k: 10, timeoutMs: 2000, sessions: sessions(), outDir: join(outDir, dir), scenario: SCENARIO });
  try {
    console.log(`load engines side by side: ${RATE} req/s for ${DURATION_S} s each against ${target.url} (endpoint in a separate process, service time ${SERVICE_MS ? `log-normal, median ${SERVICE_MS} ms` : 'none'}); k6 ${k6}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    const reseed = async () => void (await (await fetch(`${target.url}/__reseed`, { method: 'POST' })).arrayBuffer());
    const rows: EngineFigures[] = [];
    {
      await reseed();
      const cpu0 = process.cpuUsage();
      const wall0 = performance.now();
      const outcome = await startLoad(plan('builtin'), { engine: 'builtin' }).done;
      const cpu = process.cpuUsage(cpu0);
      const wallS = (performance.now() - wall0) / 1000;
      if (outcome.status !== 'completed' && outcome.status !== 'thresholds-crossed') throw new Error(`built-in load ended ${outcome.status}: ${outcome.error ?? ''}`);
      rows.push(figures('built-in', await readLoadResult(outcome.summaryFile, outcome.pointsFile), (cpu.user + cpu.system) / 1e6, wallS, outcome.summaryFile, outcome.pointsFile));
    }
    {
      await reseed();
      const c0 = childrenCpuS();
      const wall0 = performance.now();
      const outcome = await startLoad(plan('k6'), { engine: 'k6' }).done;
      const wallS = (performance.now() - wall0) / 1000;
      const cpuS = childrenCpuS() - c0;
      if (outcome.status !== 'completed' && outcome.status !== 'thresholds-crossed') throw new Error(`k6 load ended ${outcome.status}: ${outcome.error ?? ''}`);
      rows.push(figures('k6', await readLoadResult(outcome.summaryFile, outcome.pointsFile), cpuS, wallS, outcome.summaryFile, outcome.pointsFile));
    }
    const [b, k] = rows;
    const col = (f: (r: EngineFigures) => string) => rows.map((r) => f(r).padStart(14)).join('');
    console.log(`${''.padEnd(24)}${rows.map((r) => r.name.padStart(14)).join('')}`);
    console.log(`${'answered (2xx)'.padEnd(24)}${col((r) => String(r.answered))}`);
    console.log(`${'errors / dropped'.padEnd(24)}${col((r) => `${r.errors} / ${r.dropped}`)}`);
    console.log(`${'achieved ratio'.padEnd(24)}${col((r) => fmt(r.achievedRps / RATE, 4))}`);
    console.log(`${'CPU cores'.padEnd(24)}${col((r) => fmt(r.cpuCores, 3))}`);
    console.log(`${'CPU ms per request'.padEnd(24)}${col((r) => fmt(r.cpuMsPerRequest, 3))}`);
    console.log(`${'written->answered p50 ms'.padEnd(24)}${col((r) => fmt(r.p50))}`);
    console.log(`${'written->answered p95 ms'.padEnd(24)}${col((r) => fmt(r.p95))}`);
    console.log(`${'written->answered p99 ms'.padEnd(24)}${col((r) => fmt(r.p99))}`);
    console.log(`${'scheduled->answered p50'.padEnd(24)}${col((r) => fmt(r.sched?.p50))}`);
    console.log(`${'scheduled->answered p95'.padEnd(24)}${col((r) => fmt(r.sched?.p95))}`);
    console.log(`${'scheduled->answered p99'.padEnd(24)}${col((r) => fmt(r.sched?.p99))}`);
    console.log(`${'schedule lag p99 ms'.padEnd(24)}${col((r) => fmt(r.lagP99, 3))}`);
    console.log(`${'points file MB'.padEnd(24)}${col((r) => fmt(r.pointsMB, 1))}`);
    const cpuVs = b.cpuMsPerRequest / k.cpuMsPerRequest;
    const p99Vs = b.p99 !== null && k.p99 !== null ? b.p99 / k.p99 : null;
    const rateVs = b.achievedRps / k.achievedRps;
    console.log(`goals: CPU per request <= k6's: ${cpuVs <= 1 ? 'yes' : 'NO'} (${fmt(cpuVs, 3)}x); rate within 1% of k6's: ${Math.abs(rateVs - 1) <= 0.01 ? 'yes' : 'NO'} (${fmt(rateVs, 4)}); p50/p95/p99 (written->answered, both engines) within 10% of k6's: ${[['p50', b.p50, k.p50], ['p95', b.p95, k.p95], ['p99', b.p99, k.p99]].map(([n, x, y]) => `${n} ${x !== null && y !== null ? fmt((x as number) / (y as number), 3) : 'n/a'}`).join(', ')}`);
    console.log(`load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log(`RESULT target_rps=${RATE} achieved_ratio=${fmt(b.achievedRps / RATE, 4)} cpu_cores=${fmt(b.cpuCores, 3)} sched_lag_p99_ms=${fmt(b.lagP99, 3)} k6_cpu_cores=${fmt(k.cpuCores, 3)} cpu_vs_k6=${fmt(cpuVs, 3)} p99_vs_k6=${fmt(p99Vs, 3)}`);
  } finally {
    target.stop();
    rmSync(outDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
