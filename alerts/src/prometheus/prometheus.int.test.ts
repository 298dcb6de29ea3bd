/**
 * A real Prometheus in the loop: Debian's prometheus loads every generated rule file and scrapes a
 * tiny stand-in of the reference stack (real prom-client registries with the contract metrics).
 * Every rule evaluates without error, and an outage of /v1/recommend fires the availability page
 * alert; the time it took is printed, as the drill engine will record it as time to detect.
 */
import { access } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERTS } from '../alertNames.js';
import { generatedRuleFiles } from '../generatedFiles.js';
import { PrometheusQueryError } from '../errors.js';
import { startTinyRecsys, type TinyRecsys } from '../testing/tinyRecsys.js';
import { referenceScrapeJobs } from './config.js';
import { startEmbeddedPrometheus } from './embedded.js';
import { startPrometheus, type RunningPrometheus } from './server.js';

let stack: TinyRecsys;
let prom: RunningPrometheus;

beforeAll(async () => {
  stack = await startTinyRecsys();
  prom = await startPrometheus({
    jobs: referenceScrapeJobs({
      gateway: stack.gatewayUrl,
      replicas: [{ id: 'r1', zone: 'zone-a', url: stack.replicaUrl }],
      controller: stack.controllerUrl,
    }),
    ruleFiles: generatedRuleFiles(),
    scrapeInterval: '1s',
    evaluationInterval: '1s',
  });
  stack.startTraffic(20);
});

afterAll(async () => {
  await stack?.stopTraffic();
  await prom?.stop();
  await stack?.close();
});

describe('a real Prometheus with the generated rules', () => {
  it('listens on 127.0.0.1 on the port it was given and scrapes every target', async () => {
    expect(prom.url).toBe(`http://127.0.0.1:${prom.port}`);
    const targets = await prom.client.waitFor(
      async () => {
        const t = await prom.client.targets();
        return t.length === 3 && t.every((x) => x.health === 'up') ? t : null;
      },
      { timeoutMs: 60_000, what: 'three healthy targets' },
    );
    expect(targets.map((t) => t.labels.job).sort()).toEqual(['drillbook-controller', 'recsys-gateway', 'recsys-replica']);
    expect(targets.find((t) => t.labels.job === 'recsys-replica')?.labels).toMatchObject({ replica: 'r1', zone: 'zone-a' });
  });

  it('evaluates every generated rule without an error', async () => {
    const groups = await prom.client.waitFor(
      async () => {
        const g = await prom.client.rules();
        return g.length > 0 && g.every((grp) => grp.rules.every((r) => r.health !== 'unknown')) ? g : null;
      },
      { timeoutMs: 60_000, what: 'every rule to be evaluated once' },
    );
    const broken = groups.flatMap((g) => g.rules.filter((r) => r.health !== 'ok').map((r) => `${g.name}/${r.name}: ${r.lastError}`));
    expect(broken).toEqual([]);
    expect(groups.map((g) => g.name)).toContain('sloth-slo-alerts-recsys-reference-availability-0');
  });

  it('records a zero error ratio and fires nothing while the service is healthy', async () => {
    const ratio = await prom.client.waitFor(
      async () => (await prom.client.query('slo:sli_error:ratio_rate5m{sloth_slo="availability-0"}'))[0],
      { timeoutMs: 60_000, what: 'the availability SLI recording' },
    );
    expect(ratio.value).toBe(0);
    expect(ratio.labels).toMatchObject({ sloth_service: 'recsys-reference', sloth_window: '5m' });
    const budget = await prom.client.query('slo:error_budget:ratio{sloth_slo="availability-0"}');
    expect(budget[0].value).toBeCloseTo(0.001);
    const firing = (await prom.client.alerts()).filter((a) => a.state === 'firing').map((a) => a.labels.alertname);
    expect(firing).toEqual([]);
  });

  it('reports a query that does not parse as bad_data', async () => {
    const err = await prom.client.query('sum(rate(http_server_request_duration_seconds_count[5m])').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrometheusQueryError);
    expect((err as PrometheusQueryError).errorType).toBe('bad_data');
  });

  it('fires the availability page alert when /v1/recommend starts failing', async () => {
    const faultAt = new Date();
    stack.setFailureStatus(503);
    const alert = await prom.client.waitForAlert(ALERTS.availability, { timeoutMs: 120_000, intervalMs: 200, labels: { sloth_severity: 'page' } });
    const detectedAt = new Date();
    stack.setFailureStatus(null);
    expect(alert.labels).toMatchObject({ sloth_severity: 'page', sloth_service: 'recsys-reference', sloth_slo: 'availability-0', sloth_id: 'recsys-reference-availability-0', owner: 'recsys-platform' });
    expect(alert.labels.severity).toBeUndefined();
    expect(alert.annotations.runbook_url).toBe('https://drillbook.example.com/runbooks/on-call.md#recsysavailabilityburnrate');
    // Sloth's title template, rendered by Prometheus with the alert's labels.
    expect(alert.annotations.title).toBe('(page) recsys-reference availability-0 SLO error budget burn rate is too fast.');
    expect(alert.activeAt.getTime()).toBeGreaterThanOrEqual(faultAt.getTime() - 1000);
    console.log(
      `[prometheus.int] time to detect: alert active ${((alert.activeAt.getTime() - faultAt.getTime()) / 1000).toFixed(1)} s after the fault, ` +
        `seen by the poller after ${((detectedAt.getTime() - faultAt.getTime()) / 1000).toFixed(1)} s (scrape and evaluation every 1 s)`,
    );
  });

  it('stops cleanly and removes its directory', async () => {
    const dir = prom.dir;
    await prom.stop();
    expect(await prom.client.ready()).toBe(false);
    await expect(access(dir)).rejects.toThrow();
  });
});

describe('starting Prometheus', () => {
  it('fails with Prometheus\' own error when a rule file is invalid', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = await mkdtemp(path.join(tmpdir(), 'drillbook-badrules-'));
    const bad = path.join(dir, 'bad.rules.yaml');
    await writeFile(bad, 'groups:\n  - name: g\n    rules:\n      - record: x\n        expr: sum(rate(\n');
    await expect(startPrometheus({ jobs: [], ruleFiles: [bad], readyTimeoutMs: 30_000 })).rejects.toThrow(/Prometheus did not start[\s\S]*bad\.rules\.yaml/);
  });
});

describe('the embedded Prometheus', () => {
  it('returns only once every target has been scraped, so a counter event right after has a sample from before it', async () => {
    const started = await startEmbeddedPrometheus({ endpoints: { gateway: stack.gatewayUrl, replicas: [{ id: 'r1', zone: 'zone-a', url: stack.replicaUrl }] } });
    if (!started.prometheus) throw new Error(`the embedded Prometheus did not start: ${started.note}`);
    try {
      const targets = await started.prometheus.client.targets();
      expect(targets.length).toBe(2);
      expect(targets.map((t) => t.health)).not.toContain('unknown');
    } finally {
      await started.prometheus.stop();
    }
  });
});
