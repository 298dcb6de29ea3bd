/** A small client for integration tests: raw JSON calls with a token (status codes kept), and an SSE follower. */
import { DrillbookClient, controllerApiBase } from '@drillbook/client';
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
 * Follows a drill's events with the shared client (`@drillbook/client`: the same SSE parser and
 * Last-Event-ID resume the plugins use) until `until` returns true for one (default: the `end`
 * event) or `timeoutMs` passes. Resolves with every event received; rejects on an HTTP error or
 * when the stream keeps dropping.
 */
export async function followEvents(base: string, drillId: string, token: string, opts: { lastEventId?: number; until?: (e: DrillEvent) => boolean; timeoutMs?: number } = {}): Promise<DrillEvent[]> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), opts.timeoutMs ?? 240_000);
  const events: DrillEvent[] = [];
  const until = opts.until ?? ((e: DrillEvent) => e.type === 'end');
  const client = new DrillbookClient({ baseUrl: controllerApiBase(base), headers: { authorization: `Bearer ${token}` }, reconnectDelayMs: 200 });
  try {
    await client.followDrill(drillId, {
      signal: ctrl.signal,
      ...(opts.lastEventId !== undefined ? { lastEventId: opts.lastEventId } : {}),
      onEvent: (e) => {
        events.push(e);
        if (until(e)) ctrl.abort();
      },
    });
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
