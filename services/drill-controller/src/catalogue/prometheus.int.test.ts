/**
 * The catalogue's Prometheus source against a real Prometheus (Debian's) running the generated
 * Sloth-compatible rules over the alert package's contract-metrics stand-in: SLO figures come from
 * the recording rules, GPUs from DCGM series (or the replicas' own gauges), versions from
 * recsys_model_info.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedRuleFiles, loadSloSpecs, referenceScrapeJobs, startPrometheus, type RunningPrometheus, type SloModel } from '@drillbook/alerts';
import { startTinyRecsys, type TinyRecsys } from '@drillbook/alerts/testing';
import type { SloStatus } from '@drillbook/contracts';
import { fileURLToPath } from 'node:url';
import { PrometheusSource } from './promSource.js';
import { Catalogue } from './Catalogue.js';

const SPECS = fileURLToPath(new URL('../../../../alerts/slos', import.meta.url));
let tiny: TinyRecsys;
let prom: RunningPrometheus;
let slos: SloModel[];

beforeAll(async () => {
  slos = (await loadSloSpecs(SPECS)).filter((m) => m.service === 'recsys-reference');
  tiny = await startTinyRecsys();
  prom = await startPrometheus({
    jobs: referenceScrapeJobs({ gateway: tiny.gatewayUrl, replicas: [{ id: 'r1', zone: 'zone-a', url: tiny.replicaUrl }] }),
    ruleFiles: generatedRuleFiles(),
    scrapeInterval: '1s',
    evaluationInterval: '1s',
  });
  tiny.startTraffic(20);
});

afterAll(async () => {
  await tiny?.stopTraffic();
  await prom?.stop();
  await tiny?.close();
});

const availability = (list: SloStatus[]) => list.find((s) => s.name === 'recsys-reference-availability')!;

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

describe('catalogue figures from Prometheus', () => {
  it('reads attainment, budget and burn rates from the recording rules, and sees an outage burn the budget', async () => {
    const src = new PrometheusSource(prom.url, slos, { service: 'recsys-reference', replicaSelector: 'job="recsys-replica"' });
    // Sloth's rule groups are evaluated independently: the budget and burn-rate series that read the
    // SLI recordings appear an evaluation or two after them, so wait for every figure.
    const healthy = await until('recorded SLO series', async () => {
      const a = availability((await src.collect()).slos);
      const figures = [a.attainment, a.errorBudgetRemaining, a.burnRate, a.burnRates[0].value];
      return figures.every((f) => f !== null) ? a : null;
    });
    expect(healthy.attainment).toBe(1);
    expect(healthy.errorBudgetRemaining).toBe(1);
    expect(healthy.burnRate).toBe(0);
    expect(healthy.source).toMatchObject({ kind: 'prometheus', url: prom.url, detail: expect.stringMatching(/Sloth recording rules/) });

    tiny.setFailureStatus(503);
    const burning = await until('the outage in the 5m burn rate', async () => {
      const a = availability((await src.collect()).slos);
      return (a.burnRates[0].value ?? 0) > 14.4 && (a.burnRate ?? 0) > 14.4 ? a : null;
    });
    tiny.setFailureStatus(null);
    expect(burning.attainment).toBeLessThan(1);
    expect(burning.errorBudgetRemaining).toBeLessThan(1);
  });

  it('names the missing recording rules instead of inventing figures for a service Prometheus does not know', async () => {
    const src = new PrometheusSource(prom.url, slos, { service: 'not-scraped', replicaSelector: 'job="nope"' });
    const a = availability((await src.collect()).slos);
    expect([a.attainment, a.errorBudgetRemaining, a.burnRate]).toEqual([null, null, null]);
    expect(a.source.detail).toMatch(/Prometheus has no slo:\* series for sloth_service="not-scraped"/);
  });

  it('reads GPUs from DCGM series when selected, else from the replicas\' gauges, and model versions per replica', async () => {
    const dcgm = new PrometheusSource(prom.url, slos, { service: 'recsys-reference', replicaSelector: 'job="recsys-replica"', dcgmSelector: 'job="recsys-replica"' });
    const withDcgm = await until('DCGM series', async () => {
      const f = await dcgm.collect();
      return f.gpu.devices.length === 2 ? f : null;
    });
    expect(withDcgm.gpu.present).toBe(true);
    expect(withDcgm.gpu.devices).toEqual(
      expect.arrayContaining([
        { replica: 'node-a', device: 'gpu0', kind: 'gpu', utilization: 0.42, memoryUsedBytes: 30_000 * 1048576, memoryTotalBytes: 80_000 * 1048576, model: 'NVIDIA H100' },
        { replica: 'node-b', device: 'gpu1/mig1', kind: 'gpu', utilization: 0.5, memoryUsedBytes: null, memoryTotalBytes: null },
      ]),
    );
    expect(withDcgm.versions.get('r1')).toBe('v1');
    const own = await new PrometheusSource(prom.url, slos, { service: 'recsys-reference', replicaSelector: 'job="recsys-replica"' }).collect();
    expect(own.gpu.present).toBe(true);
    expect(own.gpu.devices).toContainEqual({ replica: 'r1', device: 'gpu0', kind: 'gpu', utilization: 0.2, memoryUsedBytes: 2e9, memoryTotalBytes: 8e9 });
  });

  it('serves the catalogue from Prometheus when one is configured, readiness still from the replicas', async () => {
    const c = new Catalogue(
      [{ id: 'recsys-reference', slos, prometheus: { replicaSelector: 'job="recsys-replica"' }, gpu: {}, targets: async () => ({ gatewayUrl: tiny.gatewayUrl, replicas: [{ id: 'r1', zone: 'zone-a', url: tiny.replicaUrl }] }) }],
      { intervalMs: 1000, prometheusUrl: prom.url },
    );
    await c.refresh();
    const live = c.live('recsys-reference')!;
    expect(live.slos.every((s) => s.source.kind === 'prometheus')).toBe(true);
    expect(availability(live.slos).attainment).not.toBeNull();
    expect(live.gpu.source.kind).toBe('prometheus');
    expect(live.replicas).toEqual([{ id: 'r1', zone: 'zone-a', url: tiny.replicaUrl, ready: false, modelVersion: 'v1' }]);
    expect(live.modelVersion).toBe('v1');
  });
});
