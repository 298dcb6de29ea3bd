/**
 * Every PromQL expression of the generated dashboards against a real Prometheus (Debian's), which
 * loads the generated rules and scrapes a tiny stand-in of the reference stack: each expression
 * parses (no bad_data), and once the stand-in has served real and synthetic traffic, degraded
 * answers, an outage and a refused model load, each one returns data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERTS, generatedRuleFiles, loadSloSpecs, referenceScrapeJobs, SLOS_DIR, startPrometheus, type RunningPrometheus } from '@drillbook/alerts';
import { startTinyRecsys, type TinyRecsys } from '@drillbook/alerts/testing';
import { checkDashboardExpressions } from './check.js';
import type { GeneratedDashboard } from './common/dashboard.js';
import { generateDashboards } from './generate.js';

let stack: TinyRecsys;
let prom: RunningPrometheus;
let dashboards: GeneratedDashboard[];

beforeAll(async () => {
  dashboards = generateDashboards(await loadSloSpecs(SLOS_DIR)).map((f) => f.dashboard);
  stack = await startTinyRecsys();
  prom = await startPrometheus({
    jobs: referenceScrapeJobs({
      gateway: stack.gatewayUrl,
      replicas: [{ id: 'r1', zone: 'zone-a', url: stack.replicaUrl }],
      controller: stack.controllerUrl,
    }),
    ruleFiles: generatedRuleFiles(),
  });
});

afterAll(async () => {
  await stack?.stopTraffic();
  await prom?.stop();
  await stack?.close();
});

describe('dashboard PromQL on a real Prometheus', () => {
  it('parses every expression (no bad_data), before any data exists', async () => {
    const report = await checkDashboardExpressions(prom.client, dashboards);
    expect(report.checked).toBeGreaterThan(40);
    expect(report.errors).toEqual([]);
  });

  it('returns data for every expression once the stand-in stack has been through traffic, degradation, an outage and a refused load', async () => {
    stack.startTraffic(20);
    stack.startTraffic(10, { synthetic: true });
    await prom.client.waitFor(async () => (await prom.client.query('slo:sli_error:ratio_rate5m')).length >= 3, { timeoutMs: 60_000, what: 'SLI recordings' });
    stack.setDegraded('dependency');
    await new Promise((r) => setTimeout(r, 3000));
    stack.setDegraded(null);
    stack.setFailureStatus(503);
    await prom.client.waitForAlert(ALERTS.availability, { timeoutMs: 120_000, labels: { sloth_severity: 'page' } });
    stack.setFailureStatus(null);
    stack.failModelLoad('ModelIntegrityError');
    await prom.client.waitForAlert(ALERTS.modelLoadFailed, { timeoutMs: 60_000 });

    const report = await checkDashboardExpressions(prom.client, dashboards);
    expect(report.errors).toEqual([]);
    expect(report.empty).toEqual([]);
  });
});
