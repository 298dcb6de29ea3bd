import { describe, expect, it } from 'vitest';
import type { DrillEvent } from '@drillbook/contracts';
import { fixtures } from '../__fixtures__/fixtures';
import { applyEvent, initialProgress } from './drillProgress';

const ev = (seq: number, type: DrillEvent['type'], extra: Partial<DrillEvent> = {}): DrillEvent => ({
  seq,
  drillId: 'd',
  at: '2025-11-23T10:00:00.000Z',
  type,
  message: `${type} ${seq}`,
  ...extra,
});

describe('applyEvent', () => {
  it('folds the recorded stream into the final state, the phases seen and the last load figures', () => {
    const p = fixtures.eventsPassed().reduce(applyEvent, initialProgress);
    expect(p.state).toBe('passed');
    expect(p.ended).toBe(true);
    expect(p.phasesSeen).toEqual(['preflight', 'steady-state-before', 'method', 'steady-state-after', 'rollback', 'scorecard']);
    expect(p.load).toMatchObject({ loadPhase: 'recovery', requests: 5000, errors: 3, p99Ms: 66 });
    expect(p.faults).toEqual(['process.kill on r1']);
    expect(p.detection).toBe('alert DrillbookReplicaDown firing after 42s');
  });

  it('takes the final status from the end event when no state event announced it', () => {
    const p = [ev(1, 'state', { data: { status: 'running' } }), ev(2, 'end', { data: { status: 'failed' } })].reduce(applyEvent, initialProgress);
    expect(p.state).toBe('failed');
  });

  it('ends in inconclusive when the end event says so (the samples could not decide an objective)', () => {
    const p = [ev(1, 'state', { data: { status: 'running' } }), ev(2, 'end', { data: { status: 'inconclusive' } })].reduce(applyEvent, initialProgress);
    expect(p.state).toBe('inconclusive');
    expect(p.ended).toBe(true);
  });

  it('ignores a status that is not a drill state', () => {
    const p = [ev(1, 'state', { data: { status: 'running' } }), ev(2, 'state', { data: { status: 'aborting' } })].reduce(applyEvent, initialProgress);
    expect(p.state).toBe('running');
  });

  it('keeps at most the last 500 events', () => {
    const p = Array.from({ length: 620 }, (_, i) => ev(i + 1, 'log')).reduce(applyEvent, initialProgress);
    expect(p.events).toHaveLength(500);
    expect(p.events[0].seq).toBe(121);
  });
});
