/** Game-day metrics, registered on the controller's registry. */
import { Gauge, type Registry } from 'prom-client';
import type { Regression } from '@drillbook/contracts';

export const GAMEDAY_METRIC = {
  drillRegressed: 'drillbook_drill_regressed',
  resilienceScore: 'drillbook_service_resilience_score',
} as const;

export class GameDayMetrics {
  private readonly regressedG: Gauge;
  private readonly resilienceG: Gauge;
  private readonly latestAt = new Map<string, number>();

  constructor(registry: Registry) {
    this.regressedG = new Gauge({ name: GAMEDAY_METRIC.drillRegressed, help: 'Whether the latest scored drill of a runbook on a service regressed against its recent passed history (1) or not (0).', labelNames: ['service', 'runbook'], registers: [registry] });
    this.resilienceG = new Gauge({ name: GAMEDAY_METRIC.resilienceScore, help: "Resilience score 0-100 of a service: its runbooks' latest drill scores, each weighted down by half for every 30 days (halfLifeDays) without a run.", labelNames: ['service'], registers: [registry] });
  }

  /** Keeps the newest comparison per (service, runbook). */
  regressed(r: Regression): void {
    const k = `${r.service}|${r.runbook}`;
    const at = Date.parse(r.at);
    if ((this.latestAt.get(k) ?? -Infinity) > at) return;
    this.latestAt.set(k, at);
    this.regressedG.set({ service: r.service, runbook: r.runbook }, r.regressed ? 1 : 0);
  }

  resilience(service: string, score: number | null): void {
    if (score === null) this.resilienceG.remove({ service });
    else this.resilienceG.set({ service }, score);
  }
}
