import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GrafanaAnnotator } from './grafana.js';

/** A stand-in for Grafana's annotations endpoint that records what it receives. */
const received: Array<{ auth: string | undefined; path: string; body: Record<string, unknown> }> = [];
let status = 200;
const server = createServer(async (req: IncomingMessage, res) => {
  let body = '';
  for await (const c of req) body += c;
  received.push({ auth: req.headers.authorization, path: req.url ?? '', body: JSON.parse(body) as Record<string, unknown> });
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(status === 200 ? '{"message":"Annotation added","id":1}' : '{"message":"Unauthorized"}');
});
let url = '';
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('Grafana annotations', () => {
  const drill = { id: 'd-1', service: 'recsys-reference', runbook: 'replica-loss' };

  it('posts a tagged point for drill events and a region for the drill, with the service account token', async () => {
    const g = new GrafanaAnnotator({ url, token: 'glsa_x', dashboardUid: 'recsys-slo' });
    g.annotate('fault', drill, 'latency on r0', 1_000);
    g.annotate('end', drill, 'passed, score 100', 1_000, 61_000);
    await g.flush();
    expect(received.map((r) => [r.path, r.auth])).toEqual([
      ['/api/annotations', 'Bearer glsa_x'],
      ['/api/annotations', 'Bearer glsa_x'],
    ]);
    expect(received[0].body).toEqual({ dashboardUID: 'recsys-slo', time: 1_000, tags: ['drillbook', 'drill-fault', 'service:recsys-reference', 'runbook:replica-loss', 'drill:d-1'], text: 'latency on r0' });
    expect(received[1].body).toMatchObject({ time: 1_000, timeEnd: 61_000, tags: expect.arrayContaining(['drill-end']) });
  });

  it('logs a refused or unreachable Grafana and never throws', async () => {
    status = 401;
    const lines: string[] = [];
    const g = new GrafanaAnnotator({ url, token: 'bad' }, (l) => lines.push(l));
    g.annotate('start', drill, 'started', 1);
    const down = new GrafanaAnnotator({ url: 'http://127.0.0.1:9', token: 't' }, (l) => lines.push(l));
    down.annotate('end', drill, 'ended', 1, 2);
    await Promise.all([g.flush(), down.flush()]);
    expect(lines).toHaveLength(2);
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/\(start, drill d-1\) refused: HTTP 401/), expect.stringMatching(/\(end, drill d-1\) failed/)]));
    status = 200;
  });
});
