import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteGameDayStore } from '../store.js';
import { ManualClock } from '../clock.js';
import { startReceiver } from '../__fixtures__/receiver.js';
import type { ReceiverConfig } from '../config.js';
import { Notifier } from './Notifier.js';
import type { Note } from './payloads.js';

const note: Note = { event: 'failed', service: 'recsys-reference', runbook: 'one-replica-fails', drillId: 'd-1', summary: 'drill d-1 failed: score 40', details: { score: '40' }, at: '2026-12-06T10:00:00.000Z' };
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function notifier(receivers: ReceiverConfig[], extra: { maxAttempts?: number; timeoutMs?: number } = {}) {
  const store = new SqliteGameDayStore(':memory:');
  const n = new Notifier({ receivers, maxAttempts: extra.maxAttempts ?? 4, backoffMs: 50, timeoutMs: extra.timeoutMs ?? 5000, externalURL: 'http://drillbook.test', store, clock: new ManualClock(Date.parse(note.at)), log: () => {} });
  cleanups.push(async () => (await n.close(100), await store.close()));
  return n;
}

const until = async <T>(what: string, f: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('Notifier', () => {
  it('sends an Alertmanager v4 webhook that a real receiver gets, retried after the receiver failed once', async () => {
    const rx = await startReceiver({ failFirst: 1 });
    cleanups.push(rx.close);
    const n = notifier([{ name: 'team-am', kind: 'alertmanager', url: `${rx.url}/am` }]);
    n.send(note);
    const [d] = await until('delivered', async () => (await n.deliveries()).find((x) => x.state === 'delivered') && n.deliveries());
    expect(d).toMatchObject({ receiver: 'team-am', state: 'delivered', attempts: 2, lastStatus: 200, event: 'failed' });
    expect(rx.received.map((r) => r.status)).toEqual([503, 200]);
    const body = JSON.parse(rx.received[1]!.body);
    expect(body).toMatchObject({ version: '4', receiver: 'team-am', status: 'firing' });
    const [a] = body.alerts;
    expect(a.labels).toMatchObject({ alertname: 'DrillbookGameDay', event: 'failed', service: 'recsys-reference', runbook: 'one-replica-fails', drill: 'd-1' });
    expect(a.annotations.summary).toBe(note.summary);
    expect(a.startsAt).toBe(note.at);
    expect(a.endsAt).toBe('0001-01-01T00:00:00Z');
    expect(a.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(rx.received[0]!.body).toBe(rx.received[1]!.body);
  });

  it('signs a generic webhook with HMAC-SHA256 of the exact body and sends Slack incoming-webhook JSON', async () => {
    const rx = await startReceiver();
    cleanups.push(rx.close);
    const n = notifier([
      { name: 'hook', kind: 'webhook', url: `${rx.url}/hook`, secret: 's3cret' },
      { name: 'slack', kind: 'slack', url: `${rx.url}/slack`, events: ['failed'] },
      { name: 'only-passed', kind: 'slack', url: `${rx.url}/never`, events: ['passed'] },
    ]);
    n.send(note);
    await until('two deliveries', async () => (await n.deliveries()).filter((x) => x.state === 'delivered').length === 2);
    const hook = rx.received.find((r) => r.path === '/hook')!;
    expect(hook.headers['x-drillbook-signature']).toBe(`sha256=${createHmac('sha256', 's3cret').update(hook.body).digest('hex')}`);
    expect(JSON.parse(hook.body)).toMatchObject({ event: 'failed', drillId: 'd-1', service: 'recsys-reference' });
    const slack = JSON.parse(rx.received.find((r) => r.path === '/slack')!.body);
    expect(slack.text).toContain('drill d-1 failed');
    expect(slack.blocks[0].type).toBe('section');
    expect(rx.received.some((r) => r.path === '/never')).toBe(false);
  });

  it('never blocks the sender on a dead receiver and records the failure after the last attempt', async () => {
    const rx = await startReceiver();
    await rx.close(); // nothing listens on this port any more
    const n = notifier([{ name: 'dead', kind: 'alertmanager', url: `${rx.url}/am` }], { maxAttempts: 3 });
    const t0 = performance.now();
    n.send(note);
    expect(performance.now() - t0).toBeLessThan(1000); // send() returns before any attempt finishes
    const [d] = await until('failed', async () => ((await n.deliveries())[0]?.state === 'failed' ? n.deliveries() : undefined));
    expect(d).toMatchObject({ state: 'failed', attempts: 3, lastStatus: null });
    expect(d!.lastError).toBeTruthy();
  });
});
