// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DrillbookApiError } from '@drillbook/client';
import type { DrillEvent } from '@drillbook/contracts';
import { createDrillbookClient } from './drillbookApi';
import { describeDrillbookError } from './errors';
import { closedPortUrl, startTestServer, TestServer } from './testing/httpServer';
import { makeEvent, makeService } from './__fixtures__/controller';

// The shared client's own suite (services/client) covers SSE parsing, reconnects and error mapping;
// these tests cover the Backstage wiring: discovery + proxy path, fetchApi, direct URL, the panels' texts.

const discoveryFor = (base: string) => ({ getBaseUrl: vi.fn(async (pluginId: string) => `${base}/api/${pluginId}`) });
const realFetch = { fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init) };

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function sse(events: DrillEvent[]): string {
  return events.map(e => `id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');
}

describe('the Backstage-hosted client', () => {
  it('reaches the controller API through the Backstage proxy endpoint', async () => {
    server = await startTestServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ items: [makeService()] }));
    });
    const client = createDrillbookClient({ discoveryApi: discoveryFor(server.url), fetchApi: realFetch });
    const services = await client.listServices();
    expect(services.map(s => s.id)).toEqual(['recsys-reference']);
    expect(server.requests[0].url).toBe('/api/proxy/drillbook/api/v1/services');
  });

  it('calls the Drillbook backend plugin (/api/drillbook) instead of the proxy when drillbook.useBackendPlugin is set', async () => {
    server = await startTestServer((_req, res) => res.end(JSON.stringify({ subject: 'alice via backstage', role: 'operator', services: ['recsys-reference'], person: 'user:default/alice' })));
    const client = createDrillbookClient({ discoveryApi: discoveryFor(server.url), fetchApi: realFetch, useBackendPlugin: true });
    await expect(client.me()).resolves.toMatchObject({ subject: 'alice via backstage' });
    expect(server.requests[0].url).toBe('/api/drillbook/api/v1/me');
  });

  it('uses drillbook.baseUrl directly when it is configured', async () => {
    server = await startTestServer((_req, res) => res.end(JSON.stringify({ subject: 's', role: 'viewer', services: [] })));
    const discoveryApi = discoveryFor('http://backstage.invalid');
    const client = createDrillbookClient({ discoveryApi, fetchApi: realFetch, baseUrl: server.url });
    await expect(client.me()).resolves.toMatchObject({ role: 'viewer' });
    expect(server.requests[0].url).toBe('/api/v1/me');
    expect(discoveryApi.getBaseUrl).not.toHaveBeenCalled();
  });

  it('sends a dry-run start as JSON and passes drill query filters', async () => {
    server = await startTestServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(req.method === 'POST' ? JSON.stringify({ drill: { id: 'd1' }, plan: { runbook: 'replica-crash' } }) : JSON.stringify({ items: [] }));
    });
    const client = createDrillbookClient({ discoveryApi: discoveryFor(server.url), fetchApi: realFetch, proxyPath: '/sre-drillbook' });
    await client.startDrill({ runbook: 'replica-crash', service: 'recsys-reference', dryRun: true });
    await client.listDrills({ service: 'recsys reference', state: 'running', limit: 5 });
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/api/proxy/sre-drillbook/api/v1/drills' });
    expect(server.requests[0].headers['content-type']).toBe('application/json');
    expect(JSON.parse(server.requests[0].body)).toEqual({ runbook: 'replica-crash', service: 'recsys-reference', dryRun: true });
    expect(server.requests[1].url).toBe('/api/proxy/sre-drillbook/api/v1/drills?service=recsys+reference&state=running&limit=5');
  });

  it('turns a controller error body into an error that carries the controller message', async () => {
    server = await startTestServer((_req, res) => {
      res.statusCode = 403;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ error: 'role viewer may not start drills', field: 'runbook' }));
    });
    const client = createDrillbookClient({ discoveryApi: discoveryFor(server.url), fetchApi: realFetch });
    const error = await client.startDrill({ runbook: 'replica-crash' }).catch(e => e);
    expect(error).toBeInstanceOf(DrillbookApiError);
    expect(error).toMatchObject({ status: 403, kind: 'forbidden', origin: 'controller', message: 'role viewer may not start drills (field runbook)' });
    expect(describeDrillbookError(error)).toMatchObject({ title: 'Not allowed', message: expect.stringContaining('role viewer may not start drills') });
  });

  it('reports a proxy 502 as an unreachable controller', async () => {
    server = await startTestServer((_req, res) => {
      res.statusCode = 502;
      res.end('connect ECONNREFUSED 127.0.0.1:7070');
    });
    const client = createDrillbookClient({ discoveryApi: discoveryFor(server.url), fetchApi: realFetch });
    const error = await client.getService('recsys-reference').catch(e => e);
    expect(describeDrillbookError(error)).toMatchObject({ title: 'Drillbook controller unreachable', message: expect.stringContaining('ECONNREFUSED') });
  });

  it('names the URL it could not reach when nothing listens', async () => {
    const base = await closedPortUrl();
    const client = createDrillbookClient({ discoveryApi: discoveryFor(base), fetchApi: realFetch });
    const error = await client.listServices().catch(e => e);
    expect(error).toMatchObject({ status: 0, kind: 'unreachable' });
    expect(error.message).toContain(`${base}/api/proxy/drillbook/api/v1/services`);
    expect(describeDrillbookError(error).title).toBe('Drillbook controller unreachable');
  });

  it('says what was invalid when the controller answers 400', async () => {
    server = await startTestServer((_req, res) => {
      res.statusCode = 400;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ error: 'quick must be a boolean', field: 'quick' }));
    });
    const client = createDrillbookClient({ discoveryApi: discoveryFor(server.url), fetchApi: realFetch });
    const error = await client.startDrill({ runbook: 'replica-crash' }).catch(e => e);
    expect(describeDrillbookError(error)).toEqual({ status: 400, title: 'Invalid request', message: 'The controller refused the request as invalid (400): quick must be a boolean (field quick)' });
  });

  it('resolves report paths behind the proxy, and keeps a missing report missing', async () => {
    const client = createDrillbookClient({ discoveryApi: discoveryFor('http://bs:7007'), fetchApi: realFetch });
    const base = 'http://bs:7007/api/proxy/drillbook';
    await expect(client.reportUrl({ id: 'd1', reportUrl: '/api/v1/drills/d1/report' })).resolves.toBe(`${base}/api/v1/drills/d1/report`);
    await expect(client.reportUrl({ id: 'd1', reportUrl: 'drills/d1/report' })).resolves.toBe(`${base}/api/v1/drills/d1/report`);
    await expect(client.reportUrl({ id: 'd 1', reportUrl: null })).resolves.toBeNull();
  });
});

describe('following a drill through the Backstage proxy', () => {
  it('delivers the stream events in order and stops at the end event', async () => {
    const events = [makeEvent(1, { type: 'state', data: { status: 'running' } }), makeEvent(2, { type: 'phase', phase: 'method' }), makeEvent(3, { type: 'end', data: { status: 'passed' } })];
    server = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': hello\n\n');
      res.write(sse(events));
      // The controller keeps the connection open; the client must stop on `end` by itself.
    });
    const client = createDrillbookClient({ discoveryApi: discoveryFor(server.url), fetchApi: realFetch });
    const seen: DrillEvent[] = [];
    await expect(client.followDrill('drl_02', { onEvent: e => seen.push(e) })).resolves.toBe('ended');
    expect(seen.map(e => e.seq)).toEqual([1, 2, 3]);
    expect(server.requests[0].url).toBe('/api/proxy/drillbook/api/v1/drills/drl_02/events');
    expect(server.requests[0].headers.accept).toBe('text/event-stream');
  });

  it('reconnects with Last-Event-ID after a dropped stream and never repeats an event', async () => {
    let connection = 0;
    server = await startTestServer((_req, res) => {
      connection += 1;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (connection === 1) {
        res.write('retry: 10\n\n');
        res.end(sse([makeEvent(1), makeEvent(2)]));
        return;
      }
      // A server that replays from the start regardless: the client must skip what it has seen.
      res.end(sse([makeEvent(1), makeEvent(2), makeEvent(3), makeEvent(4, { type: 'end' })]));
    });
    const client = createDrillbookClient({ discoveryApi: discoveryFor(server.url), fetchApi: realFetch, reconnectDelayMs: 10 });
    const seen: number[] = [];
    await expect(client.followDrill('drl_02', { onEvent: e => seen.push(e.seq) })).resolves.toBe('ended');
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(connection).toBe(2);
    expect(server.requests[0].headers['last-event-id']).toBeUndefined();
    expect(server.requests[1].headers['last-event-id']).toBe('2');
  });

  it('gives up with a clear error when the stream keeps dropping without progress', async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(': nothing\n\n');
    });
    const client = createDrillbookClient({ discoveryApi: discoveryFor(server.url), fetchApi: realFetch, reconnectDelayMs: 5 });
    await expect(client.followDrill('drl_02', { onEvent: () => undefined, maxReconnects: 2 })).rejects.toThrow(
      /lost the event stream of drill drl_02 3 times in a row without a new event/,
    );
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a drill the controller does not know', async () => {
    server = await startTestServer((_req, res) => {
      res.statusCode = 404;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ error: 'unknown drill "nope"' }));
    });
    const client = createDrillbookClient({ discoveryApi: discoveryFor(server.url), fetchApi: realFetch, reconnectDelayMs: 5 });
    const error = await client.followDrill('nope', { onEvent: () => undefined }).catch(e => e);
    expect(error).toMatchObject({ status: 404, kind: 'not-found' });
    expect(server.requests).toHaveLength(1);
  });

  it('stops following, without error, when its signal aborts', async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse([makeEvent(1)]));
    });
    const client = createDrillbookClient({ discoveryApi: discoveryFor(server.url), fetchApi: realFetch });
    const controller = new AbortController();
    const following = client.followDrill('drl_02', { signal: controller.signal, onEvent: () => controller.abort() });
    await expect(following).resolves.toBe('cancelled');
  });
});
