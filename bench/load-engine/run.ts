/**
 * Benchmark: can the built-in load engine hold 1,000 req/s against a trivial local endpoint within
 * 1% of the target rate, using under half a core?
 *
 *   npm run bench:load-engine [-- --rate 1000 --duration 30]
 *
 * The endpoint (target.mjs) runs in its own process; this process runs only the engine, so its CPU
 * time over the run is the engine's (scheduling, HTTP client, NDCG scoring, writing the k6 summary
 * and every --out json point). Figures:
 * - achieved rate: requests answered per second of run (first scheduled send to last answer);
 * - CPU cores: this process's user+system CPU time over the run / wall time;
 * - scheduling lag p99: how late requests left relative to their scheduled send time
 *   (drillbook_schedule_lag in the engine's own summary);
 * plus the worst single second, dropped iterations and latency (from the scheduled time).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOAD_METRIC, type LoadSessionsFile } from '@drillbook/contracts';
import { readLoadResult, startLoad } from '../../services/drill-controller/src/load/index.js';
import { readSummary } from '../../services/drill-controller/src/load/reader/readLoadResult.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name}: expected a positive number`);
  return v;
}

const RATE = arg('rate', 1000);
const DURATION_S = arg('duration', 30);

function startTarget(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./target.mjs', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
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

async function main(): Promise<void> {
  const target = await startTarget();
  const outDir = mkdtempSync(join(tmpdir(), 'bench-load-engine-'));
  try {
    console.log(`built-in load engine: ${RATE} req/s for ${DURATION_S} s against ${target.url} (endpoint in a separate process)`);
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const run = startLoad(
      { baseUrl: target.url, phases: [{ phase: 'baseline', durationS: DURATION_S, rate: RATE, mix: 'training' }], k: 10, timeoutMs: 2000, sessions: sessions(), outDir },
      { engine: 'builtin' },
    );
    const outcome = await run.done;
    const cpu = process.cpuUsage(cpu0);
    const wallS = (performance.now() - wall0) / 1000;
    if (outcome.status !== 'completed' && outcome.status !== 'thresholds-crossed') throw new Error(`load ended ${outcome.status}: ${outcome.error ?? ''}`);

    const summary = readSummary(outcome.summaryFile);
    const result = await readLoadResult(outcome.summaryFile, outcome.pointsFile);
    const answered = result.samples.filter((s) => s.ok).length;
    const runS = Math.max(...result.samples.map((s) => s.t + s.ms)) / 1000;
    const achievedRps = answered / runS;
    const perSecond = new Map<number, number>();
    for (const s of result.samples) if (s.ok) perSecond.set(Math.floor((s.t + s.ms) / 1000), (perSecond.get(Math.floor((s.t + s.ms) / 1000)) ?? 0) + 1);
    const fullSeconds = [...perSecond.entries()].filter(([sec]) => sec >= 1 && sec < Math.floor(runS) - 1).map(([, n]) => n);
    const cpuCores = (cpu.user + cpu.system) / 1e6 / wallS;
    const lag = summary.metrics[LOAD_METRIC.schedLag].values;
    const p = result.phases[0];

    console.log(`planned requests     ${RATE * DURATION_S}`);
    console.log(`answered (2xx)       ${answered}   errors ${result.totals.errors}   dropped iterations ${result.totals.droppedIterations}`);
    console.log(`achieved rate        ${fmt(achievedRps, 1)} req/s over ${fmt(runS, 3)} s  (ratio ${fmt(achievedRps / RATE, 4)})`);
    console.log(`worst / best second  ${Math.min(...fullSeconds)} / ${Math.max(...fullSeconds)} answers`);
    console.log(`engine CPU           ${fmt(cpuCores, 3)} cores  (${fmt((cpu.user + cpu.system) / 1e6, 2)} s CPU in ${fmt(wallS, 2)} s wall)`);
    console.log(`scheduling lag       p50 ${fmt(lag.med, 3)} ms   p99 ${fmt(lag['p(99)'], 3)} ms   max ${fmt(lag.max, 1)} ms`);
    console.log(`latency (scheduled)  p50 ${fmt(p.latencyMs.p50)} ms   p99 ${fmt(p.latencyMs.p99)} ms   max ${fmt(p.latencyMs.max)} ms`);
    console.log(`outputs              summary ${statSync(outcome.summaryFile).size} B, points ${(statSync(outcome.pointsFile).size / 1e6).toFixed(1)} MB`);
    console.log(`target               within 1% of ${RATE} req/s: ${Math.abs(achievedRps / RATE - 1) <= 0.01 ? 'yes' : 'NO'}; under half a core: ${cpuCores < 0.5 ? 'yes' : 'NO'}`);
    console.log(`RESULT target_rps=${RATE} achieved_ratio=${fmt(achievedRps / RATE, 4)} cpu_cores=${fmt(cpuCores, 3)} sched_lag_p99_ms=${fmt(lag['p(99)'], 3)}`);
  } finally {
    target.stop();
    rmSync(outDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
