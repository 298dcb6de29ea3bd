import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DetectionSignal, DrillJournal } from '@drillbook/contracts';
import { httpTargetApi } from './targetApi.js';
import type { DrillContext } from './context.js';
import { startDetection } from './detection.js';

// A gateway stand-in whose /metrics carries one gauge the test sets.
let value = 0;
let server: http.Server;
let url = '';
beforeAll(async () => {
  server = http.createServer((_req, res) => res.end(`# TYPE drill_signal gauge\ndrill_signal ${value}\n`));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

const signal: DetectionSignal = { kind: 'metric', target: 'gateway', metric: 'drill_signal', expect: { op: '>=', value: 1 } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function fakeContext() {
  const journal = { detection: undefined } as Partial<DrillJournal> as DrillJournal;
  const logs: string[] = [];
  const events: string[] = [];
  const ctx = {
    target: { gatewayUrl: url, api: httpTargetApi(url, 'test-token') },
    baselines: new Map(),
    signal: new AbortController().signal,
    journal: { journal, update: (f: (j: DrillJournal) => void) => f(journal) },
    events: { emit: (type: string) => events.push(type) },
    log: (l: string) => logs.push(l),
  } as unknown as DrillContext;
  return { ctx, journal, logs, events };
}

async function until(f: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('time-to-detect signals', () => {
  it('records the first signal that holds once the fault has begun', async () => {
    value = 0;
    const { ctx, journal, events } = fakeContext();
    const d = startDetection(ctx, [signal], 20);
    await sleep(100);
    d.faultStarted();
    await sleep(100);
    expect(journal.detection).toBeUndefined();
    value = 3;
    await until(() => journal.detection !== undefined);
    expect(journal.detection!.signal).toBe('drill_signal >= 1 at gateway');
    expect(events).toContain('detection');
    d.stop();
  });

  it('does not take a signal that already held before the fault for a detection, and counts it once it clears and holds again', async () => {
    value = 3;
    const { ctx, journal, logs } = fakeContext();
    const d = startDetection(ctx, [signal], 20);
    await until(() => logs.length > 0);
    expect(logs[0]).toMatch(/"drill_signal >= 1 at gateway" already holds before the fault: a false alarm/);
    d.faultStarted();
    await sleep(300);
    expect(journal.detection, 'still holding, never seen clear').toBeUndefined();
    value = 0;
    await sleep(150);
    value = 3;
    await until(() => journal.detection !== undefined);
    expect(journal.detection!.signal).toBe('drill_signal >= 1 at gateway');
    d.stop();
  });
});

describe('alert signals', () => {
  // A Prometheus stand-in whose /api/v1/alerts lists the alerts the test sets.
  let alerts: Array<{ labels: Record<string, string>; state: string }> = [];
  let answerAfterMs = 0;
  let prom: http.Server;
  let promUrl = '';
  beforeAll(async () => {
    prom = http.createServer((_req, res) => {
      setTimeout(() => res.end(JSON.stringify({ status: 'success', data: { alerts } })), answerAfterMs);
    });
    await new Promise<void>((r) => prom.listen(0, '127.0.0.1', r));
    promUrl = `http://127.0.0.1:${(prom.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => prom.close(r)));

  it('matches the severity of a Sloth alert through sloth_severity: the ticket rule firing is not the page', async () => {
    alerts = [];
    const { ctx, journal } = fakeContext();
    (ctx as unknown as { prometheusUrl: string }).prometheusUrl = promUrl;
    const page: DetectionSignal = { kind: 'alert', alertname: 'RecsysAvailabilityBurnRate', severity: 'page' };
    const d = startDetection(ctx, [page], 20);
    await sleep(100);
    d.faultStarted();
    alerts = [{ labels: { alertname: 'RecsysAvailabilityBurnRate', sloth_severity: 'ticket' }, state: 'firing' }];
    await sleep(200);
    expect(journal.detection, 'the ticket rule of the same alert name').toBeUndefined();
    alerts.push({ labels: { alertname: 'RecsysAvailabilityBurnRate', sloth_severity: 'page' }, state: 'firing' });
    await until(() => journal.detection !== undefined);
    expect(journal.detection!.signal).toBe('alert RecsysAvailabilityBurnRate (page) firing');
    d.stop();
  });

  it('still matches the severity label of a platform alert', async () => {
    alerts = [];
    const { ctx, journal } = fakeContext();
    (ctx as unknown as { prometheusUrl: string }).prometheusUrl = promUrl;
    const d = startDetection(ctx, [{ kind: 'alert', alertname: 'RecsysUpstreamDown', severity: 'ticket' }], 20);
    await sleep(100);
    d.faultStarted();
    alerts = [{ labels: { alertname: 'RecsysUpstreamDown', severity: 'ticket' }, state: 'firing' }];
    await until(() => journal.detection !== undefined);
    expect(journal.detection!.signal).toBe('alert RecsysUpstreamDown (ticket) firing');
    d.stop();
  });

  it('does not call an alert a false alarm when the poll was sent before the fault but answered after it began firing', async () => {
    alerts = [];
    answerAfterMs = 300; // a slow Prometheus: the poll in flight when the fault starts answers late
    try {
      const { ctx, journal, logs } = fakeContext();
      (ctx as unknown as { prometheusUrl: string }).prometheusUrl = promUrl;
      const d = startDetection(ctx, [{ kind: 'alert', alertname: 'RecsysUpstreamDown' }], 20);
      await sleep(100); // the first poll is waiting on its answer
      d.faultStarted();
      alerts = [{ labels: { alertname: 'RecsysUpstreamDown', severity: 'ticket' }, state: 'firing' }];
      await until(() => journal.detection !== undefined);
      expect(journal.detection!.signal).toBe('alert RecsysUpstreamDown firing');
      expect(logs.join('\n')).not.toMatch(/false alarm/);
      d.stop();
    } finally {
      answerAfterMs = 0;
    }
  });
});
