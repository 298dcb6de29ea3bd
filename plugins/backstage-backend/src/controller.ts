/**
 * Calls to the drill controller with the plugin's trusted token on behalf of a Backstage user:
 * `X-Drillbook-On-Behalf-Of` carries the user's entity ref and `X-Drillbook-On-Behalf-Of-Groups`
 * their ownership refs (groups), so the controller authorises and audits the person
 * ("alice via backstage"), not the plugin.
 */
import type { Response as ExpressResponse } from 'express';
import type { ControllerSettings } from './config';

export interface Person {
  userEntityRef: string;
  groups: string[];
}

export const ON_BEHALF_OF_HEADER = 'X-Drillbook-On-Behalf-Of';
export const ON_BEHALF_OF_GROUPS_HEADER = 'X-Drillbook-On-Behalf-Of-Groups';

export class ControllerClient {
  constructor(private readonly settings: ControllerSettings) {}

  private headers(person: Person, extra: Record<string, string> = {}): Record<string, string> {
    return {
      authorization: `Bearer ${this.settings.token}`,
      [ON_BEHALF_OF_HEADER]: person.userEntityRef,
      ...(person.groups.length ? { [ON_BEHALF_OF_GROUPS_HEADER]: person.groups.join(',') } : {}),
      ...extra,
    };
  }

  /** A raw call to `/api/v1<path>` (path includes any query string). */
  call(person: Person, method: string, path: string, init: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Response> {
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    return fetch(`${this.settings.baseUrl}/api/v1${path}`, {
      method,
      headers: this.headers(person, { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers }),
      body,
      signal: init.signal,
    });
  }

  /** A JSON read; null on 404, throws with the controller's message on other failures. */
  async json<T>(person: Person, path: string): Promise<T | null> {
    const r = await this.call(person, 'GET', path);
    if (r.status === 404) return null;
    if (!r.ok) throw new Error(`drill controller answered ${r.status} to GET /api/v1${path}: ${await r.text()}`);
    return (await r.json()) as T;
  }
}

const PASSED_HEADERS = ['content-type', 'cache-control', 'content-security-policy', 'x-content-type-options', 'referrer-policy', 'retry-after', 'allow'];

/** Streams a controller response to the Backstage client (JSON, HTML reports and Server-Sent Events alike). */
export async function relay(upstream: Response, res: ExpressResponse): Promise<void> {
  res.status(upstream.status);
  for (const h of PASSED_HEADERS) {
    const v = upstream.headers.get(h);
    if (v !== null) res.setHeader(h, v);
  }
  if (!upstream.body) {
    res.end();
    return;
  }
  if (upstream.headers.get('content-type')?.startsWith('text/event-stream')) res.flushHeaders();
  try {
    for await (const chunk of upstream.body as unknown as AsyncIterable<Uint8Array>) {
      res.write(chunk);
      if (upstream.headers.get('content-type')?.startsWith('text/event-stream')) (res as unknown as { flush?: () => void }).flush?.();
    }
  } catch {
    /* the client or the controller went away mid-stream */
  }
  res.end();
}
