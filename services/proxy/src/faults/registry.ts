/**
 * Active faults of one proxy. Every fault has a required TTL and is removed by its own timer, so a
 * drill engine that dies never leaves a fault behind (same semantics as the replicas' registry).
 * `select()` decides, per request, which faults take it: each matching fault rolls its percentage.
 */
import { randomUUID } from 'node:crypto';
import type { ActiveProxyFault, ProxyFaultRequest, ProxyFaultType } from '@drillbook/contracts';
import { compileMatch, type Matcher, type RequestFacts } from './match.js';

export interface RegistryHooks {
  onChange?: (active: ActiveProxyFault[]) => void;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

interface Entry {
  fault: Omit<ActiveProxyFault, 'remainingMs' | 'applied'>;
  matcher: Matcher;
  expiresAtMs: number;
  timer: NodeJS.Timeout;
  applied: number;
  /** Resolved when the fault ends (cleared or expired): hung requests wait on it. */
  ended: Promise<void>;
  end: () => void;
}

export interface Selected {
  id: string;
  fault: ActiveProxyFault;
  /** Resolves when this fault ends. */
  ended: Promise<void>;
}

export class ProxyFaultRegistry {
  private entries = new Map<string, Entry>();

  constructor(private readonly hooks: RegistryHooks = {}) {}

  inject(req: ProxyFaultRequest): ActiveProxyFault {
    const id = randomUUID();
    const now = Date.now();
    const expiresAtMs = now + req.ttlMs;
    const fault = {
      ...req,
      id,
      match: { ...req.match, percentage: req.match?.percentage ?? 100 },
      ...(req.type === 'error' ? { status: req.status ?? 503 } : {}),
      ...(req.type === 'corrupt' ? { format: req.format ?? 'auto' } : {}),
      injectedAt: new Date(now).toISOString(),
      expiresAt: new Date(expiresAtMs).toISOString(),
    } as Entry['fault'];
    let end!: () => void;
    const ended = new Promise<void>((r) => (end = r));
    const timer = setTimeout(() => this.remove(id, 'expired'), req.ttlMs);
    timer.unref();
    this.entries.set(id, { fault, matcher: compileMatch(req.match), expiresAtMs, timer, applied: 0, ended, end });
    this.hooks.log?.('fault injected', { fault: id, type: req.type, ttlMs: req.ttlMs });
    this.changed();
    return this.view(this.entries.get(id)!);
  }

  list(): ActiveProxyFault[] {
    return [...this.entries.values()].map((e) => this.view(e));
  }

  get size(): number {
    return this.entries.size;
  }

  /** Idempotent: an unknown or expired id clears nothing. Returns the ids removed. */
  clear(filter: { id?: string; type?: ProxyFaultType } = {}): string[] {
    const out: string[] = [];
    for (const [id, e] of [...this.entries]) {
      if ((filter.id && id !== filter.id) || (filter.type && e.fault.type !== filter.type)) continue;
      if (this.remove(id, 'cleared')) out.push(id);
    }
    return out;
  }

  /** Faults that take this request, in injection order. */
  select(r: RequestFacts, rand: () => number = Math.random): Selected[] {
    if (this.entries.size === 0) return [];
    const out: Selected[] = [];
    for (const e of this.entries.values()) {
      if (!e.matcher(r)) continue;
      const pct = e.fault.match.percentage;
      if (pct < 100 && !(rand() * 100 < pct)) continue;
      out.push({ id: e.fault.id, fault: this.view(e), ended: e.ended });
    }
    return out;
  }

  /** Record that a fault took effect on one request. */
  markApplied(id: string): void {
    const e = this.entries.get(id);
    if (e) e.applied++;
  }

  private remove(id: string, why: 'cleared' | 'expired'): boolean {
    const e = this.entries.get(id);
    if (!e) return false;
    clearTimeout(e.timer);
    this.entries.delete(id);
    e.end();
    this.hooks.log?.(`fault ${why}`, { fault: id, type: e.fault.type, applied: e.applied });
    this.changed();
    return true;
  }

  private changed(): void {
    try {
      this.hooks.onChange?.(this.list());
    } catch {
      /* telemetry never breaks the fault API */
    }
  }

  private view(e: Entry): ActiveProxyFault {
    return { ...e.fault, applied: e.applied, remainingMs: Math.max(0, e.expiresAtMs - Date.now()) } as ActiveProxyFault;
  }

  /** Stop every timer and release hung requests (proxy shutdown). */
  shutdown(): void {
    for (const e of this.entries.values()) {
      clearTimeout(e.timer);
      e.end();
    }
    this.entries.clear();
    this.changed();
  }
}
