/**
 * A real Prometheus in the loop: Debian's prometheus scrapes the embedded reference stack with the
 * generated SLO rules; a drill breaks every replica, the availability page alert fires within a
 * bound, and the drill engine records it as its time to detect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSloSpecs, referenceScrapeJobs, SLOS_DIR, startPrometheus, TIME_TO_DETECT_ALERT, TIME_TO_DETECT_SEVERITY } from '@drillbook/alerts';
import { checkDashboardExpressions, generateDashboards } from '@drillbook/dashboards';
import { Stack } from '@drillbook/stack';
import { Drill } from './executor.js';
import { stackTarget } from './target.js';
import { loadRunbook } from '../runbook/validate.js';

const REPO = join(import.meta.dirname, '../../../..');
const RULES = join(REPO, 'alerts/generated/recsys-reference');
let stack: Stack;
let prom: Awaited<ReturnType<typeof startPrometheus>>;
const dir = mkdtempSync(join(tmpdir(), 'drillbook-prom-'));

beforeAll(async () => {
  // Shoppers are the real users the SLO measures; the gateway's own fallback is off so failures show.
  stack = await Stack.start({ dir: join(dir, 'stack'), shoppers: true, shopperRate: 10, gateway: { fallback: false }, logLevel: 'warn' });
  prom = await startPrometheus({
    jobs: referenceScrapeJobs({ gateway: stack.info.gatewayUrl, replicas: stack.info.replicas.map((r) => ({ id: r.id, zone: r.zone, url: r.url })) }),
    ruleFiles: readdirSync(RULES).filter((f) => f.endsWith('.rules.yaml')).map((f) => join(RULES, f)),
    scrapeInterval: '1s',
    evaluationInterval: '1s',
  });
  // Let Prometheus see healthy traffic first.
  await prom.client.waitFor(async () => (await prom.client.query('sum(rate(http_server_request_duration_seconds_count{job="recsys-gateway",synthetic="false"}[1m]))'))[0]?.value, { timeoutMs: 60_000 });
}, 180_000);

afterAll(async () => {
  await prom?.stop();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Prometheus in the loop', () => {
  it('fires the availability page alert when every replica fails, and the drill records it as time to detect', async () => {
    expect(TIME_TO_DETECT_ALERT).toBe('RecsysAvailabilityBurnRate');
    expect(TIME_TO_DETECT_SEVERITY).toBe('page');
    expect((await prom.client.alerts()).filter((a) => a.state === 'firing' && a.labels.alertname === TIME_TO_DETECT_ALERT)).toEqual([]);
    const drill = new Drill(loadRunbook(join(import.meta.dirname, '__fixtures__/availability-page.yaml')), {
      outDir: join(dir, 'drill'),
      loadEngine: 'builtin',
      autoAck: true,
      target: stackTarget(stack, 'recsys-reference', { prometheusUrl: prom.url }),
      prometheusUrl: prom.url,
    });
    const r = await drill.run();
    expect(r.journal.detection?.signal).toBe(`alert ${TIME_TO_DETECT_ALERT} (${TIME_TO_DETECT_SEVERITY}) firing`);
    expect(r.scorecard.timeToDetectS).not.toBeNull();
    expect(r.scorecard.timeToDetectS!).toBeGreaterThan(0);
    expect(r.scorecard.timeToDetectS!).toBeLessThanOrEqual(30);
    expect(r.scorecard.objectives[0]).toMatchObject({ name: 'paged within 30 s', verdict: 'met' });
    const fired = (await prom.client.alerts()).find((a) => a.labels.alertname === TIME_TO_DETECT_ALERT && a.labels.sloth_severity === TIME_TO_DETECT_SEVERITY);
    expect(fired?.labels.sloth_slo).toBe('availability-0');
    expect(fired?.annotations.runbook_url).toMatch(/^https:\/\/.+on-call\.md#recsysavailabilityburnrate$/);
  }, 240_000);

  it('answers every dashboard expression with data from the real stack, except GPU (none here), controller series (not scraped) and the model store (not enabled)', async () => {
    // A refused model load on one replica (corrupted file, hash check) fires a service-level alert too.
    const r0 = stack.info.replicas[0];
    const res = await fetch(`${r0.url}/admin/faults`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.info.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'corrupt-model', ttlMs: 5000 }),
    });
    expect(res.status).toBe(201);
    await prom.client.waitForAlert('RecsysModelLoadFailed', { timeoutMs: 60_000 });
    const dashboards = generateDashboards(await loadSloSpecs(SLOS_DIR)).map((f) => f.dashboard);
    const report = await checkDashboardExpressions(prom.client, dashboards);
    expect(report.checked).toBeGreaterThan(40);
    expect(report.errors).toEqual([]);
    // Empty by design here: GPU series (no GPU), controller series (not scraped), and the model store's
    // (opt-in; this stack fetches no model from a store: store/modelStore.int.test.ts reads them against nginx).
    const unexplained = report.empty.filter((e) => !/DCGM_|accelerator_memory_|drillbook_|recsys_model_(cache|store)_/.test(e));
    expect(unexplained).toEqual([]);
  }, 120_000);
});
