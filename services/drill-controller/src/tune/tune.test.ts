import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStackConfig, type EmbeddedStackSpec } from '@drillbook/contracts';
import type { DrillRunner } from './drills.js';
import { writeTuneOutputs, tuneTerminalSummary } from './report.js';
import { InvalidTuneSpace, parseTuneSpace } from './space.js';
import { runTune, type Measurer } from './tune.js';

const dir = mkdtempSync(join(tmpdir(), 'drillbook-tune-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPACE = {
  apiVersion: 'drillbook.dev/v1',
  kind: 'TuneSpace',
  base: { replica: { batchMs: 25 } },
  knobs: { maxBatch: { values: [2, 4, 8] }, gatewayRetries: { values: [true, false] } },
  default: { maxBatch: 2 },
  search: { finalists: 2 },
  drills: ['replica-loss', 'overload'],
};

/** Synthetic target: throughput grows with the batch, retries off is a little faster (no retry work). */
const measure: Measurer = async ({ config }) => {
  const s = config as EmbeddedStackSpec;
  const rps = (s.replica!.maxBatch ?? 1) * 50 + (s.gateway?.retries === false ? 20 : 0);
  return { compliantRps: rps, p99Ms: 100 + rps / 10, steps: [], warmupNdcg10: 0.3, durationS: 1 };
};
/** Replica loss fails without gateway retries (requests on the killed replica are lost). */
const drill: DrillRunner = async ({ runbook, spec }) =>
  runbook === 'replica-loss' && spec.gateway?.retries === false
    ? { runbook, status: 'failed', score: 55, statusReason: 'missed 1 objective', missed: [{ name: 'no failed requests', sli: 'failed_requests', measured: 17, op: '<=', target: 0 }], objectives: [{ name: 'no failed requests', sli: 'failed_requests', verdict: 'missed' } as never] }
    : { runbook, status: 'passed', score: 100, statusReason: 'every objective met', missed: [] };

describe('a tune with a throughput winner that fails a drill', () => {
  it('rejects the winner naming the missed objective, recommends the next one, and measures the gain against the default', async () => {
    const space = parseTuneSpace(SPACE, 'space.yaml');
    const out = join(dir, 'a');
    const r = await runTune({ space, budgetMin: 10, outDir: out, measure, drill });
    expect(r.strategy).toBe('grid');
    expect(r.candidates).toHaveLength(6);
    expect(r.candidates[0].key).toBe('gatewayRetries=false,maxBatch=8');
    expect(r.candidates[0].rejected).toBe('replica-loss failed: missed "no failed requests" (17 > target <= 0)');
    expect(r.recommendedKey).toBe('gatewayRetries=true,maxBatch=8');
    expect(r.defaultRps).toBe(100);
    expect(r.bestRps).toBe(400);
    expect(r.gain).toBe(4);
    expect([r.drilled, r.rejectedByDrill]).toEqual([2, 1]);
    expect(r.actions[0].findings[0].actions[0].id).toBe('enable-gateway-retries');

    const files = writeTuneOutputs(r, out, space.adapter);
    const rec = parseStackConfig(readFileSync(files.recommended, 'utf8'), files.recommended);
    expect(rec.spec).toMatchObject({ replica: { maxBatch: 8, batchMs: 25 }, gateway: { retries: true } });
    expect(rec.spec.shoppers).toBeUndefined(); // quiet only while measuring: the stack's default (on) when a user runs it
    const html = readFileSync(files.report, 'utf8');
    expect(html).toContain('rejected: replica-loss failed');
    expect(html).toContain('on-call: recsysavailabilityburnrate');
    expect(tuneTerminalSummary(r)).toContain('default 100 req/s · recommended 400 req/s · gain 4x · 6 candidates · 2 drilled · 1 rejected by a drill');
  });

  it('with every finalist rejected, the default is kept and marked unproven', async () => {
    const space = parseTuneSpace({ ...SPACE, knobs: { gatewayRetries: { values: [true, false] } }, default: {}, search: { finalists: 1, maxDrilled: 1 } }, 'space.yaml');
    const r = await runTune({ space, budgetMin: 10, outDir: join(dir, 'b'), measure, drill });
    expect(r.candidates[0].rejected).toBeDefined();
    expect(r.proven).toBe(false);
    expect(r.recommendedKey).toBeNull();
    expect(r.gain).toBe(1);
  });
});

describe('when every finalist is rejected', () => {
  /** Overload fails with a batch of 8 (queues too deep to shed), replica loss without retries. */
  const strict: DrillRunner = async (input) => {
    if (input.runbook === 'overload' && (input.spec as EmbeddedStackSpec).replica?.maxBatch === 8)
      return { runbook: input.runbook, status: 'failed', score: 60, statusReason: 'missed 1 objective', missed: [{ name: 'admitted traffic within the latency SLO', sli: 'latency_p99_ms', measured: 690, op: '<=', target: 250 }] };
    return drill(input);
  };

  it('drills the next-ranked candidates one at a time until one passes every drill, and recommends it', async () => {
    const space = parseTuneSpace({ ...SPACE, search: { finalists: 2 } }, 'space.yaml');
    const r = await runTune({ space, budgetMin: 10, outDir: join(dir, 'c'), measure, drill: strict });
    // Ranked: retries off + batch 8 (420), batch 8 (400), retries off + batch 4 (220), batch 4 (200), ...
    expect(r.candidates.slice(0, 4).map((c) => [c.key, !!c.rejected])).toEqual([
      ['gatewayRetries=false,maxBatch=8', true],
      ['gatewayRetries=true,maxBatch=8', true],
      ['gatewayRetries=false,maxBatch=4', true],
      ['gatewayRetries=true,maxBatch=4', false],
    ]);
    expect(r.candidates[4].drills).toBeUndefined(); // the search stops drilling at the first that passed
    expect(r.recommendedKey).toBe('gatewayRetries=true,maxBatch=4');
    expect(r.proven).toBe(true);
    expect([r.drilled, r.rejectedByDrill, r.bestRps, r.gain]).toEqual([4, 3, 200, 2]);
  });

  it('stops at search.maxDrilled and keeps the default, unproven', async () => {
    const space = parseTuneSpace({ ...SPACE, search: { finalists: 2, maxDrilled: 3 } }, 'space.yaml');
    const r = await runTune({ space, budgetMin: 10, outDir: join(dir, 'd'), measure, drill: strict });
    expect([r.drilled, r.rejectedByDrill, r.proven, r.recommendedKey]).toEqual([3, 3, false, null]);
  });

  it('refuses a maxDrilled below finalists', () => {
    expect(() => parseTuneSpace({ ...SPACE, search: { finalists: 3, maxDrilled: 2 } }, 'space.yaml')).toThrow(/search.maxDrilled: expected at least search.finalists \(3\), got 2/);
  });
});

describe('space files', () => {
  it('name the field of every problem, and refuse what the reference stack cannot tune yet', () => {
    const bad = { apiVersion: 'drillbook.dev/v1', kind: 'TuneSpace', knobs: { maxBatch: { values: [0, 4] }, hedgingDelayMs: { values: [5] }, replicas: { range: { min: 3, max: 1 } } }, default: { maxBatch: 3 }, rates: { stepS: 0 } };
    try {
      parseTuneSpace(bad, 'space.yaml');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidTuneSpace);
      const m = (e as Error).message;
      expect(m).toContain('space.yaml');
      expect(m).toContain('knobs.maxBatch.values[0]: must be 1..1024, got 0');
      expect(m).toContain('knobs.hedgingDelayMs: not a knob of the reference target yet: the gateway does not hedge requests yet');
      expect(m).toContain('knobs.replicas.range: expected { min, max, step? } with min <= max');
      expect(m).toContain('default.maxBatch: the default 3 must be one of the searched values');
      expect(m).toContain('rates.stepS: expected a number 1..600, got 0');
    }
  });

  it('take the model variant as an enum knob, fp32 by default', () => {
    const s = parseTuneSpace({ apiVersion: 'drillbook.dev/v1', kind: 'TuneSpace', knobs: { maxBatch: { values: [2, 4] }, modelVariant: { values: ['fp32', 'int8'] } }, default: { maxBatch: 2 } }, 'x');
    expect(s.knobs[1]).toEqual({ name: 'modelVariant', values: ['fp32', 'int8'] });
    expect(s.default).toEqual({ maxBatch: 2, modelVariant: 'fp32' });
  });

  it('name an unknown model variant, a non-name value, a range and a default outside the list', () => {
    const bad = { apiVersion: 'drillbook.dev/v1', kind: 'TuneSpace', knobs: { modelVariant: { values: ['fp32', 'int4', 8] }, maxBatch: { values: [2] } }, default: { maxBatch: 2 } };
    expect(() => parseTuneSpace(bad, 'space.yaml')).toThrow(/space\.yaml: invalid tune space/);
    const m = (() => {
      try {
        parseTuneSpace(bad, 'space.yaml');
      } catch (e) {
        return (e as Error).message;
      }
    })()!;
    expect(m).toContain('knobs.modelVariant.values[1]: expected one of fp32, int8, fp16, got "int4"');
    expect(m).toContain('knobs.modelVariant.values[2]: expected one of fp32, int8, fp16, got 8');
    expect(() => parseTuneSpace({ ...bad, knobs: { modelVariant: { range: { min: 0, max: 1 } } }, default: {} }, 'space.yaml')).toThrow('knobs.modelVariant.range: expected { min, max, step? } with min <= max and step > 0 (and modelVariant is enum: use values)');
    expect(() => parseTuneSpace({ ...bad, knobs: { modelVariant: { values: ['int8', 'fp16'] } }, default: {} }, 'space.yaml')).toThrow('default.modelVariant: the default "fp32" must be one of the searched values');
  });

  it('expand a range and take the adapter defaults for knobs the file does not set', () => {
    const s = parseTuneSpace({ apiVersion: 'drillbook.dev/v1', kind: 'TuneSpace', knobs: { maxQueueDelayMs: { range: { min: 0, max: 10, step: 2 } }, replicas: { values: [2, 3] } } }, 'x');
    expect(s.knobs[0].values).toEqual([0, 2, 4, 6, 8, 10]);
    expect(s.default).toEqual({ maxQueueDelayMs: 2, replicas: 3 });
    expect(s.drills).toEqual(['replica-loss', 'overload']);
  });
});
