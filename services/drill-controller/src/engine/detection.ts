/**
 * Time to detect: poll the runbook's detection signals (a Prometheus alert firing, or a metric
 * crossing a threshold at the gateway or replicas) until one holds after the fault began. The first
 * one that does is recorded in the journal.
 *
 * Polling starts with the baseline, before any fault: a signal that already holds then is a false
 * alarm that says nothing about the fault (a noisy gauge, a counter left over from an earlier drill),
 * so it only counts once it has been seen clear and then holds again. The drill log says so.
 */
import type { DetectionSignal } from '@drillbook/contracts';
import type { DrillContext } from './context.js';
import { compare, metricUrls, metricValue } from './steps.js';

export function describeSignal(s: DetectionSignal): string {
  return s.kind === 'alert' ? `alert ${s.alertname}${s.severity ? ` (${s.severity})` : ''} firing` : `${s.mode === 'increase' ? 'increase of ' : ''}${s.metric} ${s.expect.op} ${s.expect.value} at ${s.target}`;
}

async function holds(ctx: DrillContext, s: DetectionSignal): Promise<boolean> {
  if (s.kind === 'alert') {
    const prom = s.prometheus ?? ctx.prometheusUrl;
    if (!prom) return false;
    const res = await fetch(`${prom.replace(/\/$/, '')}/api/v1/alerts`, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) return false;
    const body = (await res.json()) as { data: { alerts: Array<{ labels: Record<string, string>; state: string }> } };
    // SLO alerts carry their severity as Sloth does (`sloth_severity`); platform alerts as `severity`.
    return body.data.alerts.some(
      (a) => a.state === 'firing' && a.labels.alertname === s.alertname && (!s.severity || (a.labels.sloth_severity ?? a.labels.severity) === s.severity),
    );
  }
  const urls = metricUrls(ctx, s.target, { kind: 'wait', name: 'detection', duration: '0s' });
  return compare(await metricValue(ctx, urls, s.metric, s.labels, s.mode), s.expect);
}

export interface Detection {
  /** The fault phase began: from now on an armed signal that holds is the detection. */
  faultStarted(): void;
  stop(): void;
}

export function startDetection(ctx: DrillContext, signals: DetectionSignal[], intervalMs = 250): Detection {
  let stopped = !signals.length;
  let faultBegan = false;
  // A signal is armed once it has been seen not holding; one that held before the fault disarms it.
  const armed = signals.map(() => true);
  const warned = signals.map(() => false);
  const loop = async () => {
    while (!stopped && !ctx.signal.aborted) {
      for (const [i, s] of signals.entries()) {
        const afterFault = faultBegan; // judged by when the poll was sent, not when it answered
        let ok = false;
        try {
          ok = await holds(ctx, s);
        } catch {
          ok = false; // a scrape that fails is not a detection
        }
        if (stopped) return;
        // A poll sent before the fault but answered after it says nothing either way: the alert may
        // have begun with the fault. Neither disarm nor detect on it; the next poll decides.
        if (ok && !afterFault && faultBegan) continue;
        if (!ok) {
          armed[i] = true;
          continue;
        }
        if (!afterFault) {
          armed[i] = false;
          if (!warned[i]) {
            warned[i] = true;
            ctx.log(`detection signal "${describeSignal(s)}" already holds before the fault: a false alarm, counted only once it clears and holds again`);
          }
          continue;
        }
        if (!armed[i]) continue;
        stopped = true;
        const desc = describeSignal(s);
        ctx.journal.update((j) => (j.detection = { signal: desc, at: new Date().toISOString() }));
        ctx.events.emit('detection', `detected: ${desc}`, { data: { signal: desc } });
        return;
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  };
  void loop();
  return {
    faultStarted() {
      faultBegan = true;
    },
    stop() {
      stopped = true;
    },
  };
}
