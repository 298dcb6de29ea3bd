/**
 * Sends game-day notifications to the configured receivers. `send` records one delivery per
 * receiver that wants the event and returns at once: attempts run in the background, so a dead or
 * slow receiver never delays a drill. A failed attempt (network error, timeout, non-2xx) is retried
 * with exponential backoff up to `maxAttempts`; every attempt's outcome is kept (`deliveries()`,
 * `GET /api/v1/notifications`). Generic webhooks carry `X-Drillbook-Signature: sha256=<hex>`, the
 * HMAC-SHA256 of the exact body with the receiver's secret.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { NotificationDelivery } from '@drillbook/contracts';
import type { GameDayStore } from '../store.js';
import type { Clock } from '../clock.js';
import type { ReceiverConfig } from '../config.js';
import { alertmanagerPayload, slackPayload, webhookPayload, type Note } from './payloads.js';

export interface NotifierOptions {
  receivers: ReceiverConfig[];
  maxAttempts: number;
  backoffMs: number;
  timeoutMs: number;
  externalURL: string;
  store: GameDayStore;
  clock: Clock;
  log: (line: string) => void;
}

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export class Notifier {
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly o: NotifierOptions) {}

  /** Queues the note for every receiver that wants its event; never throws, never waits for a receiver. */
  send(n: Note): void {
    for (const r of this.o.receivers) {
      if (r.events && !r.events.includes(n.event)) continue;
      const d: NotificationDelivery = {
        id: randomUUID(), receiver: r.name, kind: r.kind, event: n.event, service: n.service, runbook: n.runbook, drillId: n.drillId,
        state: 'pending', attempts: 0, lastStatus: null, lastError: null, createdAt: new Date(this.o.clock.now()).toISOString(), deliveredAt: null, nextAttemptAt: null,
      };
      const p = this.deliver(r, n, d).catch((e) => this.o.log(`notification ${d.id} to ${r.name}: ${(e as Error).message}`));
      this.inFlight.add(p);
      void p.finally(() => this.inFlight.delete(p));
    }
  }

  async deliveries(q: { limit?: number; drillId?: string } = {}): Promise<NotificationDelivery[]> {
    const all = await this.o.store.list<NotificationDelivery>('delivery');
    return all
      .filter((d) => !q.drillId || d.drillId === q.drillId)
      .reverse()
      .slice(0, q.limit ?? 100);
  }

  /** Waits (at most `ms`) for queued deliveries; later attempts are dropped once closed. */
  async close(ms = 5000): Promise<void> {
    this.closed = true;
    await Promise.race([Promise.all([...this.inFlight]), new Promise((r) => setTimeout(r, ms).unref())]);
  }

  private body(r: ReceiverConfig, n: Note): string {
    switch (r.kind) {
      case 'alertmanager':
        return JSON.stringify(alertmanagerPayload(r.name, n, this.o.externalURL));
      case 'slack':
        return JSON.stringify(slackPayload(n));
      case 'webhook':
        return JSON.stringify(webhookPayload(n));
    }
  }

  private async save(d: NotificationDelivery): Promise<void> {
    await this.o.store.put('delivery', d.id, d).catch((e: Error) => this.o.log(`delivery ${d.id} state not persisted: ${e.message}`));
  }

  private async deliver(r: ReceiverConfig, n: Note, d: NotificationDelivery): Promise<void> {
    const body = this.body(r, n);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'drillbook-controller' };
    if (r.kind === 'webhook' && r.secret) headers['x-drillbook-signature'] = signBody(r.secret, body);
    await this.save(d);
    for (;;) {
      d.attempts++;
      try {
        const res = await fetch(r.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.o.timeoutMs) });
        await res.arrayBuffer().catch(() => undefined);
        d.lastStatus = res.status;
        if (res.ok) {
          Object.assign(d, { state: 'delivered', lastError: null, deliveredAt: new Date(this.o.clock.now()).toISOString(), nextAttemptAt: null });
          return this.save(d);
        }
        d.lastError = `HTTP ${res.status}`;
      } catch (e) {
        d.lastError = (e as Error).name === 'TimeoutError' ? `no answer within ${this.o.timeoutMs} ms` : ((e as Error & { cause?: Error }).cause?.message ?? (e as Error).message);
      }
      if (d.attempts >= this.o.maxAttempts || this.closed) {
        Object.assign(d, { state: 'failed', nextAttemptAt: null });
        this.o.log(`notification ${n.event} for ${n.service} to ${r.name} failed after ${d.attempts} attempt(s): ${d.lastError}`);
        return this.save(d);
      }
      const wait = Math.min(this.o.backoffMs * 2 ** (d.attempts - 1), 60_000);
      d.nextAttemptAt = new Date(this.o.clock.now() + wait).toISOString();
      await this.save(d);
      await new Promise((res) => setTimeout(res, wait).unref());
    }
  }
}
