import { HTTP_DURATION_BUCKETS_SECONDS, METRIC, METRIC_LABELS } from '@drillbook/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../__fixtures__/harness.js';
import { recommendOnce } from '../__fixtures__/load.js';
import { relevantItemsFor } from '../__fixtures__/standIn.js';
import { GatewayMetrics } from './metrics.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

async function scrape(url: string): Promise<string> {
  const res = await fetch(new URL('/metrics', url));
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text();
}

function labelsOf(text: string, name: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`))
    .map((l) => [...l.slice(name.length + 1, l.indexOf('}')).matchAll(/(\w+)="/g)].map((m) => m[1]));
}

describe('gateway metrics', () => {
  it('records request durations with exactly the contract labels and buckets', async () => {
    h = await startHarness([{ id: 'r1' }]);
    await recommendOnce(h.url, { 'x-synthetic': 'true' });
    await recommendOnce(h.url);
    const text = await scrape(h.url);
    const name = METRIC.httpServerDuration;
    for (const labels of labelsOf(text, `${name}_count`)) expect(labels).toEqual([...METRIC_LABELS[name]]);
    expect(text).toContain(`${name}_count{http_request_method="POST",http_route="/v1/recommend",http_response_status_code="200",synthetic="true",url_scheme="http",error_type=""} 1`);
    expect(text).toContain(`${name}_count{http_request_method="POST",http_route="/v1/recommend",http_response_status_code="200",synthetic="false",url_scheme="http",error_type=""} 1`);
    const buckets = text
      .split('\n')
      .filter((l) => l.startsWith(`${name}_bucket{`) && l.includes('synthetic="true"'))
      .map((l) => /le="([^"]+)"/.exec(l)![1])
      .filter((le) => le !== '+Inf')
      .map(Number);
    expect(buckets).toEqual([...HTTP_DURATION_BUCKETS_SECONDS]);
  });

  it('labels the scheme a TLS-terminating proxy forwarded (x-forwarded-proto), as OTel url.scheme', async () => {
    h = await startHarness([{ id: 'r1' }]);
    await recommendOnce(h.url, { 'x-forwarded-proto': 'https' });
    await recommendOnce(h.url, { 'x-forwarded-proto': 'gopher' });
    const text = await scrape(h.url);
    expect(text).toContain(`${METRIC.httpServerDuration}_count{http_request_method="POST",http_route="/v1/recommend",http_response_status_code="200",synthetic="false",url_scheme="https",error_type=""} 1`);
    expect(text).toContain(`${METRIC.httpServerDuration}_count{http_request_method="POST",http_route="/v1/recommend",http_response_status_code="200",synthetic="false",url_scheme="http",error_type=""} 1`);
  });

  it('sets error_type to the status code on 5xx only (OTel error.type), not on 4xx', async () => {
    const m = new GatewayMetrics({ defaultMetrics: false });
    m.observeHttp('POST', '/v1/recommend', 503, false, 0.01);
    m.observeHttp('POST', '/v1/recommend', 429, false, 0.01);
    const text = await m.render();
    expect(text).toContain(`${METRIC.httpServerDuration}_count{http_request_method="POST",http_route="/v1/recommend",http_response_status_code="503",synthetic="false",url_scheme="http",error_type="503"} 1`);
    expect(text).toContain(`${METRIC.httpServerDuration}_count{http_request_method="POST",http_route="/v1/recommend",http_response_status_code="429",synthetic="false",url_scheme="http",error_type=""} 1`);
  });

  it('exports per-upstream health with upstream and zone labels, and the gateway counters', async () => {
    h = await startHarness([{ id: 'r1', zone: 'zone-a' }, { id: 'r2', zone: 'zone-b' }]);
    await recommendOnce(h.url);
    const text = await scrape(h.url);
    expect(text).toContain('gateway_upstream_up{upstream="r1",zone="zone-a"} 1');
    expect(text).toContain('gateway_upstream_up{upstream="r2",zone="zone-b"} 1');
    expect(text).toContain('gateway_upstream_ejected{upstream="r2",zone="zone-b"} 0');
    expect(text).toMatch(/gateway_upstream_requests_total\{upstream="r[12]",code="200"\} 1/);
    for (const name of [METRIC.gatewayRetries, METRIC.gatewayCanaryWeight, METRIC.shedRequests, METRIC.gatewayInFlight]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(text).toContain('gateway_retries_total{reason="connect_error"} 0');
  });

  it('marks an upstream down in the metrics when it stops being ready', async () => {
    h = await startHarness([{ id: 'r1' }, { id: 'r2' }]);
    h.standIns[1].behaviour.ready = false;
    await h.gateway.health.checkAll();
    await h.gateway.health.checkAll();
    expect(await scrape(h.url)).toContain('gateway_upstream_up{upstream="r2",zone="zone-b"} 0');
  });

  it('measures served NDCG@10 by model version for requests that carry ground truth', async () => {
    h = await startHarness([{ id: 'r1' }]);
    await recommendOnce(h.url, { 'x-ground-truth': relevantItemsFor('u-1').join(',') }, { userId: 'u-1', k: 10 });
    await recommendOnce(h.url, { 'x-ground-truth': 'item-that-is-never-ranked' }, { userId: 'u-2', k: 10 });
    await recommendOnce(h.url, {}, { userId: 'u-3', k: 10 });
    const text = await scrape(h.url);
    expect(text).toContain('recsys_served_ndcg_count{version="v1"} 2');
    expect(text).toContain('recsys_served_ndcg_sum{version="v1"} 1');
  });

  it('includes the default Node process metrics unless told not to', async () => {
    // The harness turns them off to keep many gateways cheap; main.ts keeps the default (on).
    expect(await new GatewayMetrics({ defaultMetrics: false }).render()).not.toContain('process_cpu_seconds_total');
    const text = await new GatewayMetrics().render();
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });
});
