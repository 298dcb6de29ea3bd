/**
 * Canary analysis: compares the candidate cohort with the baseline on error rate, degraded
 * rate, p99 latency and served NDCG@10, and says promote, roll back or wait. Pure: the
 * controller feeds it figures and acts on the verdict. Every criterion yields one sentence.
 */
import type { CanaryCohortFigures } from '@drillbook/contracts';
import type { CanaryConfig } from '../config.js';

export interface CanaryVerdict {
  decision: 'promote' | 'rollback' | 'wait';
  /** promote: one sentence per criterion passed (and what was not judged); rollback: the failed criteria first. */
  reasons: string[];
  /** wait: what is missing. */
  waitingFor: string[];
}

/** Beyond this multiple of `minSamples`, sparse ground truth no longer holds the decision back. */
const GROUND_TRUTH_PATIENCE = 10;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const ms = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(1)} ms`);

export function analyseCanary(baseline: CanaryCohortFigures, candidate: CanaryCohortFigures, cfg: CanaryConfig): CanaryVerdict {
  const waitingFor: string[] = [];
  if (baseline.samples < cfg.minSamples) waitingFor.push(`baseline samples ${baseline.samples}/${cfg.minSamples}`);
  if (candidate.samples < cfg.minSamples) waitingFor.push(`candidate samples ${candidate.samples}/${cfg.minSamples}`);

  const groundTruthSeen = baseline.ndcgSamples + candidate.ndcgSamples > 0;
  const enoughGroundTruth = baseline.ndcgSamples >= cfg.minGroundTruthSamples && candidate.ndcgSamples >= cfg.minGroundTruthSamples;
  const patienceOver = Math.min(baseline.samples, candidate.samples) >= cfg.minSamples * GROUND_TRUTH_PATIENCE;
  if (groundTruthSeen && !enoughGroundTruth && !patienceOver) {
    waitingFor.push(`ground-truth samples baseline ${baseline.ndcgSamples}/${cfg.minGroundTruthSamples}, candidate ${candidate.ndcgSamples}/${cfg.minGroundTruthSamples}`);
  }
  if (waitingFor.length > 0) return { decision: 'wait', reasons: [], waitingFor };

  const failed: string[] = [];
  const passed: string[] = [];
  const judge = (ok: boolean, sentence: string) => (ok ? passed : failed).push(sentence);

  const errDelta = candidate.errorRate - baseline.errorRate;
  judge(
    errDelta <= cfg.maxErrorRateIncrease,
    `error rate ${pct(candidate.errorRate)} vs baseline ${pct(baseline.errorRate)} (allowed +${pct(cfg.maxErrorRateIncrease)})`,
  );
  const degDelta = candidate.degradedRate - baseline.degradedRate;
  judge(
    degDelta <= cfg.maxErrorRateIncrease,
    `degraded rate ${pct(candidate.degradedRate)} vs baseline ${pct(baseline.degradedRate)} (allowed +${pct(cfg.maxErrorRateIncrease)})`,
  );

  if (candidate.p99Ms !== null && baseline.p99Ms !== null) {
    const tooSlow = candidate.p99Ms > baseline.p99Ms * cfg.maxLatencyRatio && candidate.p99Ms - baseline.p99Ms > cfg.minLatencyDeltaMs;
    judge(
      !tooSlow,
      `p99 latency ${ms(candidate.p99Ms)} vs baseline ${ms(baseline.p99Ms)} (allowed x${cfg.maxLatencyRatio}, noise floor ${cfg.minLatencyDeltaMs} ms)`,
    );
  }

  if (enoughGroundTruth && candidate.meanNdcg !== null && baseline.meanNdcg !== null) {
    judge(
      candidate.meanNdcg >= baseline.meanNdcg * cfg.minNdcgRatio,
      `served NDCG@10 ${candidate.meanNdcg.toFixed(3)} vs baseline ${baseline.meanNdcg.toFixed(3)} over ${candidate.ndcgSamples}/${baseline.ndcgSamples} requests (required >= ${cfg.minNdcgRatio} x baseline)`,
    );
  } else {
    passed.push(
      groundTruthSeen
        ? `served NDCG@10 not judged: only ${candidate.ndcgSamples}/${baseline.ndcgSamples} requests carried ground truth (need ${cfg.minGroundTruthSamples} each)`
        : 'served NDCG@10 not judged: no request carried x-ground-truth',
    );
  }

  if (failed.length > 0) return { decision: 'rollback', reasons: [...failed.map((r) => `FAILED ${r}`), ...passed.map((r) => `ok ${r}`)], waitingFor: [] };
  return { decision: 'promote', reasons: passed.map((r) => `ok ${r}`), waitingFor: [] };
}
