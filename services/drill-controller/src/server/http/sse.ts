/**
 * Server-Sent Events of one drill: replay after Last-Event-ID (header, or `?lastEventId=` for
 * EventSource-less clients), then live events, `event: <type>`, `id: <seq>`, `data: <DrillEvent>`;
 * the stream ends after the `end` event. A comment line every 15 s keeps proxies from closing it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DrillEvent } from '@drillbook/contracts';
import { ApiError } from '../errors.js';
import type { DrillManager } from '../drills/DrillManager.js';

const HEARTBEAT_MS = 15_000;

const frame = (e: DrillEvent) => `id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;

function lastEventId(req: IncomingMessage, q: URLSearchParams): number {
  const raw = (req.headers['last-event-id'] as string | undefined) ?? q.get('lastEventId') ?? '';
  if (!raw.trim()) return 0;
  if (!/^[0-9]+$/.test(raw.trim())) throw new ApiError(400, `Last-Event-ID: expected the seq of an event (an integer), got ${JSON.stringify(raw)}`, 'Last-Event-ID');
  return Number(raw.trim());
}

export async function streamEvents(req: IncomingMessage, res: ServerResponse, q: URLSearchParams, id: string, drills: DrillManager): Promise<number> {
  const after = lastEventId(req, q);
  let open = true;
  let buffered: DrillEvent[] | null = [];
  let last = after;
  let heartbeat: NodeJS.Timeout | null = null;
  let f: Awaited<ReturnType<DrillManager['follow']>> = null;
  const finish = () => {
    if (!open) return;
    open = false;
    if (heartbeat) clearInterval(heartbeat);
    f?.unsubscribe();
    res.end();
  };
  const write = (e: DrillEvent) => {
    if (!open || e.seq <= last) return;
    last = e.seq;
    res.write(frame(e));
    if (e.type === 'end') finish();
  };
  f = await drills.follow(id, after, (e) => (buffered ? buffered.push(e) : write(e)));
  if (!f) throw new ApiError(404, `unknown drill "${id}"`);
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.write('retry: 2000\n\n');
  req.on('close', finish);
  res.on('error', finish);
  const replay = f.replay;
  const live = f.live;
  for (const e of replay) write(e);
  const pending = buffered;
  buffered = null;
  for (const e of pending) write(e);
  if (!live) finish();
  else if (open) {
    heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
  }
  return 200;
}
