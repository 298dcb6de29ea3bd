/**
 * Active faults of one replica. Every fault has a required TTL and is removed by its own timer,
 * so a drill engine that dies never leaves a fault behind. Effects are applied by the parts of the
 * replica that own them (HTTP layer, feature store, model host, CPU burner) through hooks.
 */
import { randomUUID } from 'node:crypto';
import { FAULT_TYPES, type ActiveFault, type FaultRequest, type FaultType } from '@drillbook/contracts';
import { BadRequest } from '../errors.js';

const MAX_TTL_MS = 60 * 60 * 1000;

export interface FaultHooks {
  /** Called when a fault becomes active / is removed (by clear or by its TTL). */
  onStart?: (f: ActiveFault) => void | Promise<void>;
  onEnd?: (f: ActiveFault, why: 'cleared' | 'expired') => void | Promise<void>;
}

interface Entry {
  fault: Omit<ActiveFault, 'remainingMs'>;
  expiresAtMs: number;
  timer: NodeJS.Timeout;
}

const ALLOWED: Record<string, readonly string[]> = {
  common: ['type', 'ttlMs', 'note'],
  latency: ['rate', 'latencyMs', 'jitterMs', 'distribution'],
  'dependency-latency': ['rate', 'latencyMs', 'jitterMs', 'distribution'],
  'slow-warmup': ['latencyMs'],
  error: ['rate', 'status'],
  hang: ['rate'],
  'dependency-outage': ['rate'],
  crash: ['exitCode'],
  'model-load-failure': [],
  'corrupt-model': [],
  'accelerator-saturation': ['threads'],
};

function num(body: Record<string, unknown>, field: string, min: number, max: number, integer = false): number | undefined {
  const v = body[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new BadRequest(`${field} must be a number`, field);
  if (integer && !Number.isInteger(v)) throw new BadRequest(`${field} must be an integer`, field);
  if (v < min || v > max) throw new BadRequest(`${field} must be between ${min} and ${max}, got ${v}`, field);
  return v;
}

/** Validate an inject request; errors name the offending field. */
export function parseFaultRequest(body: unknown): FaultRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('body must be a JSON object', 'body');
  const b = body as Record<string, unknown>;
  if (b.type === undefined) throw new BadRequest(`type is required (one of ${FAULT_TYPES.join(', ')})`, 'type');
  if (typeof b.type !== 'string' || !(FAULT_TYPES as readonly string[]).includes(b.type)) {
    throw new BadRequest(`unknown fault type ${JSON.stringify(b.type)}; expected one of ${FAULT_TYPES.join(', ')}`, 'type');
  }
  const type = b.type as FaultType;
  for (const k of Object.keys(b)) {
    if (!ALLOWED.common.includes(k) && !ALLOWED[type].includes(k)) throw new BadRequest(`field ${k} does not apply to a ${type} fault`, k);
  }
  if (b.ttlMs === undefined) throw new BadRequest('ttlMs is required: every fault expires on its own', 'ttlMs');
  const ttlMs = num(b, 'ttlMs', 1, MAX_TTL_MS, true)!;
  const rate = num(b, 'rate', 0, 1);
  const latencyMs = num(b, 'latencyMs', 0, 600_000);
  const jitterMs = num(b, 'jitterMs', 0, 600_000);
  const status = num(b, 'status', 500, 599, true);
  const threads = num(b, 'threads', 1, 64, true);
  const exitCode = num(b, 'exitCode', 0, 255, true);
  if (b.distribution !== undefined && !['fixed', 'uniform', 'normal', 'exponential'].includes(b.distribution as string)) {
    throw new BadRequest('distribution must be one of fixed, uniform, normal, exponential', 'distribution');
  }
  if ((type === 'latency' || type === 'dependency-latency' || type === 'slow-warmup') && latencyMs === undefined) {
    throw new BadRequest(`latencyMs is required for a ${type} fault`, 'latencyMs');
  }
  if (b.note !== undefined && (typeof b.note !== 'string' || b.note.length > 500)) throw new BadRequest('note must be a string of at most 500 characters', 'note');
  return {
    type,
    ttlMs,
    rate,
    latencyMs,
    jitterMs,
    distribution: b.distribution as FaultRequest['distribution'],
    status,
    threads,
    exitCode,
    note: b.note as string | undefined,
  };
}

export class FaultRegistry {
  private entries = new Map<string, Entry>();

  constructor(
    readonly replica: string,
    private readonly hooks: FaultHooks = {},
    private readonly log: (msg: string, extra?: Record<string, unknown>) => void = () => {},
  ) {}

  inject(req: FaultRequest): ActiveFault {
    const id = randomUUID();
    const injectedAtMs = Date.now();
    const expiresAtMs = injectedAtMs + req.ttlMs;
    const fault: Omit<ActiveFault, 'remainingMs'> = {
      id,
      type: req.type,
      ttlMs: req.ttlMs,
      rate: req.rate ?? 1,
      latencyMs: req.latencyMs,
      jitterMs: req.jitterMs,
      distribution: req.distribution,
      status: req.status,
      threads: req.threads,
      exitCode: req.exitCode,
      note: req.note,
      injectedAt: new Date(injectedAtMs).toISOString(),
      expiresAt: new Date(expiresAtMs).toISOString(),
    };
    const timer = setTimeout(() => this.remove(id, 'expired'), req.ttlMs);
    timer.unref();
    this.entries.set(id, { fault, expiresAtMs, timer });
    this.log('fault injected', { fault: fault.type, id, ttlMs: req.ttlMs });
    void Promise.resolve(this.hooks.onStart?.(this.view(this.entries.get(id)!))).catch((e) => this.log('fault start hook failed', { err: String(e) }));
    return this.view(this.entries.get(id)!);
  }

  list(): ActiveFault[] {
    return [...this.entries.values()].map((e) => this.view(e));
  }

  /** The first active fault of a type, if any. */
  active(type: FaultType): ActiveFault | undefined {
    for (const e of this.entries.values()) if (e.fault.type === type) return this.view(e);
    return undefined;
  }

  has(type: FaultType): boolean {
    for (const e of this.entries.values()) if (e.fault.type === type) return true;
    return false;
  }

  /** Idempotent: clearing an unknown or already-expired id is not an error. Returns what was removed. */
  clear(filter: { id?: string; type?: FaultType } = {}): ActiveFault[] {
    const removed: ActiveFault[] = [];
    for (const [id, e] of [...this.entries]) {
      if ((filter.id && id !== filter.id) || (filter.type && e.fault.type !== filter.type)) continue;
      const r = this.remove(id, 'cleared');
      if (r) removed.push(r);
    }
    return removed;
  }

  private remove(id: string, why: 'cleared' | 'expired'): ActiveFault | undefined {
    const e = this.entries.get(id);
    if (!e) return undefined;
    clearTimeout(e.timer);
    this.entries.delete(id);
    const v = this.view(e);
    this.log(`fault ${why}`, { fault: v.type, id });
    void Promise.resolve(this.hooks.onEnd?.(v, why)).catch((err) => this.log('fault end hook failed', { err: String(err) }));
    return v;
  }

  private view(e: Entry): ActiveFault {
    return { ...e.fault, remainingMs: Math.max(0, e.expiresAtMs - Date.now()) };
  }

  shutdown(): void {
    for (const e of this.entries.values()) clearTimeout(e.timer);
    this.entries.clear();
  }
}

/** Draw a delay from a latency fault's distribution. */
export function sampleDelay(f: Pick<ActiveFault, 'latencyMs' | 'jitterMs' | 'distribution'>, rand: () => number = Math.random): number {
  const base = f.latencyMs ?? 0;
  const jitter = f.jitterMs ?? 0;
  switch (f.distribution ?? 'fixed') {
    case 'uniform':
      return base + rand() * jitter;
    case 'normal': {
      const u = Math.max(rand(), 1e-12);
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
      return Math.max(0, base + z * jitter);
    }
    case 'exponential':
      return -Math.log(Math.max(rand(), 1e-12)) * base;
    default:
      return base;
  }
}
