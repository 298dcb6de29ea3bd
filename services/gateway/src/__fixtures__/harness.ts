/**
 * In-process test harness: stand-in replicas plus a gateway in front of them, all real HTTP on
 * 127.0.0.1 port 0. Tests that must kill a process use `processes.ts` instead.
 */
import pino from 'pino';
import { parseConfig } from '../config.js';
import { Gateway } from '../Gateway.js';
import { type StandIn, type StandInOptions, startStandIn } from './standIn.js';

export const ADMIN_TOKEN = 'test-admin-token';
export const READ_TOKEN = 'test-read-token';
export const REPLICA_TOKEN = 'replica-admin-token';

export interface Harness {
  gateway: Gateway;
  url: string;
  standIns: StandIn[];
  close(): Promise<void>;
}

/**
 * Fast health checks so tests do not wait long, and deadlines long enough that a machine starved
 * of CPU by other work does not turn into timeouts; tests about timeouts set their own.
 */
export const FAST_CONFIG = {
  adminToken: ADMIN_TOKEN,
  readToken: READ_TOKEN,
  upstreamAdminToken: REPLICA_TOKEN,
  logLevel: 'silent',
  requestTimeoutMs: 10_000,
  tryTimeoutMs: 5_000,
  healthCheck: { intervalMs: 50, timeoutMs: 2_000, unhealthyThreshold: 2, healthyThreshold: 2 },
};

export async function startHarness(standIns: StandInOptions[], overrides: Record<string, unknown> = {}): Promise<Harness> {
  const started = await Promise.all(standIns.map((o) => startStandIn({ adminToken: REPLICA_TOKEN, ...o })));
  const config = parseConfig({
    ...FAST_CONFIG,
    upstreams: started.map((s, i) => ({ id: s.id, url: s.url, zone: standIns[i].zone ?? (i % 2 === 0 ? 'zone-a' : 'zone-b') })),
    ...overrides,
  });
  const gateway = new Gateway(config, { logger: pino({ level: 'silent' }), defaultMetrics: false });
  const { url } = await gateway.start();
  return {
    gateway,
    url,
    standIns: started,
    close: async () => {
      await gateway.stop(200);
      await Promise.all(started.map((s) => s.close()));
    },
  };
}

/** Polls `predicate` every 20 ms until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function admin(url: string, method: string, path: string, body?: unknown, token: string | null = ADMIN_TOKEN): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(new URL(path, url), { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed };
}
