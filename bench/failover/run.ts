/**
 * Failover benchmark (not a test): 300 req/s open-model load for 60 s through the gateway of the
 * embedded stack (3 replicas, 2 zones); SIGKILL one replica at t=20 s. Prints failed requests, p99
 * before / during (first 5 s after the kill) / after, and the time until the 1-second-window p99 is
 * back under 250 ms for good. Target: 0 failed requests, recovery under 1 s (Kubernetes' default
 * readiness-probe failover takes ~30 s).
 *
 *   npm run bench:failover [-- --rate 300 --seconds 60 --kill-at 20]
 */
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import type { LoadSessionsFile } from '@drillbook/contracts';
import { Stack } from '../../services/stack/src/Stack.js';
import { openLoop, percentile, type Sample } from '../lib/http-load.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '300' },
    seconds: { type: 'string', default: '60' },
    'kill-at': { type: 'string', default: '20' },
    threshold: { type: 'string', default: '250' },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const killAt = Number(values['kill-at']);
const thresholdMs = Number(values.threshold);
const say = (s: string) => process.stdout.write(s + '\n');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-failover-'));
  const stack = await Stack.start({ dir, replicas: 3, shoppers: false, restartDelayMs: 2000, logLevel: 'warn', onLog: (l) => say(`[stack] ${l}`) });
  try {
    const templates = (JSON.parse(readFileSync(stack.info.sessionsFile, 'utf8')) as LoadSessionsFile).training;
    let i = 0;
    const next = () => {
      const t = templates[i++ % templates.length];
      return { path: '/v1/recommend', body: JSON.stringify({ userId: t.userId, query: t.query, k: 10 }), headers: { 'x-synthetic': 'true' } };
    };
    const victim = stack.info.replicas[1].id;
    const samples: Sample[] = [];
    let killedAtMs = 0;
    const started = performance.now();
    const killer = setTimeout(() => {
      killedAtMs = performance.now() - started;
      say(`t=${(killedAtMs / 1000).toFixed(1)}s SIGKILL replica ${victim} (pid ${stack.replica(victim).pid})`);
      stack.kill(victim, 'SIGKILL');
    }, killAt * 1000);
    say(`load: ${rate} req/s for ${seconds}s through ${stack.info.gatewayUrl}`);
    const all = await openLoop(stack.info.gatewayUrl, next, rate, seconds, (s) => samples.push(s));
    clearTimeout(killer);
    // Align the kill with the load's own clock (the loop starts ~20 ms after `started`).
    const killT = killedAtMs - 20;
    const window = (from: number, to: number) => samples.filter((s) => s.t >= from && s.t < to);
    const p99 = (xs: Sample[]) => percentile(xs.map((s) => s.ms).sort((a, b) => a - b), 99);
    const before = window(0, killT);
    const during = window(killT, killT + 5000);
    const after = window(killT + 5000, Infinity);
    // Recovery: first 1 s window after the kill from which every later 1 s window has p99 < threshold.
    let recoveryS = 0;
    const step = 100;
    const end = seconds * 1000;
    let lastBad = -1;
    for (let t = killT; t + 1000 <= end; t += step) {
      const w = window(t, t + 1000);
      if (w.length && (p99(w) >= thresholdMs || w.some((s) => !s.ok))) lastBad = t;
    }
    if (lastBad >= 0) recoveryS = (lastBad + 1000 - killT) / 1000;
    const failed = samples.filter((s) => !s.ok).length;
    say('');
    say(`requests ${samples.length}, failed ${failed}, replica ${victim} restarts: ${stack.replica(victim).restarts}`);
    say(`p99 before ${p99(before).toFixed(1)} ms | during (5 s after kill) ${p99(during).toFixed(1)} ms | after ${p99(after).toFixed(1)} ms | overall p50 ${all.p50Ms.toFixed(1)} ms`);
    say(`recovery (1 s-window p99 back under ${thresholdMs} ms for good): ${recoveryS.toFixed(2)} s`);
    say(`RESULT failed=${failed} requests=${samples.length} recovery_s=${recoveryS.toFixed(2)} p99_during_ms=${p99(during).toFixed(1)}`);
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`bench:failover failed: ${(e as Error).stack}\n`);
  process.exit(1);
});
