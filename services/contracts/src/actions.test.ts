import { describe, expect, it } from 'vitest';
import { ACTION_RULES, recommendActions } from './actions.js';
import type { ObjectiveResult } from './scorecard.js';

const obj = (name: string, sli: ObjectiveResult['sli'], verdict: ObjectiveResult['verdict']) => ({ name, sli, verdict }) as ObjectiveResult;

describe('from missed objectives to recommended actions', () => {
  it('failed requests with gateway retries off recommend enabling retries, linking the on-call section', () => {
    const f = recommendActions({ objectives: [obj('no failed requests', 'failed_requests', 'missed')] }, { gatewayRetries: false });
    expect(f[0].rule).toBe('failed-requests-retries-off');
    expect(f[0].objectives).toEqual(['no failed requests']);
    expect(f[0].actions[0].id).toBe('enable-gateway-retries');
    expect(f[0].actions[0].onCall).toBe('runbooks/on-call.md#recsysavailabilityburnrate');
  });

  it('with retries on (or unknown), failed requests point at headroom and load shedding instead', () => {
    expect(recommendActions({ objectives: [obj('a', 'availability', 'missed')] })[0].rule).toBe('failed-requests');
  });

  it('time to recover above target recommends health-check interval and outlier ejection', () => {
    const f = recommendActions({ objectives: [obj('ttr', 'time_to_recover_s', 'missed')] });
    expect(f[0].actions.map((a) => a.id)).toEqual(['faster-health-checks', 'outlier-ejection']);
  });

  it('a high degraded share recommends the fallback settings; a saturated generator more load capacity, not latency tuning', () => {
    const f = recommendActions({ objectives: [obj('d', 'degraded_share', 'missed'), obj('p99', 'latency_p99_ms', 'missed')], load: { generator: { saturated: true } } });
    expect(f.map((x) => x.rule)).toEqual(['degraded', 'generator-saturated']);
  });

  it("a missed objective on the service's own PromQL SLI points at its failure counters; one without data recommends nothing", () => {
    const f = recommendActions({ objectives: [obj('Triton errors', 'promql', 'missed'), obj('ranker errors', 'promql', 'no-data')] });
    expect(f.map((x) => [x.rule, x.objectives])).toEqual([['service-reported-errors', ['Triton errors']]]);
  });

  it('met, no-data and inconclusive objectives recommend nothing', () => {
    expect(recommendActions({ objectives: [obj('a', 'availability', 'met'), obj('b', 'latency_p99_ms', 'no-data'), obj('c', 'ndcg_ratio', 'inconclusive')] })).toEqual([]);
  });

  it('every on-call link names a section that exists in runbooks/on-call.md', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL('../../../runbooks/on-call.md', import.meta.url), 'utf8');
    const anchors = new Set([...text.matchAll(/^## (\S+)/gm)].map((m) => m[1].toLowerCase()));
    for (const r of ACTION_RULES) for (const a of r.actions) expect(anchors, `${r.id}/${a.id}`).toContain(a.onCall.split('#')[1]);
  });
});
