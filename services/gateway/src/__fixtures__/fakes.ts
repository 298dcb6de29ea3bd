/** Small factories for unit tests: a manual clock and a pool of upstreams with no network. */
import pino from 'pino';
import type { UpstreamConfig } from '../config.js';
import { type Pick, pickP2C } from '../health/balancer.js';
import { UpstreamPool } from '../health/UpstreamPool.js';
import { GatewayMetrics } from '../telemetry/metrics.js';

export class ManualClock {
  constructor(public now = 1_000_000) {}
  readonly read = (): number => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}

export function upstreamConfigs(n: number): UpstreamConfig[] {
  return Array.from({ length: n }, (_, i) => ({ id: `r${i + 1}`, url: `http://127.0.0.1:${9001 + i}`, zone: i % 2 === 0 ? 'zone-a' : 'zone-b' }));
}

export function fakePool(n: number, options: { clock?: ManualClock; random?: () => number; pick?: Pick; ready?: boolean } = {}) {
  const clock = options.clock ?? new ManualClock();
  const metrics = new GatewayMetrics({ defaultMetrics: false });
  const pool = new UpstreamPool(upstreamConfigs(n), {
    metrics,
    logger: pino({ level: 'silent' }),
    clock: clock.read,
    random: options.random ?? Math.random,
    pick: options.pick ?? pickP2C,
  });
  if (options.ready !== false) {
    for (const u of pool.all) u.recordCheck(true, clock.now, { healthy: 2, unhealthy: 2 }, { model: null });
    pool.publishAll();
  }
  return { pool, clock, metrics };
}
