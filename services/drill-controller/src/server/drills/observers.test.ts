import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DrillEvent, Scorecard } from '@drillbook/contracts';
import { GrafanaAnnotator } from '../grafana.js';
import { DrillMetrics } from '../metrics.js';
import { grafanaObserver, metricsObserver, notify, type DrillLifecycleObserver } from './observers.js';

const drill = { id: '20260101T120000-replica-loss-abc123', service: 'recsys-reference', runbook: 'replica-loss', requestedBy: 'alice' };
const L = `{service="recsys-reference",runbook="replica-loss"}`;
const card = {
  service: 'recsys-reference',
  runbook: { name: 'replica-loss', title: 'x', sha256: 'x' },
  status: 'failed',
  statusReason: 'p99 over objective',
  score: 71,
  timeToRecoverS: 2,
  timeToDetectS: 1,
  interruptionS: 0.5,
  durationS: 60,
  startedAt: '2026-01-01T12:00:00.000Z',
  endedAt: '2026-01-01T12:01:00.000Z',
  errorBudget: { consumed: 0.01 },
  quality: { ndcgRatio: 0.9 },
  objectives: [{ name: 'p99', credit: 0.5 }],
} as unknown as Scorecard;
const ev = (over: Partial<DrillEvent>): DrillEvent => ({ seq: 1, drillId: drill.id, at: '2026-01-01T12:00:10.000Z', type: 'log', message: 'x', ...over }) as DrillEvent;

const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ').at(-1)) : undefined;
};

describe('the metrics observer', () => {
  it('marks a drill in progress at start and publishes its scorecard at the end', async () => {
    const m = new DrillMetrics({ processMetrics: false });
    const o = metricsObserver(m);
    o.started!(drill, Date.now());
    expect(value(await m.text(), `drillbook_drill_in_progress${L}`)).toBe(1);
    o.scored!(drill, card);
    const text = await m.text();
    expect(value(text, `drillbook_drill_in_progress${L}`)).toBe(0);
    expect(value(text, `drillbook_drill_score${L}`)).toBe(71);
    expect(value(text, `drillbook_drill_status{service="recsys-reference",runbook="replica-loss",status="failed"}`)).toBe(1);
  });

  it('records a drill that ended without a scorecard as aborted, and the emergency stop', async () => {
    const m = new DrillMetrics({ processMetrics: false });
    const o = metricsObserver(m);
    o.started!(drill, Date.now());
    o.endedWithout!(drill, 'aborted', 'target unreachable');
    o.emergencyStop!(true);
    const text = await m.text();
    expect(value(text, `drillbook_drill_in_progress${L}`)).toBe(0);
    expect(value(text, `drillbook_drill_status{service="recsys-reference",runbook="replica-loss",status="aborted"}`)).toBe(1);
    expect(value(text, 'drillbook_emergency_stop_active')).toBe(1);
  });

  it('records a drill interrupted by a controller restart (recovery) as interrupted', async () => {
    const m = new DrillMetrics({ processMetrics: false });
    metricsObserver(m).endedWithout!(drill, 'interrupted', 'the controller stopped mid-drill');
    const text = await m.text();
    expect(value(text, `drillbook_drill_status{service="recsys-reference",runbook="replica-loss",status="interrupted"}`)).toBe(1);
    expect(value(text, `drillbook_drill_status{service="recsys-reference",runbook="replica-loss",status="aborted"}`)).toBe(0);
  });
});

describe('the Grafana observer', () => {
  const received: Array<{ text: string; tags: string[]; time: number; timeEnd?: number }> = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    received.push(JSON.parse(body) as never);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"id":1}');
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    received.length = 0;
  });

  it('annotates the start, each fault, the recovery phase and the verdict, and nothing else', async () => {
    const g = new GrafanaAnnotator({ url, token: 't' });
    const o = grafanaObserver(g);
    o.started!(drill, 1_000);
    o.event!(drill, ev({ type: 'log', message: 'just a log line' }));
    o.event!(drill, ev({ type: 'fault', message: 'SIGKILL r1' }));
    o.event!(drill, ev({ type: 'phase', phase: 'method', message: 'phase', data: { loadPhase: 'fault' } }));
    o.event!(drill, ev({ type: 'phase', phase: 'method', message: 'phase', data: { loadPhase: 'recovery' } }));
    o.scored!(drill, card);
    await g.flush();
    expect(received.map((r) => [r.tags.find((t) => t.startsWith('drill-')), r.text])).toEqual([
      ['drill-start', 'Drill replica-loss started on recsys-reference by alice'],
      ['drill-fault', 'Drill replica-loss: SIGKILL r1'],
      ['drill-recovery', 'Drill replica-loss: recovery phase begins'],
      ['drill-end', 'Drill replica-loss on recsys-reference: failed, score 71 — p99 over objective'],
    ]);
    expect(received[3]).toMatchObject({ time: Date.parse(card.startedAt), timeEnd: Date.parse(card.endedAt) });
  });
});

describe('notify', () => {
  it('tells every observer, logs one that throws and goes on with the others', () => {
    const seen: string[] = [];
    const logs: string[] = [];
    const observers: DrillLifecycleObserver[] = [
      { started: () => seen.push('first') },
      {
        started: () => {
          throw new Error('boom');
        },
      },
      {},
      { started: (d) => seen.push(`third saw ${d.id}`) },
    ];
    notify(observers, (l) => logs.push(l), 'started', drill, 0);
    expect(seen).toEqual(['first', `third saw ${drill.id}`]);
    expect(logs).toEqual(['drill observer failed on started: boom']);
  });
});
