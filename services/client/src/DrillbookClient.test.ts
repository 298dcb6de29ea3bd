import type { DrillEvent } from '@drillbook/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPortUrl, json, openStream, sseEvent, startTestServer, type TestServer } from './__fixtures__/httpServer.js';
import { DrillbookClient, controllerApiBase, reportPath } from './DrillbookClient.js';
import { DrillbookApiError } from './errors.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const noWait = async () => undefined;
const client = (s: TestServer, extra: Partial<ConstructorParameters<typeof DrillbookClient>[0]> = {}) =>
  new DrillbookClient({ baseUrl: `${s.url}/api/v1`, sleep: noWait, ...extra });
const caught = async (p: Promise<unknown>): Promise<DrillbookApiError> => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DrillbookApiError);
  return e as DrillbookApiError;
};

describe('DrillbookClient REST calls', () => {
  it('calls the API root with JSON headers and the host headers, and unwraps list items', async () => {
    server = await startTestServer((_req, res) => json(res, 200, { items: [{ id: 'recsys' }] }));
    const items = await client(server, { headers: { authorization: 'Bearer t0k' } }).listServices();
    expect(items).toEqual([{ id: 'recsys' }]);
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/api/v1/services' });
    expect(server.requests[0].headers).toMatchObject({ accept: 'application/json', authorization: 'Bearer t0k' });
  });

  it('builds the drill list query and escapes path segments', async () => {
    server = await startTestServer((_req, res) => json(res, 200, { items: [] }));
    const c = client(server);
    await c.listDrills({ service: 'rec sys', state: 'inconclusive', limit: 5 });
    await c.getDrill('drl/../x');
    await c.listScorecards('recsys', 50);
    expect(server.requests.map((r) => r.url)).toEqual(['/api/v1/drills?service=rec+sys&state=inconclusive&limit=5', '/api/v1/drills/drl%2F..%2Fx', '/api/v1/services/recsys/scorecards?limit=50']);
  });

  it('posts JSON bodies to start and abort drills and to trigger the emergency stop', async () => {
    server = await startTestServer((_req, res) => json(res, 202, { ok: true }));
    const c = client(server);
    await c.startDrill({ runbook: 'replica-loss', quick: true });
    await c.abortDrill('drl_1', 'enough');
    await c.abortDrill('drl_2');
    await c.triggerEmergencyStop('incident');
    expect(server.requests.map((r) => [r.method, r.url, r.body, r.headers['content-type']])).toEqual([
      ['POST', '/api/v1/drills', '{"runbook":"replica-loss","quick":true}', 'application/json'],
      ['POST', '/api/v1/drills/drl_1/abort', '{"reason":"enough"}', 'application/json'],
      ['POST', '/api/v1/drills/drl_2/abort', '{}', 'application/json'],
      ['POST', '/api/v1/emergency-stop', '{"reason":"incident"}', 'application/json'],
    ]);
  });

  it('resolves a function base URL per request (a host that discovers its proxy)', async () => {
    server = await startTestServer((_req, res) => json(res, 200, { subject: 'me' }));
    const url = server.url;
    let calls = 0;
    const c = new DrillbookClient({ baseUrl: async () => (calls++, `${url}/proxy/drillbook/api/v1/`) });
    await c.me();
    await c.me();
    expect(calls).toBe(2);
    expect(server.requests.map((r) => r.url)).toEqual(['/proxy/drillbook/api/v1/me', '/proxy/drillbook/api/v1/me']);
  });

  it('goes through the host fetch when one is given', async () => {
    server = await startTestServer((_req, res) => json(res, 200, { subject: 'me' }));
    const seen: string[] = [];
    const c = client(server, { fetch: (input, init) => (seen.push(String(input)), fetch(input, init)) });
    await c.me();
    expect(seen).toEqual([`${server.url}/api/v1/me`]);
  });

  it('refuses an empty base URL', () => {
    expect(() => new DrillbookClient({ baseUrl: ' ' })).toThrow(/baseUrl is empty/);
  });
});

describe('reports', () => {
  it('keeps a null reportUrl null and maps the controller path onto the API root', async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<h1>report</h1>');
    });
    const c = client(server);
    expect(await c.reportUrl({ id: 'drl_1', reportUrl: null })).toBeNull();
    expect(await c.reportUrl({ id: 'drl_1', reportUrl: '/api/v1/drills/drl_1/report' })).toBe(`${server.url}/api/v1/drills/drl_1/report`);
    expect(reportPath({ id: 'a b', reportUrl: 'somewhere/else' })).toBe('/drills/a%20b/report');
    expect(await c.getReportHtml({ id: 'drl_1', reportUrl: '/api/v1/drills/drl_1/report' })).toBe('<h1>report</h1>');
    expect(server.requests[0].headers.accept).toBe('text/html');
  });

  it('rejects asking for the report of a drill that has none, without a request', async () => {
    server = await startTestServer((_req, res) => json(res, 200, {}));
    const e = await caught(client(server).getReportHtml({ id: 'drl_9', reportUrl: null }));
    expect(e).toMatchObject({ kind: 'not-found', origin: 'client' });
    expect(e.message).toMatch(/drl_9 has no report yet/);
    expect(server.requests).toHaveLength(0);
  });

  it('builds the API root of a directly reached controller', () => {
    expect(controllerApiBase('http://127.0.0.1:7070/')).toBe('http://127.0.0.1:7070/api/v1');
  });
});

describe('error mapping', () => {
  it('reads the controller error body with its field and details', async () => {
    server = await startTestServer((_req, res) => json(res, 400, { error: 'runbook is invalid', field: 'runbook', details: [{ field: 'steps[0].at', message: 'must be a duration' }] }));
    const e = await caught(client(server).startDrill({ runbook: 'x' }));
    expect(e).toMatchObject({ status: 400, kind: 'invalid', origin: 'controller', method: 'POST', retryable: false });
    expect(e.message).toBe('runbook is invalid (field runbook): steps[0].at: must be a duration');
    expect(e.body?.field).toBe('runbook');
  });

  it.each([
    [401, 'unauthenticated'],
    [403, 'forbidden'],
    [404, 'not-found'],
    [409, 'conflict'],
    [423, 'locked'],
    [500, 'unexpected'],
  ] as const)('maps status %i to %s', async (status, kind) => {
    server = await startTestServer((_req, res) => json(res, status, { error: `status ${status}` }));
    const e = await caught(client(server).me());
    expect(e).toMatchObject({ status, kind, origin: 'controller', message: `status ${status}` });
  });

  it("reads a Backstage proxy error body and treats its 503 as an unreachable controller", async () => {
    server = await startTestServer((_req, res) => json(res, 503, { error: { name: 'Error', message: 'connect ECONNREFUSED' }, response: { statusCode: 503 } }));
    const e = await caught(client(server).listRunbooks());
    expect(e).toMatchObject({ status: 503, kind: 'unreachable', origin: 'proxy', retryable: true, message: 'connect ECONNREFUSED' });
  });

  it("reads a Grafana plugin-route refusal ({message})", async () => {
    server = await startTestServer((_req, res) => json(res, 403, { message: 'plugin proxy route access denied' }));
    const e = await caught(client(server).startDrill({ runbook: 'x' }));
    expect(e).toMatchObject({ kind: 'forbidden', origin: 'proxy', message: 'plugin proxy route access denied' });
  });

  it('keeps the status line and some text of an answer that is not JSON', async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(502, 'Bad Gateway', { 'content-type': 'text/html' });
      res.end('<html>upstream down</html>');
    });
    const e = await caught(client(server).me());
    expect(e).toMatchObject({ status: 502, kind: 'unreachable', origin: 'proxy', message: 'Bad Gateway: <html>upstream down</html>' });
  });

  it('gives status 0 and kind unreachable when nothing listens', async () => {
    const url = await closedPortUrl();
    const e = await caught(new DrillbookClient({ baseUrl: `${url}/api/v1` }).me());
    expect(e).toMatchObject({ status: 0, kind: 'unreachable', origin: 'network', retryable: true });
    expect(e.message).toContain(`could not reach the Drillbook controller at ${url}/api/v1/me`);
    expect(e.cause).toBeInstanceOf(TypeError);
  });

  it('says so when a success answer is not JSON', async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login page</html>');
    });
    const e = await caught(client(server).me());
    expect(e).toMatchObject({ status: 200, origin: 'client' });
    expect(e.message).toMatch(/not JSON: <html>login page/);
  });
});

describe('followDrill', () => {
  const collect = () => {
    const events: DrillEvent[] = [];
    return { events, onEvent: (e: DrillEvent) => void events.push(e), seqs: () => events.map((e) => e.seq) };
  };

  it('delivers events in order and resolves ended on the end event', async () => {
    server = await startTestServer((_req, res) => {
      openStream(res);
      res.write(': hello\n\n' + sseEvent(1, 'state') + sseEvent(2) + sseEvent(3, 'end'));
    });
    const got = collect();
    expect(await client(server).followDrill('drl_1', got)).toBe('ended');
    expect(got.seqs()).toEqual([1, 2, 3]);
    expect(server.requests[0].url).toBe('/api/v1/drills/drl_1/events');
    expect(server.requests[0].headers.accept).toBe('text/event-stream');
    expect(server.requests[0].headers['last-event-id']).toBeUndefined();
  });

  it('resumes after lastEventId and skips events the server replays anyway', async () => {
    server = await startTestServer((_req, res) => {
      openStream(res);
      res.end(sseEvent(4) + sseEvent(5) + sseEvent(6, 'end'));
    });
    const got = collect();
    await client(server).followDrill('drl_1', { ...got, lastEventId: 5 });
    expect(server.requests[0].headers['last-event-id']).toBe('5');
    expect(got.seqs()).toEqual([6]);
  });

  it('reconnects after a dropped stream with Last-Event-ID of the last event, without duplicates', async () => {
    server = await startTestServer((req, res, n) => {
      openStream(res);
      if (n === 1) {
        res.write(sseEvent(1) + sseEvent(2));
        setTimeout(() => res.socket?.destroy(), 30);
      } else {
        const after = Number(req.headers['last-event-id'] ?? 0);
        res.end([1, 2, 3].filter((s) => s > after - 1).map((s) => sseEvent(s)).join('') + sseEvent(4, 'end'));
      }
    });
    const got = collect();
    const attempts: number[] = [];
    expect(await client(server).followDrill('drl_1', { ...got, onReconnect: (a) => attempts.push(a) })).toBe('ended');
    expect(server.requests.map((r) => r.headers['last-event-id'])).toEqual([undefined, '2']);
    expect(got.seqs()).toEqual([1, 2, 3, 4]);
    expect(attempts).toEqual([1]);
  });

  it('waits the retry: delay the server asked for, else the configured delay', async () => {
    server = await startTestServer((_req, res, n) => {
      openStream(res);
      if (n === 1) res.end('retry: 1234\n\n' + sseEvent(1));
      else if (n === 2) res.end(sseEvent(2));
      else res.end(sseEvent(3, 'end'));
    });
    const waits: number[] = [];
    const c = client(server, { sleep: async (ms) => void waits.push(ms), reconnectDelayMs: 10 });
    await c.followDrill('drl_1', collect());
    expect(waits).toEqual([1234, 1234]);

    await server.close();
    server = await startTestServer((_req, res, n) => {
      openStream(res);
      res.end(n === 1 ? sseEvent(1) : sseEvent(2, 'end'));
    });
    waits.length = 0;
    await client(server, { sleep: async (ms) => void waits.push(ms), reconnectDelayMs: 10 }).followDrill('drl_1', collect());
    expect(waits).toEqual([10]);
  });

  it('retries a 502 from a proxy but not a 403', async () => {
    server = await startTestServer((_req, res, n) => {
      if (n === 1) return json(res, 502, { message: 'bad gateway' });
      openStream(res);
      res.end(sseEvent(1, 'end'));
    });
    expect(await client(server).followDrill('drl_1', collect())).toBe('ended');
    await server.close();

    server = await startTestServer((_req, res) => json(res, 403, { error: 'not your service' }));
    const e = await caught(client(server).followDrill('drl_1', collect()));
    expect(e).toMatchObject({ kind: 'forbidden', origin: 'controller' });
    expect(server.requests).toHaveLength(1);
  });

  it('gives up after maxReconnects connections in a row that bring no new event, even when each answers 200', async () => {
    server = await startTestServer((_req, res) => {
      openStream(res);
      res.end();
    });
    const attempts: number[] = [];
    const e = await caught(client(server, { maxReconnects: 3 }).followDrill('drl_1', { ...collect(), onReconnect: (a) => attempts.push(a) }));
    expect(e.message).toMatch(/lost the event stream of drill drl_1 4 times in a row without a new event: the stream closed before the end event/);
    expect(server.requests).toHaveLength(4);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('resets the reconnect count whenever a connection brings a new event', async () => {
    server = await startTestServer((_req, res, n) => {
      openStream(res);
      res.end(n < 6 ? sseEvent(n) : sseEvent(n, 'end'));
    });
    const got = collect();
    expect(await client(server, { maxReconnects: 1 }).followDrill('drl_1', got)).toBe('ended');
    expect(got.seqs()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('gives up on a controller that is not there, with status 0', async () => {
    const url = await closedPortUrl();
    const e = await caught(new DrillbookClient({ baseUrl: `${url}/api/v1`, sleep: noWait }).followDrill('drl_1', { ...collect(), maxReconnects: 2 }));
    expect(e).toMatchObject({ status: 0, origin: 'network' });
    expect(e.message).toMatch(/3 times in a row/);
  });

  it('rejects an event that is not JSON at once, naming the drill and the event id', async () => {
    server = await startTestServer((_req, res) => {
      openStream(res);
      res.write(sseEvent(1) + 'id: 2\ndata: {oops\n\n');
    });
    const got = collect();
    const e = await caught(client(server).followDrill('drl_1', got));
    expect(e.message).toMatch(/drill drl_1 sent an event that is not JSON \(id 2\)/);
    expect(got.seqs()).toEqual([1]);
    expect(server.requests).toHaveLength(1);
  });

  it('rejects an event without seq, type or message', async () => {
    server = await startTestServer((_req, res) => {
      openStream(res);
      res.write('data: {"seq":1}\n\n');
    });
    const e = await caught(client(server).followDrill('drl_1', collect()));
    expect(e.message).toMatch(/without seq, type or message/);
  });

  it('resolves cancelled when the signal aborts, and closes the connection', async () => {
    let closed = false;
    server = await startTestServer((_req, res) => {
      openStream(res);
      res.write(sseEvent(1));
      res.on('close', () => (closed = true));
    });
    const controller = new AbortController();
    const got = collect();
    const outcome = client(server).followDrill('drl_1', {
      signal: controller.signal,
      onEvent: (e) => {
        got.onEvent(e);
        controller.abort();
      },
    });
    expect(await outcome).toBe('cancelled');
    expect(got.seqs()).toEqual([1]);
    await expect.poll(() => closed).toBe(true);
  });

  it('resolves cancelled when aborted while waiting to reconnect', async () => {
    server = await startTestServer((_req, res) => {
      openStream(res);
      res.end();
    });
    const controller = new AbortController();
    const c = client(server, { sleep: undefined, reconnectDelayMs: 60_000 });
    const outcome = c.followDrill('drl_1', { ...collect(), signal: controller.signal, onReconnect: () => setTimeout(() => controller.abort(), 20) });
    expect(await outcome).toBe('cancelled');
    expect(server.requests).toHaveLength(1);
  });
});
