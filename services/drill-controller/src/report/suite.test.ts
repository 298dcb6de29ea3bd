/** The game-day suite report shows each drill's alert timeline beside its time to detect. */
import { describe, expect, it } from 'vitest';
import { renderSuite, type Suite, type SuiteEntry } from './suite.js';

const row = (over: Partial<SuiteEntry>): SuiteEntry => ({
  runbook: 'overload',
  title: 'Overload',
  status: 'passed',
  score: 100,
  time_to_recover_s: 0,
  time_to_detect_s: 2.52,
  detected_by: 'alert RecsysAvailabilityBurnRate (page) firing',
  error_budget_consumed: 0.001,
  ndcg_ratio: 1,
  status_reason: 'every objective met',
  duration_s: 20,
  report: 'overload/report.html',
  scorecard: 'overload/scorecard.json',
  ...over,
});
const suite = (drills: SuiteEntry[]): Suite => ({ schemaVersion: 1, startedAt: '2026-12-06T20:00:00Z', durationS: 30, quick: true, passed: drills.length, total: drills.length, drills, flipping: [] });
const cell = (html: string, runbook: string) => /<td class="alerts" data-testid="alerts-[^"]+">(.*?)<\/td>/.exec(html.split(`data-testid="drill-${runbook}"`)[1] ?? '')?.[1] ?? '';

describe('suite report alert timeline', () => {
  it('lists every alert with its times from the fault, expected alerts first and starred, projections marked', () => {
    const html = renderSuite(
      suite([
        row({
          alerts: [
            { alertname: 'RecsysInputDriftKl', severity: 'ticket', expected: false, forS: 300, pendingS: -0.68, firingS: null, projectedFiringS: null, resolvedS: 4, firedInBaseline: false },
            { alertname: 'RecsysAvailabilityBurnRate', severity: 'page', expected: true, forS: 0, pendingS: 2.52, firingS: 2.52, projectedFiringS: null, resolvedS: null, firedInBaseline: false },
            { alertname: 'RecsysFallbackRateHigh', severity: 'ticket', expected: true, forS: 120, pendingS: 1.06, firingS: null, projectedFiringS: 121.06, resolvedS: null, firedInBaseline: false },
          ],
        }),
      ]),
    );
    const lines = cell(html, 'overload').split('</div>').filter(Boolean);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/★ RecsysAvailabilityBurnRate <span class="muted">page<\/span>: firing \+2\.52 s$/);
    expect(lines[1]).toMatch(/★ RecsysFallbackRateHigh .*: pending \+1\.06 s, <i>would fire \+121\.06 s<\/i>$/);
    expect(lines[2]).toMatch(/class="muted">RecsysInputDriftKl .*: pending -0\.68 s, resolved \+4 s$/);
    expect(html).toMatch(/<th>alerts \(★ expected; s from the fault\)<\/th>/);
  });

  it('says when no Prometheus watched the alerts, and when none went off', () => {
    const html = renderSuite(suite([row({ runbook: 'a' }), row({ runbook: 'b', alerts: [] })]));
    expect(cell(html, 'a')).toBe('<span class="muted">not watched</span>');
    expect(cell(html, 'b')).toBe('<span class="muted">none</span>');
  });
});
