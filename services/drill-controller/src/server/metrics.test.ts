import { describe, expect, it } from 'vitest';
import type { Scorecard } from '@drillbook/contracts';
import { DrillMetrics } from './metrics.js';

const card = (over: Partial<Scorecard> & { ttr?: number | null } = {}): Scorecard =>
  ({
    service: 'recsys-reference',
    runbook: { name: 'replica-loss', title: 'x', sha256: 'x' },
    status: 'passed',
    score: 92.5,
    timeToRecoverS: over.ttr === undefined ? 0.8 : over.ttr,
    timeToDetectS: 1.5,
    interruptionS: 0.3,
    durationS: 60,
    endedAt: '2026-01-01T12:00:00.000Z',
    errorBudget: { consumed: 0.004 },
    quality: { ndcgRatio: 0.97 },
    objectives: [
      { name: 'no failed requests', credit: 1 },
      { name: 'p99', credit: 0.5 },
    ],
    ...over,
  }) as unknown as Scorecard;

const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ').at(-1)) : undefined;
};

describe('drill metrics', () => {
  it('exports the latest result of a runbook with a one-hot status', async () => {
    const m = new DrillMetrics({ processMetrics: false });
    m.started('recsys-reference', 'replica-loss');
    expect(value(await m.text(), 'drillbook_drill_in_progress{service="recsys-reference",runbook="replica-loss"}')).toBe(1);
    m.result(card());
    const t = await m.text();
    const l = '{service="recsys-reference",runbook="replica-loss"}';
    expect(value(t, `drillbook_drill_score${l}`)).toBe(92.5);
    expect(value(t, `drillbook_time_to_recover_seconds${l}`)).toBe(0.8);
    expect(value(t, `drillbook_time_to_detect_seconds${l}`)).toBe(1.5);
    expect(value(t, `drillbook_error_budget_consumed_ratio${l}`)).toBe(0.004);
    expect(value(t, `drillbook_drill_in_progress${l}`)).toBe(0);
    expect(value(t, 'drillbook_drill_status{service="recsys-reference",runbook="replica-loss",status="passed"}')).toBe(1);
    expect(value(t, 'drillbook_drill_status{service="recsys-reference",runbook="replica-loss",status="failed"}')).toBe(0);
    expect(value(t, 'drillbook_drill_objective_credit_ratio{service="recsys-reference",runbook="replica-loss",objective="p99"}')).toBe(0.5);
  });

  it('drops a figure the next drill did not measure instead of keeping the old one or exporting zero', async () => {
    const m = new DrillMetrics({ processMetrics: false });
    m.result(card());
    m.result(card({ status: 'failed', score: 40, ttr: null, objectives: [{ name: 'no failed requests', credit: 0 }] as Scorecard['objectives'] }));
    const t = await m.text();
    expect(t).not.toContain('drillbook_time_to_recover_seconds{');
    expect(t).not.toContain('objective="p99"');
    expect(value(t, 'drillbook_drill_status{service="recsys-reference",runbook="replica-loss",status="failed"}')).toBe(1);
    expect(value(t, 'drillbook_drill_status{service="recsys-reference",runbook="replica-loss",status="passed"}')).toBe(0);
    expect(value(t, 'drillbook_drills_finished_total{service="recsys-reference",runbook="replica-loss",status="failed"}')).toBe(1);
  });
});
