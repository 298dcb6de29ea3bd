/** A small client for integration tests: JSON calls with a token, and an SSE follower on fetch. */
import type { DrillEvent } from '@drillbook/contracts';

export function api(base: string) {
  const call = async <T = unknown>(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* HTML or empty */
    }
    return { status: res.status, body: parsed as T };
  };
  return {
    get: <T = unknown>(path: string, token?: string) => call<T>('GET', path, token),
    post: <T = unknown>(path: string, token?: string, body?: unknown) => call<T>('POST', path, token, body),
    del: <T = unknown>(path: string, token?: string) => call<T>('DELETE', path, token),
  };
}

/**
 * Follows a drill's events until `until` returns true for one (default: the `end` event) or the
 * stream closes. Resolves with every event received.
 */
export async function followEvents(base: string, drillId: string, token: string, opts: { lastEventId?: number; until?: (e: DrillEvent) => boolean; timeoutMs?: number } = {}): Promise<DrillEvent[]> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), opts.timeoutMs ?? 240_000);
  const res = await fetch(`${base}/api/v1/drills/${encodeURIComponent(drillId)}/events`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...(opts.lastEventId !== undefined ? { 'last-event-id': String(opts.lastEventId) } : {}) },
    signal: ctrl.signal,
  });
  if (res.status !== 200) throw new Error(`events: HTTP ${res.status} ${await res.text()}`);
  const events: DrillEvent[] = [];
  const until = opts.until ?? ((e: DrillEvent) => e.type === 'end');
  const decoder = new TextDecoder();
  let buf = '';
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true });
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const data = block
          .split('\n')
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6))
          .join('\n');
        if (!data) continue;
        const e = JSON.parse(data) as DrillEvent;
        events.push(e);
        if (until(e)) {
          ctrl.abort();
          return events;
        }
      }
    }
  } catch (e) {
    if (!ctrl.signal.aborted) throw e;
  } finally {
    clearTimeout(timer);
  }
  return events;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await sleep(everyMs);
  }
}
