/**
 * The alert watch: from the baseline to the end of the load, read every alerting rule's state from
 * Prometheus (`/api/v1/rules?type=alert`: each rule's `for:` and its active alerts with `activeAt`)
 * and keep, per alert name and severity, when it went pending, when it fired (`activeAt` + `for`,
 * the evaluation that turned it firing), and when it resolved. The journal's `alerts` record is
 * updated as states change; the scorecard turns it into the alert timeline and time to detect.
 *
 * With no Prometheus the watch records that, once, and the drill falls back to its metric detection
 * signals (detection.ts).
 */
import type { AlertObservation, AlertWatchRecord } from '@drillbook/contracts';
import type { DrillContext } from './context.js';

interface RuleAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
  activeAt?: string;
}
interface AlertRule {
  type: 'alerting' | 'recording';
  name: string;
  /** `for:` in seconds. */
  duration?: number;
  labels?: Record<string, string>;
  alerts?: RuleAlert[];
}
interface RulesResponse {
  status: string;
  data: { groups: Array<{ rules: AlertRule[] }> };
}

/** Severity as the generated rules carry it: Sloth's `sloth_severity` on SLO alerts, `severity` on platform alerts. */
export function severityOf(labels: Record<string, string> | undefined): string | null {
  return labels?.sloth_severity ?? labels?.severity ?? null;
}

const keyOf = (name: string, severity: string | null) => `${name}\u0000${severity ?? ''}`;

/** Pure: fold one `/api/v1/rules` answer, polled at `now`, into the observations. */
export function foldRules(
  obs: Map<string, AlertObservation>,
  rules: AlertRule[],
  now: Date,
  faultBegan: boolean,
): boolean {
  let changed = false;
  const active = new Set<string>();
  for (const r of rules) {
    if (r.type !== 'alerting') continue;
    const forS = r.duration ?? 0;
    // Group the rule's active instances (one per label set) under the rule's name and severity.
    for (const a of r.alerts ?? []) {
      if (a.state !== 'pending' && a.state !== 'firing') continue;
      const severity = severityOf({ ...r.labels, ...a.labels });
      const key = keyOf(r.name, severity);
      active.add(key);
      let o = obs.get(key);
      if (!o) {
        o = { alertname: r.name, severity, forS, pendingAt: null, firingAt: null, resolvedAt: null, firedInBaseline: false };
        obs.set(key, o);
        changed = true;
      }
      if (o.resolvedAt !== null) {
        o.resolvedAt = null; // active again
        changed = true;
      }
      const activeAt = a.activeAt ? new Date(a.activeAt) : now;
      if (o.pendingAt === null || activeAt.getTime() < Date.parse(o.pendingAt)) {
        o.pendingAt = activeAt.toISOString();
        changed = true;
      }
      if (a.state === 'firing') {
        const firedAt = new Date(Math.min(now.getTime(), activeAt.getTime() + forS * 1000)).toISOString();
        if (o.firingAt === null || Date.parse(firedAt) < Date.parse(o.firingAt)) {
          o.firingAt = firedAt;
          changed = true;
        }
        if (!faultBegan && !o.firedInBaseline) {
          o.firedInBaseline = true;
          changed = true;
        }
      }
    }
  }
  for (const [key, o] of obs) {
    if (!active.has(key) && o.resolvedAt === null && (o.pendingAt !== null || o.firingAt !== null)) {
      o.resolvedAt = now.toISOString();
      changed = true;
    }
  }
  return changed;
}

export interface AlertWatch {
  faultStarted(): void;
  /** Takes one last reading and ends the watch. */
  stop(): Promise<void>;
}

/** The `for:` of every alerting rule Prometheus has, by name (for notes on expected alerts it lacks). */
function ruleNames(rules: AlertRule[]): Set<string> {
  return new Set(rules.filter((r) => r.type === 'alerting').map((r) => r.name));
}

export function startAlertWatch(ctx: DrillContext, prometheusUrl: string | undefined, intervalMs = 1000): AlertWatch {
  const startedAt = new Date().toISOString();
  if (!prometheusUrl) {
    const note = 'no Prometheus (none installed for the embedded stack, none given with --prometheus): alerts not watched; time to detect from the runbook\'s metric detection signals only';
    ctx.log(note);
    ctx.journal.update((j) => (j.alerts = { prometheus: null, note, startedAt, alerts: [] }));
    return { faultStarted() {}, stop: async () => {} };
  }
  const base = prometheusUrl.replace(/\/$/, '');
  const record: AlertWatchRecord = { prometheus: base, startedAt, alerts: [] };
  ctx.journal.update((j) => (j.alerts = record));
  const obs = new Map<string, AlertObservation>();
  let faultBegan = false;
  let stopped = false;
  let failures = 0;
  let checkedExpected = false;
  const announced = new Set<string>();
  const poll = async (): Promise<void> => {
    const afterFault = faultBegan; // judged by when the poll was sent
    const now = new Date();
    let rules: AlertRule[];
    try {
      const res = await fetch(`${base}/api/v1/rules?type=alert`, { signal: AbortSignal.timeout(3000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      rules = ((await res.json()) as RulesResponse).data.groups.flatMap((g) => g.rules);
    } catch (e) {
      if (failures++ === 0) {
        const note = `Prometheus ${base} did not answer /api/v1/rules (${(e as Error).message}): alert states may be missing`;
        ctx.log(note);
        ctx.journal.update((j) => j.alerts && (j.alerts.note = note));
      }
      return;
    }
    if (!checkedExpected) {
      checkedExpected = true;
      const have = ruleNames(rules);
      const e = ctx.runbook.expectedAlerts;
      const missing = [...new Set([...(e?.page ?? []), ...(e?.ticket ?? [])])].filter((n) => !have.has(n));
      if (missing.length) {
        const note = `expected alert${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not a rule in Prometheus ${base}: ${missing.length > 1 ? 'they' : 'it'} cannot fire`;
        ctx.log(note);
        ctx.journal.update((j) => j.alerts && (j.alerts.note = note));
      }
    }
    if (foldRules(obs, rules, now, afterFault)) {
      const alerts = [...obs.values()].map((o) => ({ ...o }));
      ctx.journal.update((j) => j.alerts && (j.alerts.alerts = alerts));
      for (const o of alerts) {
        const key = keyOf(o.alertname, o.severity);
        if (!o.firingAt || announced.has(key)) continue;
        announced.add(key);
        ctx.events.emit('detection', `alert ${o.alertname}${o.severity ? ` (${o.severity})` : ''} firing`, { data: { alertname: o.alertname, severity: o.severity, state: 'firing', firingAt: o.firingAt } });
      }
    }
  };
  const loop = (async () => {
    while (!stopped && !ctx.signal.aborted) {
      await poll();
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    faultStarted() {
      faultBegan = true;
    },
    async stop() {
      stopped = true;
      await loop;
      await poll(); // the states at the end of the drill: what is still pending gets its projection
      ctx.journal.update((j) => j.alerts && (j.alerts.endedAt = new Date().toISOString()));
    },
  };
}
