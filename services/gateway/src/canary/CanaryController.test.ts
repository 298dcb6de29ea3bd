import type { CanaryView } from '@drillbook/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { admin, type Harness, startHarness, waitFor } from '../__fixtures__/harness.js';
import { startLoad } from '../__fixtures__/load.js';
import type { StandInOptions, VersionProfile } from '../__fixtures__/standIn.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

// The latency criterion is covered by analysis.test.ts; here a wide noise floor keeps a CPU-starved
// shared machine from turning scheduling jitter into a latency verdict.
const FAST_CANARY = { canary: { analysisIntervalMs: 50, minSamples: 60, minGroundTruthSamples: 40, minLatencyDeltaMs: 5000 } };

function replicas(v2: VersionProfile): StandInOptions[] {
  const versions = { v1: { quality: 'good' } as VersionProfile, v2 };
  return [
    { id: 'r1', versions, serving: 'v1' },
    { id: 'r2', versions, serving: 'v1' },
    { id: 'r3', versions, serving: 'v1' },
  ];
}

/** Drives load with ground truth until the canary has decided; returns the decision. */
async function untilDecided(url: string): Promise<CanaryView['decisions'][number]> {
  const load = startLoad({ url, rps: 300, groundTruth: true });
  try {
    await waitFor('a canary decision', async () => (await admin(url, 'GET', '/admin/canary')).body.decisions.length > 0, 60_000);
  } finally {
    load.stop();
    await load.done;
  }
  const view = (await admin(url, 'GET', '/admin/canary')).body as CanaryView;
  expect(view.active).toBeNull();
  return view.decisions[0];
}

describe('canary release', () => {
  it('deploys the candidate to one replica and routes part of the traffic to it', async () => {
    h = await startHarness(replicas({ quality: 'good' }), { canaryAnalysis: false });
    const res = await admin(h.url, 'POST', '/admin/canary', { version: 'v2', weight: 0.5 });
    expect(res.status).toBe(201);
    expect(res.body.active).toMatchObject({ version: 'v2', baselineVersion: 'v1', weight: 0.5, candidateReplicas: ['r3'], analysis: false });
    expect(h.standIns.map((s) => s.serving())).toEqual(['v1', 'v1', 'v2']);
    const load = startLoad({ url: h.url, rps: 200, total: 200 });
    await load.done;
    const { figures } = (await admin(h.url, 'GET', '/admin/canary')).body.active;
    // Half of the traffic goes to the one candidate replica, the other half to the two baseline ones.
    expect(figures.candidate.samples).toBeGreaterThan(60);
    expect(figures.baseline.samples).toBeGreaterThan(60);
    expect(figures.candidate.samples + figures.baseline.samples).toBe(200);
    const metrics = await (await fetch(new URL('/metrics', h.url))).text();
    expect(metrics).toContain('gateway_canary_weight_ratio 0.5');
  });

  it('promotes a candidate that ranks as well as the baseline, to every replica', async () => {
    h = await startHarness(replicas({ quality: 'good' }), FAST_CANARY);
    expect((await admin(h.url, 'POST', '/admin/canary', { version: 'v2', weight: 0.3 })).status).toBe(201);
    const decision = await untilDecided(h.url);
    expect(decision.decision).toBe('promote');
    expect(decision.figures.candidate.meanNdcg).toBeCloseTo(1, 5);
    expect(decision.reasons.some((r) => r.startsWith('ok served NDCG@10'))).toBe(true);
    expect(decision.actions).toEqual([
      { replica: 'r1', version: 'v2', ok: true },
      { replica: 'r2', version: 'v2', ok: true },
    ]);
    expect(h.standIns.map((s) => s.serving())).toEqual(['v2', 'v2', 'v2']);
    const metrics = await (await fetch(new URL('/metrics', h.url))).text();
    expect(metrics).toContain('gateway_canary_decisions_total{decision="promote"} 1');
    expect(metrics).toContain('gateway_canary_weight_ratio 0');
  });

  it('rolls every candidate replica back when the candidate serves worse rankings', async () => {
    h = await startHarness(replicas({ quality: 'bad' }), FAST_CANARY);
    expect((await admin(h.url, 'POST', '/admin/canary', { version: 'v2', weight: 0.3, replicas: 2 })).status).toBe(201);
    expect(h.standIns.map((s) => s.serving())).toEqual(['v1', 'v2', 'v2']);
    const decision = await untilDecided(h.url);
    expect(decision.decision).toBe('rollback');
    expect(decision.reasons).toContainEqual(expect.stringMatching(/^FAILED served NDCG@10 0\.000 vs baseline 1\.000/));
    expect(decision.figures.candidate.errorRate).toBe(0);
    expect(h.standIns.map((s) => s.serving())).toEqual(['v1', 'v1', 'v1']);
    expect(decision.actions.map((a) => `${a.replica}->${a.version}`)).toEqual(['r2->v1', 'r3->v1']);
  });

  it('rolls back a candidate that fails requests, with every failed attempt retried for the client', async () => {
    h = await startHarness(replicas({ quality: 'good', errorRate: 0.3 }), { ...FAST_CANARY, ejection: false });
    expect((await admin(h.url, 'POST', '/admin/canary', { version: 'v2', weight: 0.5 })).status).toBe(201);
    const load = startLoad({ url: h.url, rps: 300, groundTruth: true });
    await waitFor('a canary decision', () => h!.gateway.canary.view().decisions.length > 0, 60_000);
    load.stop();
    const outcomes = await load.done;
    const decision = h.gateway.canary.view().decisions[0];
    expect(decision.decision).toBe('rollback');
    expect(decision.reasons).toContainEqual(expect.stringMatching(/^FAILED error rate/));
    expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
    expect(h.standIns[2].serving()).toBe('v1');
  });

  it('leaves the decision to the operator when canary analysis is off', async () => {
    h = await startHarness(replicas({ quality: 'bad' }), { ...FAST_CANARY, canaryAnalysis: false });
    await admin(h.url, 'POST', '/admin/canary', { version: 'v2', weight: 0.5 });
    const load = startLoad({ url: h.url, rps: 300, total: 300, groundTruth: true });
    await load.done;
    await h.gateway.canary.analyse();
    const view = (await admin(h.url, 'GET', '/admin/canary')).body as CanaryView;
    expect(view.decisions).toEqual([]);
    expect(view.active?.figures.candidate.meanNdcg).toBe(0);
    expect(h.standIns[2].serving()).toBe('v2');
  });

  it('rolls the candidate replicas back when the canary is deleted, and a second delete changes nothing', async () => {
    h = await startHarness(replicas({ quality: 'good' }), { canaryAnalysis: false });
    await admin(h.url, 'POST', '/admin/canary', { version: 'v2', weight: 0.2 });
    const first = await admin(h.url, 'DELETE', '/admin/canary');
    expect(first.status).toBe(200);
    expect(first.body.active).toBeNull();
    expect(first.body.decisions[0]).toMatchObject({ decision: 'abort', reasons: ['aborted through DELETE /admin/canary'] });
    expect(h.standIns.map((s) => s.serving())).toEqual(['v1', 'v1', 'v1']);
    const second = await admin(h.url, 'DELETE', '/admin/canary');
    expect(second.status).toBe(200);
    expect(second.body.decisions).toHaveLength(1);
  });

  it('refuses a second canary while one runs', async () => {
    h = await startHarness(replicas({ quality: 'good' }), { canaryAnalysis: false });
    await admin(h.url, 'POST', '/admin/canary', { version: 'v2', weight: 0.2 });
    const res = await admin(h.url, 'POST', '/admin/canary', { version: 'v2', weight: 0.2 });
    expect(res.status).toBe(409);
  });

  it('reports a candidate the replica cannot deploy and changes nothing', async () => {
    h = await startHarness(replicas({ quality: 'good' }));
    const res = await admin(h.url, 'POST', '/admin/canary', { version: 'v9', weight: 0.2 });
    expect(res.status).toBe(502);
    expect(res.body.error).toMatch(/replica "r3" admin call failed: deploy v9: status 404/);
    expect((await admin(h.url, 'GET', '/admin/canary')).body.active).toBeNull();
    expect(h.standIns.map((s) => s.serving())).toEqual(['v1', 'v1', 'v1']);
  });

  it.each([
    ['no version', { weight: 0.1 }, 'version'],
    ['a weight above 1', { version: 'v2', weight: 2 }, 'weight'],
    ['a zero weight', { version: 'v2', weight: 0 }, 'weight'],
    ['an unknown replica', { version: 'v2', weight: 0.1, replicas: ['r7'] }, 'replicas[0]'],
    ['every replica as candidate', { version: 'v2', weight: 0.1, replicas: 3 }, 'replicas'],
    ['an unknown field', { version: 'v2', weight: 0.1, share: 1 }, 'share'],
  ])('rejects a canary with %s and names the field', async (_what, body, field) => {
    h = await startHarness(replicas({ quality: 'good' }));
    const res = await admin(h.url, 'POST', '/admin/canary', body);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
    expect(h.standIns.map((s) => s.serving())).toEqual(['v1', 'v1', 'v1']);
  });
});
