import { describe, expect, it } from 'vitest';
import type { DrillEvent } from '@drillbook/contracts';
import { DrillbookApiError } from '@drillbook/client';
import { createFakeController } from './__fixtures__/fakeController';
import { describeError } from './components/describeError';
import { createDrillbookClient, reportHref } from './drillbookApi';

// The shared client's own suite (services/client) covers SSE, reconnects and error mapping against a
// real server; these tests cover the Grafana wiring: the plugin-proxy route, Grafana's refusals.
const client = (fetchFn: typeof fetch, maxReconnects = 5) => createDrillbookClient({ fetch: fetchFn, sleep: async () => undefined, maxReconnects });

describe('the Grafana-hosted client', () => {
  it('calls the controller through the app plugin-proxy route', async () => {
    const fake = createFakeController();
    const items = await client(fake.fetch).listDrills({ service: 'recsys-reference', limit: 5 });
    expect(items.map((d) => d.id)).toContain('drl_20251120_140000_a1b2');
    expect(fake.calls[0]).toMatchObject({ method: 'GET', path: '/drills?service=recsys-reference&limit=5' });
    expect(fake.calls[0].headers.authorization).toBeUndefined(); // the proxy adds the token, not the browser
  });

  it('turns a controller error body into an error naming the field', async () => {
    const fake = createFakeController();
    const err = await client(fake.fetch).startDrill({ runbook: 'no-such-runbook' }).catch((e) => e);
    expect(err).toBeInstanceOf(DrillbookApiError);
    expect(err).toMatchObject({ status: 404, origin: 'controller', kind: 'not-found', message: 'unknown runbook "no-such-runbook" (field runbook)' });
  });

  it("tells Grafana's route refusal apart from the controller's", async () => {
    const grafana = await client(createFakeController({ grafanaRole: 'Viewer' }).fetch).abortDrill('x').catch((e) => e);
    expect(grafana).toMatchObject({ status: 403, origin: 'proxy' });
    expect(describeError(grafana, 'abort the drill').title).toBe('Your Grafana role may not abort the drill');
    const controller = await client(createFakeController({ tokenRole: 'viewer', liveDrill: true }).fetch).abortDrill('drl_live_0002').catch((e) => e);
    expect(controller).toMatchObject({ status: 403, origin: 'controller' });
    expect(describeError(controller, 'abort the drill').title).toBe('The controller refused to abort the drill');
  });

  it('reports a body that is not JSON with the path and status', async () => {
    const html = async () => new Response('<html>login</html>', { status: 200, headers: { 'Content-Type': 'text/html' } });
    await expect(client(html as unknown as typeof fetch).me()).rejects.toThrow('GET /api/plugin-proxy/drillbook-gameday-app/api/me answered 200 with a body that is not JSON: <html>login</html>');
  });

  it('maps the report link of a drill onto the proxy route', () => {
    expect(reportHref({ id: 'd1', reportUrl: '/api/v1/drills/d1/report' })).toBe('/api/plugin-proxy/drillbook-gameday-app/api/drills/d1/report');
    expect(reportHref({ id: 'd1', reportUrl: null })).toBeNull();
  });
});

describe('following a drill through the plugin proxy', () => {
  it('follows the stream to the end event', async () => {
    const fake = createFakeController({ liveDrill: true });
    const seen: DrillEvent[] = [];
    const how = await client(fake.fetch).followDrill('drl_live_0002', { onEvent: (e) => seen.push(e) });
    expect(how).toBe('ended');
    expect(seen.map((e) => e.seq)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(seen.at(-1)?.type).toBe('end');
  });

  it('reconnects with Last-Event-ID after a dropped stream and delivers every event once', async () => {
    const fake = createFakeController({ liveDrill: true, dropStreamAfter: 5 });
    const seen: number[] = [];
    let reconnects = 0;
    await client(fake.fetch).followDrill('drl_live_0002', { onEvent: (e) => seen.push(e.seq), onReconnect: () => reconnects++ });
    expect(seen).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(reconnects).toBe(3);
    const lastIds = fake.calls.filter((c) => c.path.endsWith('/events')).map((c) => c.headers['last-event-id'] ?? null);
    expect(lastIds).toEqual([null, '5', '10', '15']);
  });

  it('does not retry an unknown drill', async () => {
    const fake = createFakeController();
    await expect(client(fake.fetch).followDrill('nope', { onEvent: () => undefined })).rejects.toMatchObject({ status: 404 });
    expect(fake.calls.filter((c) => c.path.endsWith('/events'))).toHaveLength(1);
  });

  it('gives up after the configured number of failed reconnections', async () => {
    const fake = createFakeController({ liveDrill: true, unreachable: true });
    await expect(client(fake.fetch, 2).followDrill('drl_live_0002', { onEvent: () => undefined })).rejects.toThrow(
      'lost the event stream of drill drl_live_0002 3 times in a row'
    );
  });

  it('stops quietly when the page aborts the follow', async () => {
    const fake = createFakeController({ liveDrill: true, eventDelayMs: 50 });
    const ctrl = new AbortController();
    const seen: number[] = [];
    const done = client(fake.fetch).followDrill('drl_live_0002', {
      signal: ctrl.signal,
      onEvent: (e) => {
        seen.push(e.seq);
        if (e.seq === 2) {
          ctrl.abort();
        }
      },
    });
    await expect(done).resolves.toBe('cancelled');
    expect(seen.length).toBeLessThan(16);
  });
});
