import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSloSpecs, type SloModel } from '@drillbook/alerts';
import type { SloStatus } from '@drillbook/contracts';
import { ScrapeSource, majorityVersion } from './scrapeSource.js';
import { gatewayText, metricsServer, replicaText, type MetricsServer } from './__fixtures__/metricsServer.js';

const SPECS = fileURLToPath(new URL('../../../../alerts/slos', import.meta.url));

describe('catalogue figures scraped from the service', () => {
  let slos: SloModel[];
  let gw: MetricsServer;
  let r0: MetricsServer;
  let r1: MetricsServer;
  beforeAll(async () => {
    slos = (await loadSloSpecs(SPECS)).filter((m) => m.service === 'recsys-reference');
    [gw, r0, r1] = await Promise.all([metricsServer(), metricsServer(), metricsServer()]);
  });
  afterAll(async () => {
    await Promise.all([gw, r0, r1].map((s) => s.close()));
  });
  const targets = () => ({ gatewayUrl: gw.url, replicas: [{ id: 'r0', zone: 'zone-a', url: r0.url }, { id: 'r1', zone: 'zone-b', url: r1.url }] });
  const slo = (list: SloStatus[], name: string) => list.find((s) => s.name === `recsys-reference-${name}`)!;

  it('measures availability over the observed window, excluding synthetic drill traffic', async () => {
    const src = new ScrapeSource(slos, 5000);
    gw.set(gatewayText({ ok: 10_000, failed: 3, syntheticFailed: 40 }));
    r0.set(replicaText({ version: 'v1' }));
    r1.set(replicaText({ version: 'v1' }));
    const first = await src.collect(targets(), 0);
    expect(slo(first.slos, 'availability').attainment).toBeNull();
    expect(slo(first.slos, 'availability').source.detail).toMatch(/figures need a second one/);
    // 1000 more real requests of which 2 failed, and 500 synthetic failures that must not count.
    gw.set(gatewayText({ ok: 10_998, failed: 5, syntheticFailed: 540 }));
    const second = await src.collect(targets(), 60_000);
    const a = slo(second.slos, 'availability');
    expect(a.attainment).toBeCloseTo(0.998, 9);
    expect(a.errorBudgetRemaining).toBeCloseTo(1 - 0.002 / 0.001, 6);
    expect(a.burnRate).toBeCloseTo(2, 6);
    expect(a.source.kind).toBe('scrape');
    expect(a.source.url).toContain(`${gw.url}/metrics`);
    expect(a.source.detail).toMatch(/over the 60 s this controller has observed .* not the 30d period; 1000 events, drill and load traffic \(synthetic="true"\) excluded/);
    expect(a.thresholds).toEqual({ page: [14.4, 6], ticket: [3, 1] });
    expect(a.sli).toBe('availability');
  });

  it('reads the latency SLO from the histogram bucket and the degraded SLO from the fallback counters of every replica', async () => {
    const src = new ScrapeSource(slos, 5000);
    gw.set(gatewayText({ ok: 1000, failed: 0, fast: 1000 }));
    r0.set(replicaText({ version: 'v1', fallback: 0 }));
    r1.set(replicaText({ version: 'v1', fallback: 0 }));
    await src.collect(targets(), 0);
    gw.set(gatewayText({ ok: 2000, failed: 0, fast: 1990 }));
    r0.set(replicaText({ version: 'v1', fallback: 4 }));
    r1.set(replicaText({ version: 'v1', fallback: 1 }));
    const s = await src.collect(targets(), 30_000);
    expect(slo(s.slos, 'latency').attainment).toBeCloseTo(0.99, 9);
    expect(slo(s.slos, 'latency').sli).toBe('latency');
    expect(slo(s.slos, 'degraded-serving').attainment).toBeCloseTo(0.995, 9);
    expect(slo(s.slos, 'degraded-serving').sli).toBe('degraded');
    expect(slo(s.slos, 'degraded-serving').source.detail).toMatch(/drill and load traffic included/);
  });

  it('keeps counting across a replica restart that resets its counters', async () => {
    const src = new ScrapeSource(slos, 5000);
    gw.set(gatewayText({ ok: 100, failed: 0 }));
    r0.set(replicaText({ version: 'v1', fallback: 50 }));
    r1.set(replicaText({ version: 'v1', fallback: 0 }));
    await src.collect(targets(), 0);
    gw.set(gatewayText({ ok: 1100, failed: 0 }));
    r0.set(replicaText({ version: 'v1', fallback: 10 })); // restarted: 10 fallbacks since
    const s = await src.collect(targets(), 10_000);
    expect(slo(s.slos, 'degraded-serving').attainment).toBeCloseTo(1 - 10 / 1000, 9);
  });

  it('shows replica readiness and versions, the majority version, and says there is no GPU when the replicas report none', async () => {
    const src = new ScrapeSource(slos, 5000);
    r0.set(replicaText({ version: 'v2', cpuBusy: 0.4 }));
    r1.set(replicaText({ version: 'v1' }));
    r0.ready(200, 'v2');
    r1.ready(503, null);
    const s = await src.collect(targets(), 0);
    expect(s.replicas).toEqual([
      { id: 'r0', zone: 'zone-a', url: r0.url, ready: true, modelVersion: 'v2' },
      { id: 'r1', zone: 'zone-b', url: r1.url, ready: false, modelVersion: 'v1' },
    ]);
    expect(s.gpu.present).toBe(false);
    expect(s.gpu.message).toMatch(/^no GPU on this service: inference runs on CPU; utilisation shown is the CPU inference engine's busy share/);
    expect(s.gpu.devices).toContainEqual({ replica: 'r0', device: 'cpu0', kind: 'cpu', utilization: 0.4, memoryUsedBytes: null, memoryTotalBytes: null });
    r1.ready(200, 'v1');
  });

  it('reports a GPU with its utilisation and memory when a replica has one', async () => {
    const src = new ScrapeSource(slos, 5000);
    r0.set(replicaText({ version: 'v1', gpuPresent: 1, gpu: { util: 0.73, used: 4e9, total: 16e9 } }));
    r1.set(replicaText({ version: 'v1', gpuPresent: 1, gpu: { util: 0.2, used: 1e9, total: 16e9 } }));
    const s = await src.collect(targets(), 0);
    expect(s.gpu.present).toBe(true);
    expect(s.gpu.message).toBeUndefined();
    expect(s.gpu.devices.filter((d) => d.kind === 'gpu')).toEqual([
      { replica: 'r0', device: 'GPU-1', kind: 'gpu', utilization: 0.73, memoryUsedBytes: 4e9, memoryTotalBytes: 16e9 },
      { replica: 'r1', device: 'GPU-1', kind: 'gpu', utilization: 0.2, memoryUsedBytes: 1e9, memoryTotalBytes: 16e9 },
    ]);
  });

  it('names an endpoint it could not reach instead of inventing its figures', async () => {
    const src = new ScrapeSource(slos, 5000, 500);
    const s = await src.collect({ gatewayUrl: 'http://127.0.0.1:9', replicas: [{ id: 'r0', zone: 'zone-a', url: r0.url }] }, 0);
    const a = slo(s.slos, 'availability');
    expect(a.attainment).toBeNull();
    expect(a.source.detail).toMatch(/not reachable this time: http:\/\/127\.0\.0\.1:9\/metrics/);
  });

  it('picks the version most replicas serve', () => {
    expect(majorityVersion(['v1', 'v2', 'v2', null])).toBe('v2');
    expect(majorityVersion([null])).toBeNull();
  });
});
