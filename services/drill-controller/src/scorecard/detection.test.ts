import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { scorecardSchema } from '@drillbook/contracts';
import type { AlertObservation, AlertWatchRecord, Runbook } from '@drillbook/contracts';
import { computeScorecard } from './compute.js';
import { foldRules } from '../engine/alertWatch.js';
import { renderReport } from '../report/html.js';
import { PHASES, fakeJournal, fakeLoad, fakeRunbook, iso } from './__fixtures__/factories.js';

const SLO = { name: 'recommend-availability', objective: 0.999, periodDays: 30 };
// Fault injected at 10 s; the fault phase runs 10-30 s.
const failing = fakeLoad(PHASES((t) => ({ ok: !(t >= 10_000 && t < 25_000) })));
const healthy = fakeLoad(PHASES());

function runbook(extra: Partial<Runbook> = {}, within = '1m'): Runbook {
  return {
    ...fakeRunbook([
      { name: 'availability', sli: 'availability', phase: 'baseline', op: '>=', target: 0.99, weight: 1 },
      { name: 'on-call told', sli: 'undetected_impact', op: '<=', target: 0, within },
      { name: 'no noise', sli: 'alert_noise', op: '<=', target: 0 },
    ]),
    expectedAlerts: { page: ['RecsysAvailabilityBurnRate'], ticket: ['RecsysUpstreamDown'] },
    ...extra,
  };
}
const obs = (o: Partial<AlertObservation> & Pick<AlertObservation, 'alertname'>): AlertObservation => ({ severity: null, forS: 0, pendingAt: null, firingAt: null, resolvedAt: null, firedInBaseline: false, ...o });
const watch = (alerts: AlertObservation[]): AlertWatchRecord => ({ prometheus: 'http://127.0.0.1:9090', startedAt: iso(0), endedAt: iso(40_000), alerts });

function score(alerts: AlertWatchRecord | undefined, rb = runbook(), load = failing) {
  return computeScorecard({ journal: fakeJournal(alerts ? { alerts } : {}), load: load.load, outcome: load.outcome, runbook: rb, slo: SLO });
}

describe('detection in the scorecard', () => {
  it('takes time to detect from the first expected alert that fired after the fault, with its times relative to the fault', () => {
    const sc = score(watch([
      obs({ alertname: 'RecsysAvailabilityBurnRate', severity: 'page', pendingAt: iso(14_000), firingAt: iso(14_000), resolvedAt: iso(33_000) }),
      obs({ alertname: 'RecsysFallbackRateHigh', severity: 'ticket', forS: 120, pendingAt: iso(12_000), firingAt: null }),
    ]));
    expect(sc.timeToDetectS).toBe(4);
    expect(sc.detectedBy).toBe('alert RecsysAvailabilityBurnRate (page) firing');
    const page = sc.detection!.timeline.find((e) => e.alertname === 'RecsysAvailabilityBurnRate')!;
    expect(page).toMatchObject({ expected: true, pendingS: 4, firingS: 4, resolvedS: 23, projectedFiringS: null });
    // Not expected, still pending: projected, but it does not detect.
    expect(sc.detection!.timeline.find((e) => e.alertname === 'RecsysFallbackRateHigh')).toMatchObject({ expected: false, projectedFiringS: 122 });
    expect(sc.detection!.undetectedImpact).toBe(false);
    expect(sc.objectives.find((o) => o.sli === 'undetected_impact')).toMatchObject({ verdict: 'met', measured: 0 });
    const valid = new Ajv({ strict: false, validateFormats: false }).compile(scorecardSchema);
    expect(valid(sc), JSON.stringify(valid.errors)).toBe(true);
  });

  it('reports an expected alert still pending at the end with its projected firing time, marked projected', () => {
    const sc = score(watch([obs({ alertname: 'RecsysUpstreamDown', severity: 'ticket', forS: 60, pendingAt: iso(11_000) })]));
    expect(sc.timeToDetectS).toBe(61);
    expect(sc.detection!.projected).toBe(true);
    expect(sc.detectedBy).toBe('alert RecsysUpstreamDown (ticket) pending since +1 s, projected to fire at +61 s');
    // 61 s is beyond a 1 min bound.
    expect(sc.objectives.find((o) => o.sli === 'undetected_impact')).toMatchObject({ verdict: 'missed', measured: 1 });
    expect(score(watch([obs({ alertname: 'RecsysUpstreamDown', severity: 'ticket', forS: 60, pendingAt: iso(11_000) })]), runbook({}, '2m')).objectives.find((o) => o.sli === 'undetected_impact')).toMatchObject({ verdict: 'met' });
    expect(renderReport(sc)).toMatch(/61\.0 s<\/b> <b>\(projected\)<\/b>/);
  });

  it('does not count a projection of an alert that was already pending before the fault', () => {
    const sc = score(watch([
      obs({ alertname: 'RecsysUpstreamDown', severity: 'ticket', forS: 60, pendingAt: iso(4_000) }),
    ]), runbook({}, '5m'));
    expect(sc.timeToDetectS).toBeNull();
    expect(sc.detection!.undetectedImpact).toBe(true);
  });

  it('matches severity: a ticket rule of a page-expected alert does not detect', () => {
    const sc = score(watch([obs({ alertname: 'RecsysAvailabilityBurnRate', severity: 'ticket', pendingAt: iso(12_000), firingAt: iso(12_000) })]));
    expect(sc.timeToDetectS).toBeNull();
    expect(sc.detection!.undetectedImpact).toBe(true);
    expect(sc.status).toBe('failed');
  });

  it('calls impact nobody was told about undetected, and an expected alert firing in the baseline noise (not a detection)', () => {
    const sc = score(watch([obs({ alertname: 'RecsysAvailabilityBurnRate', severity: 'page', pendingAt: iso(2_000), firingAt: iso(2_000), firedInBaseline: true })]));
    expect(sc.timeToDetectS).toBeNull();
    expect(sc.detection!.impact[0]).toMatch(/availability or p99 latency outside the objective/);
    expect(sc.detection!.noise).toEqual(['alert RecsysAvailabilityBurnRate (page)']);
    expect(sc.objectives.find((o) => o.sli === 'alert_noise')).toMatchObject({ verdict: 'missed', measured: 1 });
    expect(sc.objectives.find((o) => o.sli === 'undetected_impact')).toMatchObject({ verdict: 'missed', measured: 1 });
  });

  it('does not call a fault without impact undetected', () => {
    const sc = score(watch([]), runbook(), healthy);
    expect(sc.detection!.impact).toEqual([]);
    expect(sc.objectives.find((o) => o.sli === 'undetected_impact')).toMatchObject({ verdict: 'met', measured: 0 });
  });

  it('without Prometheus says so, falls back to the metric signal, and cannot judge detection without one', () => {
    const none: AlertWatchRecord = { prometheus: null, note: 'no Prometheus', startedAt: iso(0), alerts: [] };
    const sc = score(none);
    expect(sc.detection).toMatchObject({ source: 'none', note: 'no Prometheus' });
    expect(sc.objectives.find((o) => o.sli === 'undetected_impact')!.verdict).toBe('no-data');
    // Detection that could not be measured does not fail the drill: nothing the service did was missed.
    expect(sc.status).toBe('inconclusive');
    expect(sc.statusReason).toMatch(/could not measure "on-call told" \(no alert source: no Prometheus watched the alerts and the runbook names no metric signal\)/);
    // A missed objective still fails it, whatever could not be measured beside it.
    const strict = score(none, runbook({ objectives: [...runbook().objectives, { name: 'fault-phase availability', sli: 'availability', phase: 'fault', op: '>=', target: 0.99, weight: 1 }] }));
    expect(strict.status).toBe('failed');
    expect(strict.statusReason).toMatch(/fault-phase availability/);
    const withSignal = score(none, runbook({ detection: [{ kind: 'metric', target: 'gateway', metric: 'gateway_upstream_up', expect: { op: '<', value: 3 } }] }));
    const j = fakeJournal({ alerts: none, detection: { signal: 'gateway_upstream_up < 3 at gateway', at: iso(12_500) } });
    const sc2 = computeScorecard({ journal: j, load: failing.load, outcome: failing.outcome, runbook: runbook({ detection: [{ kind: 'metric', target: 'gateway', metric: 'gateway_upstream_up', expect: { op: '<', value: 3 } }] }), slo: SLO });
    expect(withSignal.objectives.find((o) => o.sli === 'undetected_impact')).toMatchObject({ verdict: 'missed' });
    expect(sc2.timeToDetectS).toBe(2.5);
    expect(sc2.detectedBy).toBe('gateway_upstream_up < 3 at gateway');
    expect(sc2.objectives.find((o) => o.sli === 'undetected_impact')).toMatchObject({ verdict: 'met' });
  });
});

describe('alert watch: folding Prometheus rule states', () => {
  const rule = (state: 'pending' | 'firing' | null, activeAt = '2026-01-01T00:00:10.000Z') => [
    { type: 'alerting' as const, name: 'RecsysUpstreamDown', duration: 60, labels: { severity: 'ticket' }, alerts: state ? [{ labels: { replica: 'r1' }, state, activeAt }] : [] },
  ];
  it('records pending at activeAt, firing at activeAt + for, resolved when no longer active, and baseline firing as such', () => {
    const m = new Map<string, AlertObservation>();
    foldRules(m, rule('pending'), new Date('2026-01-01T00:00:12Z'), true);
    expect([...m.values()][0]).toMatchObject({ alertname: 'RecsysUpstreamDown', severity: 'ticket', forS: 60, pendingAt: '2026-01-01T00:00:10.000Z', firingAt: null });
    foldRules(m, rule('firing'), new Date('2026-01-01T00:01:11Z'), true);
    expect([...m.values()][0].firingAt).toBe('2026-01-01T00:01:10.000Z');
    foldRules(m, rule(null), new Date('2026-01-01T00:01:20Z'), true);
    expect([...m.values()][0]).toMatchObject({ resolvedAt: '2026-01-01T00:01:20.000Z', firedInBaseline: false });
    const b = new Map<string, AlertObservation>();
    foldRules(b, rule('firing'), new Date('2026-01-01T00:01:11Z'), false);
    expect([...b.values()][0].firedInBaseline).toBe(true);
  });
});
