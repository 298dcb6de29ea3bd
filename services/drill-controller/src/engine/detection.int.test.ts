/**
 * Detection with the real Prometheus in the loop (Debian's prometheus): the drill reads every alert's
 * state while it runs and the scorecard turns it into an alert timeline, time to detect and the
 * undetected-impact finding. Besides the generated rules, a small test rules file watches the same
 * signal (fallback answers) with a short `for:` (fires within the drill) and a long one (still pending
 * at the end: reported with its projected firing time). Each drill takes ~25 s on a quiet machine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatedRuleFiles, referenceScrapeJobs, startPrometheus } from '@drillbook/alerts';
import type { Runbook } from '@drillbook/contracts';
import { Stack } from '@drillbook/stack';
import { Drill } from './executor.js';
import { prometheusBinary } from './embeddedPrometheus.js';
import { stackTarget } from './target.js';
import { loadRunbook, type LoadedRunbook } from '../runbook/validate.js';

const FIXTURES = join(import.meta.dirname, '__fixtures__');
const dir = mkdtempSync(join(tmpdir(), 'drillbook-detection-'));
const testRules = join(dir, 'detection.rules.yaml');
let stack: Stack;
let prom: Awaited<ReturnType<typeof startPrometheus>>;

beforeAll(async () => {
  copyFileSync(join(FIXTURES, 'detection.rules.yaml'), testRules);
  stack = await Stack.start({ dir: join(dir, 'stack'), shoppers: false, logLevel: 'warn' });
  prom = await startPrometheus({
    jobs: referenceScrapeJobs({ gateway: stack.info.gatewayUrl, replicas: stack.info.replicas.map((r) => ({ id: r.id, zone: r.zone, url: r.url })) }),
    ruleFiles: [...generatedRuleFiles(), testRules],
    scrapeInterval: '1s',
    evaluationInterval: '1s',
  });
  await prom.client.waitFor(async () => (await prom.client.query('up{job="recsys-replica"} == 1')).length === stack.info.replicas.length || null, { timeoutMs: 60_000, what: 'replicas scraped' });
}, 240_000);

afterAll(async () => {
  await prom?.stop();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function runbook(patch: (rb: Runbook) => void = () => {}): LoadedRunbook {
  const l = loadRunbook(join(FIXTURES, 'detection-model-load.yaml'));
  const rb = structuredClone(l.runbook);
  patch(rb);
  return { ...l, runbook: rb };
}

/** The test alerts of an earlier drill resolve (30 s rate window) before the next drill's baseline. */
async function quiet(): Promise<void> {
  await prom.client.waitFor(async () => !(await prom.client.alerts()).some((a) => a.labels.alertname.startsWith('DrillTest')) || null, { timeoutMs: 120_000, what: 'test alerts resolved' });
}

/** Every replica ready again (the previous drill's model fault cleared and the model reloaded). */
async function ready(): Promise<void> {
  await prom.client.waitFor(async () => {
    for (const r of stack.info.replicas) if ((await fetch(`${r.url}/readyz`).catch(() => null))?.status !== 200) return null;
    return true;
  }, { timeoutMs: 120_000, what: 'replicas ready' });
}

async function drill(l: LoadedRunbook, name: string) {
  await ready();
  await quiet();
  const d = new Drill(l, { outDir: join(dir, name), quick: false, loadEngine: 'builtin', autoAck: true, target: stackTarget(stack, 'recsys-reference', { prometheusUrl: prom.url }), prometheusUrl: prom.url });
  const sc = (await d.run()).scorecard;
  // A drill that did not run its fault says nothing about detection: say why instead of a confusing miss.
  expect(sc.abort, `${name}: ${sc.status} — ${sc.statusReason}`).toBeNull();
  return sc;
}

/** On a loaded machine the load generator may fall behind: the drill is then invalid, never passed. Either way it is not a pass. */
const notPassed = (status: string) => expect(['failed', 'invalid']).toContain(status);

describe.skipIf(!prometheusBinary())('detection with the real Prometheus', () => {
  it('records the alert that fired with its times, the one still pending with its projected firing time, and detects by the first', async () => {
    const sc = await drill(runbook(), 'fired');
    const d = sc.detection!;
    expect(d.source).toBe('prometheus');
    const fast = d.timeline.find((e) => e.alertname === 'DrillTestFallbackFast');
    const slow = d.timeline.find((e) => e.alertname === 'DrillTestFallbackSlow');
    expect(fast, JSON.stringify(d.timeline)).toMatchObject({ severity: 'page', expected: true, forS: 2, firedInBaseline: false, projectedFiringS: null });
    // Pending after the fault began, firing at least its `for:` later.
    expect(fast!.pendingS!).toBeGreaterThanOrEqual(0);
    expect(fast!.firingS!).toBeGreaterThanOrEqual(fast!.pendingS! + 2 - 0.01);
    expect(fast!.firingS!).toBeLessThan(60);
    // The 10 min alert is still pending when the drill ends: projected = pending since + for.
    expect(slow, JSON.stringify(d.timeline)).toMatchObject({ severity: 'ticket', expected: true, forS: 600, firingS: null, resolvedS: null });
    expect(slow!.projectedFiringS).toBeCloseTo(slow!.pendingS! + 600, 1);
    expect(sc.timeToDetectS).toBe(fast!.firingS);
    expect(sc.detectedBy).toBe('alert DrillTestFallbackFast (page) firing');
    expect(d.projected).toBe(false);
    expect(d.impact.length, 'the model-load fault moved an SLI').toBeGreaterThan(0);
    expect(d.undetectedImpact).toBe(false);
    expect(sc.objectives.find((o) => o.sli === 'undetected_impact')).toMatchObject({ verdict: 'met', measured: 0 });
    expect(sc.objectives.find((o) => o.sli === 'alert_noise')).toMatchObject({ verdict: 'met', measured: 0 });
    // The HTML report shows the timeline.
    const html = readFileSync(join(dir, 'fired', 'report.html'), 'utf8');
    expect(html).toContain('DrillTestFallbackFast');
    expect(html).toMatch(/projected/);
  }, 240_000);

  it('reports time to detect as projected when the only expected alert is still pending, and fails a bound shorter than the projection', async () => {
    const sc = await drill(runbook((rb) => (rb.expectedAlerts = { ticket: ['DrillTestFallbackSlow'] })), 'pending');
    const slow = sc.detection!.timeline.find((e) => e.alertname === 'DrillTestFallbackSlow')!;
    expect(sc.detection!.projected, `${sc.detectedBy}: ${JSON.stringify(sc.detection!.timeline)}`).toBe(true);
    expect(sc.timeToDetectS).toBe(slow.projectedFiringS);
    expect(sc.timeToDetectS!).toBeGreaterThan(60);
    expect(sc.detectedBy).toMatch(/^alert DrillTestFallbackSlow \(ticket\) pending since \+[\d.]+ s, projected to fire at \+[\d.]+ s$/);
    expect(slow.pendingS!).toBeGreaterThanOrEqual(0);
    // The bound is 1 min; a 10 min `for:` cannot meet it.
    expect(sc.objectives.find((o) => o.sli === 'undetected_impact')).toMatchObject({ verdict: 'missed', measured: 1 });
    notPassed(sc.status);
  }, 240_000);

  it('reports a fault with no matching alert as undetected impact and fails the detection objective', async () => {
    // A generated alert that exists but does not watch this fault (GPU saturation, from DCGM: none here).
    const sc = await drill(runbook((rb) => (rb.expectedAlerts = { ticket: ['RecsysGpuSaturated'] })), 'unmatched');
    expect(sc.detection!.impact.length).toBeGreaterThan(0);
    expect(sc.detection!.undetectedImpact).toBe(true);
    expect(sc.timeToDetectS).toBeNull();
    expect(sc.objectives.find((o) => o.sli === 'undetected_impact')).toMatchObject({ verdict: 'missed', measured: 1 });
    notPassed(sc.status);
  }, 240_000);

  it('mutation: removing the alert rule turns the passing detection objective into a failure', async () => {
    writeFileSync(testRules, readFileSync(testRules, 'utf8').replace(/      - alert: DrillTestFallbackFast[\s\S]*?(?=      - alert: )/, ''));
    const reload = await fetch(`${prom.url}/-/reload`, { method: 'POST' });
    expect(reload.status).toBe(200);
    await prom.client.waitFor(async () => !(await prom.client.rules()).some((g) => g.rules.some((r) => r.name === 'DrillTestFallbackFast')) || null, { timeoutMs: 30_000, what: 'rule removed' });
    const sc = await drill(runbook((rb) => (rb.expectedAlerts = { page: ['DrillTestFallbackFast'] })), 'mutated');
    expect(sc.detection!.note).toMatch(/DrillTestFallbackFast is not a rule in Prometheus/);
    expect(sc.detection!.undetectedImpact).toBe(true);
    expect(sc.objectives.find((o) => o.sli === 'undetected_impact')).toMatchObject({ verdict: 'missed' });
    notPassed(sc.status);
  }, 240_000);
});
