/**
 * Time to detect: from the start of the fault phase, poll the runbook's detection signals (a
 * Prometheus alert firing, or a metric crossing a threshold at the gateway or replicas) until one
 * holds. The first one that does is recorded in the journal.
 */
import type { DetectionSignal } from '@drillbook/contracts';
import type { DrillContext } from './context.js';
import { compare, metricUrls, metricValue } from './steps.js';

export function describeSignal(s: DetectionSignal): string {
  return s.kind === 'alert' ? `alert ${s.alertname} firing` : `${s.mode === 'increase' ? 'increase of ' : ''}${s.metric} ${s.expect.op} ${s.expect.value} at ${s.target}`;
}

async function holds(ctx: DrillContext, s: DetectionSignal): Promise<boolean> {
  if (s.kind === 'alert') {
    const prom = s.prometheus ?? ctx.prometheusUrl;
    if (!prom) return false;
    const res = await fetch(`${prom.replace(/\/$/, '')}/api/v1/alerts`, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) return false;
    const body = (await res.json()) as { data: { alerts: Array<{ labels: Record<string, string>; state: string }> } };
    return body.data.alerts.some((a) => a.state === 'firing' && a.labels.alertname === s.alertname && (!s.severity || a.labels.severity === s.severity));
  }
  const urls = metricUrls(ctx, s.target, { kind: 'wait', name: 'detection', duration: '0s' });
  return compare(await metricValue(ctx, urls, s.metric, s.labels, s.mode), s.expect);
}

export function startDetection(ctx: DrillContext, signals: DetectionSignal[], intervalMs = 250): { stop(): void } {
  let stopped = !signals.length;
  const loop = async () => {
    while (!stopped && !ctx.signal.aborted) {
      for (const s of signals) {
        let ok = false;
        try {
          ok = await holds(ctx, s);
        } catch {
          ok = false; // a scrape that fails is not a detection
        }
        if (ok && !stopped) {
          stopped = true;
          const desc = describeSignal(s);
          ctx.journal.update((j) => (j.detection = { signal: desc, at: new Date().toISOString() }));
          ctx.events.emit('detection', `detected: ${desc}`, { data: { signal: desc } });
          return;
        }
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  };
  void loop();
  return {
    stop() {
      stopped = true;
    },
  };
}
