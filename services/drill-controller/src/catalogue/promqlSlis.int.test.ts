/**
 * SLIs of a foreign service from configured PromQL, against a real Prometheus (Debian's) scraping a
 * small Triton-style exporter: the counters Triton's /metrics serves (nv_inference_request_success,
 * nv_inference_request_failure, nv_inference_request_duration_us, labels model/version). The
 * exporter is a stand-in for Triton itself (not available here); Prometheus and the queries are real.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrometheus, type RunningPrometheus } from '@drillbook/alerts';
import type { SloStatus } from '@drillbook/contracts';
import { Catalogue } from './Catalogue.js';
import { PromqlSliSource, type PromqlSli } from './promqlSlis.js';
import { TritonStandIn } from './__fixtures__/tritonStandIn.js';

const AVAILABILITY: PromqlSli = {
  name: 'availability',
  title: 'Triton inference success',
  sli: 'availability',
  objective: 0.99,
  period: '30d',
  errorRatio:
    'sum(rate(nv_inference_request_failure{model="recsys"}[{{.window}}])) / (sum(rate(nv_inference_request_success{model="recsys"}[{{.window}}])) + sum(rate(nv_inference_request_failure{model="recsys"}[{{.window}}])))',
};

let triton: TritonStandIn;
let prom: RunningPrometheus;

beforeAll(async () => {
  triton = new TritonStandIn();
  await triton.start();
  prom = await startPrometheus({ jobs: [{ job: 'triton', targets: [{ address: triton.url }] }], scrapeInterval: '1s', evaluationInterval: '1s' });
});

afterAll(async () => {
  await prom?.stop();
  await triton?.close();
});

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

describe('catalogue SLIs of a foreign service from configured PromQL (real Prometheus, Triton-style exporter stand-in)', () => {
  it('computes attainment, budget and burn rates from Triton\'s success/failure counters and names the query as the source', async () => {
    const src = new PromqlSliSource(prom.url, 'triton-recs', [AVAILABILITY]);
    // rate() needs two scrapes in the window: wait until every figure is there.
    const healthy = await until('figures from the Triton counters', async () => {
      const [a] = await src.collect();
      return a.attainment !== null && a.burnRate !== null ? a : null;
    });
    expect(healthy).toMatchObject({ name: 'triton-recs-availability', title: 'Triton inference success', sli: 'availability', objective: 0.99, periodDays: 30 });
    expect(healthy.attainment).toBe(1);
    expect(healthy.errorBudgetRemaining).toBe(1);
    expect(healthy.burnRate).toBe(0);
    expect(healthy.source).toMatchObject({ kind: 'prometheus', url: prom.url });
    expect(healthy.source.detail).toContain('configured PromQL (services[triton-recs].slis[0].errorRatio), over 30d: sum(rate(nv_inference_request_failure{model="recsys"}[30d]))');

    // 30% of Triton's requests fail: 30x the 1% budget in the short windows.
    triton.failureShare = 0.3;
    const burning = await until('the failures in the 5m burn rate', async () => {
      const [a] = await src.collect();
      return (a.burnRate ?? 0) > 5 ? a : null;
    });
    triton.failureShare = 0;
    expect(burning.attainment).toBeLessThan(1);
    expect(burning.attainment).toBeGreaterThan(0.6);
    expect(burning.errorBudgetRemaining).toBeLessThan(1);
    expect(burning.burnRates.find((b) => b.window === '5m')?.value).toBe(burning.burnRate);
  });

  it('says why a figure is missing: a query that selects nothing, a query Prometheus rejects, one that does not aggregate to one series, no Prometheus', async () => {
    const slis: PromqlSli[] = [
      { ...AVAILABILITY, name: 'wrong-model', errorRatio: AVAILABILITY.errorRatio.replaceAll('recsys', 'other') },
      { ...AVAILABILITY, name: 'bad-syntax', errorRatio: 'sum(rate(nv_inference_request_failure[{{.window}}]' },
    ];
    const [empty, syntax] = await new PromqlSliSource(prom.url, 'triton-recs', slis).collect();
    expect([empty.attainment, syntax.attainment]).toEqual([null, null]);
    expect(empty.source.detail).toMatch(/slis\[0\]\.errorRatio\) returned no sample/);
    expect(syntax.source.detail).toMatch(/slis\[1\]\.errorRatio\) failed: .*parse error/i);
    // Two series where the figure needs one: refused, not averaged or picked at random.
    const two = await new PromqlSliSource(prom.url, 'triton-recs', [{ ...AVAILABILITY, errorRatio: 'rate({__name__=~"nv_inference_request_(success|failure)"}[{{.window}}])' }]).collect();
    expect(two[0].attainment).toBeNull();
    expect(two[0].source.detail).toMatch(/returned 2 series; an SLI query must aggregate to one/);
    const none = await new PromqlSliSource(undefined, 'triton-recs', [AVAILABILITY]).collect();
    expect(none[0]).toMatchObject({ attainment: null, source: { kind: 'none', detail: expect.stringMatching(/needs a Prometheus: set "prometheus.url"/) } });
  });

  it('shows the PromQL SLIs in the catalogue beside the spec SLOs, each naming its source', async () => {
    const c = new Catalogue(
      [{ id: 'triton-recs', slos: [], prometheus: { replicaSelector: 'job="triton"' }, gpu: {}, promqlSlis: [AVAILABILITY], targets: async () => ({ gatewayUrl: null, replicas: [] }) }],
      { intervalMs: 1000, prometheusUrl: prom.url },
    );
    const slo = await until('the catalogue entry', async () => {
      await c.refresh();
      const s: SloStatus | undefined = c.live('triton-recs')?.slos.find((x) => x.name === 'triton-recs-availability');
      return s && s.attainment !== null ? s : null;
    });
    expect(slo.source).toMatchObject({ kind: 'prometheus', url: prom.url, detail: expect.stringContaining('nv_inference_request_success') });
  });
});
