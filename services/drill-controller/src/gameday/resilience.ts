/**
 * Resilience score of a service: the mean over its runbooks of (latest drill score x weight), where
 * a runbook's weight halves for every `halfLifeDays` since that drill ended (a runbook not run for
 * 30 days counts half, 60 days a quarter). So the score decays when drills go stale, instead of a
 * stale runbook simply dropping out of a weighted mean (which would leave a single-runbook service's
 * score frozen forever). Only drills that ran to a verdict (passed, failed) count.
 */
import type { ResilienceSample } from '@drillbook/contracts';

export interface ScoredRun {
  runbook: string;
  score: number;
  status: string;
  endedAt: string;
}

export function resilienceScore(service: string, runs: readonly ScoredRun[], now: number, halfLifeDays: number): ResilienceSample {
  const latest = new Map<string, ScoredRun>();
  for (const r of runs) {
    if (r.status !== 'passed' && r.status !== 'failed') continue;
    const had = latest.get(r.runbook);
    if (!had || Date.parse(r.endedAt) > Date.parse(had.endedAt)) latest.set(r.runbook, r);
  }
  const runbooks = [...latest.values()]
    .map((r) => {
      const ageDays = Math.max(0, now - Date.parse(r.endedAt)) / 86_400_000;
      return { runbook: r.runbook, score: r.score, lastRunAt: r.endedAt, weight: Math.round(0.5 ** (ageDays / halfLifeDays) * 1e4) / 1e4 };
    })
    .sort((a, b) => a.runbook.localeCompare(b.runbook));
  const score = runbooks.length ? Math.round((runbooks.reduce((s, r) => s + r.score * r.weight, 0) / runbooks.length) * 10) / 10 : null;
  return { service, at: new Date(now).toISOString(), score, runbooks };
}
