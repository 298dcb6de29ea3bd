/**
 * Repeatability: the same drill run N times. `repeat.json` lists every run (status, score, each
 * objective's measurement and verdict), the distribution of every objective's measurement, how the
 * verdicts split, and `verdictAgreement` — the share of runs whose status is the majority's. A drill
 * whose status differs between runs "flips": its verdict depends on luck as much as on the service.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DrillStatus, Scorecard } from '@drillbook/contracts';

export interface RepeatRun {
  run: number;
  dir: string;
  status: DrillStatus;
  score: number;
  statusReason: string;
  objectives: Array<{ name: string; measured: number | null; verdict: string; interval?: [number, number] }>;
}

export interface RepeatSummary {
  schemaVersion: 1;
  runbook: string;
  runs: RepeatRun[];
  /** How many runs ended in each status. */
  statuses: Partial<Record<DrillStatus, number>>;
  /** The most common status (on a tie, the less favourable one: failed before inconclusive, invalid, passed). */
  majority: DrillStatus;
  /** Share of runs with the majority status, 0..1. */
  verdictAgreement: number;
  /** True when not every run ended in the same status. */
  flips: boolean;
  objectives: Array<{
    name: string;
    sli: string;
    op: string;
    target: number;
    measured: { min: number | null; median: number | null; max: number | null; values: Array<number | null> };
    verdicts: Record<string, number>;
  }>;
}

const TIE_ORDER: DrillStatus[] = ['failed', 'aborted', 'interrupted', 'inconclusive', 'invalid', 'passed'];

export function summarizeRepeats(runbook: string, runs: Array<{ dir: string; scorecard: Scorecard }>): RepeatSummary {
  if (!runs.length) throw new RangeError('summarizeRepeats: no runs');
  const statuses: Partial<Record<DrillStatus, number>> = {};
  for (const r of runs) statuses[r.scorecard.status] = (statuses[r.scorecard.status] ?? 0) + 1;
  const top = Math.max(...Object.values(statuses).map((n) => n ?? 0));
  const majority = TIE_ORDER.find((s) => statuses[s] === top) ?? runs[0].scorecard.status;
  const objectives = runs[0].scorecard.objectives.map((o) => {
    const values = runs.map((r) => r.scorecard.objectives.find((x) => x.name === o.name)?.measured ?? null);
    const nums = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
    const verdicts: Record<string, number> = {};
    for (const r of runs) {
      const v = r.scorecard.objectives.find((x) => x.name === o.name)?.verdict ?? 'no-data';
      verdicts[v] = (verdicts[v] ?? 0) + 1;
    }
    return {
      name: o.name,
      sli: o.sli,
      op: o.op,
      target: o.target,
      measured: { min: nums[0] ?? null, median: nums.length ? nums[Math.floor((nums.length - 1) / 2)] : null, max: nums[nums.length - 1] ?? null, values },
      verdicts,
    };
  });
  return {
    schemaVersion: 1,
    runbook,
    runs: runs.map((r, i) => ({
      run: i + 1,
      dir: r.dir,
      status: r.scorecard.status,
      score: r.scorecard.score,
      statusReason: r.scorecard.statusReason,
      objectives: r.scorecard.objectives.map((o) => ({ name: o.name, measured: o.measured, verdict: o.verdict, ...(o.interval ? { interval: o.interval } : {}) })),
    })),
    statuses,
    majority,
    verdictAgreement: Math.round((top / runs.length) * 1e4) / 1e4,
    flips: Object.keys(statuses).length > 1,
    objectives,
  };
}

export function writeRepeat(outDir: string, summary: RepeatSummary): string {
  const file = join(outDir, 'repeat.json');
  // Whole or not at all: written beside, then renamed over.
  writeFileSync(`${file}.tmp`, `${JSON.stringify(summary, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return file;
}

/** One line per objective: how its measurement spread over the runs and how its verdicts split. */
export function formatRepeat(s: RepeatSummary): string {
  const lines = [`${s.runbook}: ${s.runs.length} runs, ${Object.entries(s.statuses).map(([k, v]) => `${v} ${k}`).join(', ')}; majority ${s.majority}, verdict agreement ${(s.verdictAgreement * 100).toFixed(0)}%${s.flips ? ' — the verdict FLIPS between runs' : ''}`];
  for (const o of s.objectives) {
    const m = o.measured;
    lines.push(`  ${o.name} (${o.op} ${o.target}): min ${m.min ?? '—'} · median ${m.median ?? '—'} · max ${m.max ?? '—'}; ${Object.entries(o.verdicts).map(([k, v]) => `${v} ${k}`).join(', ')}`);
  }
  return lines.join('\n') + '\n';
}

/** Exit code of a repeated run: 0 when every run passed, 1 when the majority failed, 2 otherwise. */
export function repeatExitCode(s: RepeatSummary): 0 | 1 | 2 {
  if (s.statuses.passed === s.runs.length) return 0;
  return s.majority === 'failed' ? 1 : 2;
}
