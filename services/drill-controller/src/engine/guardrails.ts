/**
 * Guardrails: abort conditions evaluated on every live load tick, each with a debounce ("for"):
 * the condition must hold continuously that long before the drill is aborted.
 */
import type { AbortCondition } from '@drillbook/contracts';
import { durationMs } from '../runbook/duration.js';
import type { LoadTick } from '../load/index.js';

export interface Trip {
  condition: AbortCondition;
  value: number;
  reason: string;
}

function reading(t: LoadTick, sli: AbortCondition['sli']): number | null {
  switch (sli) {
    case 'error_rate':
      return t.window.errorRate;
    case 'availability':
      return t.window.availability;
    case 'latency_p99_ms':
      return t.window.p99Ms;
    case 'degraded_share':
      return t.window.degradedShare;
  }
}

export class GuardrailMonitor {
  private since = new Map<string, number>();
  tripped: Trip | null = null;

  constructor(private readonly conditions: AbortCondition[]) {}

  /** Feed a tick; returns the trip the first time a condition has held for its debounce. */
  observe(t: LoadTick, now = Date.now()): Trip | null {
    if (this.tripped) return null;
    for (const c of this.conditions) {
      const v = reading(t, c.sli);
      const holds = v !== null && (c.op === '>=' ? v >= c.threshold : v <= c.threshold);
      if (!holds) {
        this.since.delete(c.name);
        continue;
      }
      const first = this.since.get(c.name) ?? now;
      this.since.set(c.name, first);
      if (now - first >= durationMs(c.for)) {
        this.tripped = { condition: c, value: v!, reason: `guardrail "${c.name}": ${c.sli} ${c.op} ${c.threshold} held for ${c.for} (now ${+v!.toFixed(4)})` };
        return this.tripped;
      }
    }
    return null;
  }
}
