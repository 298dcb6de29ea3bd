/**
 * Each service's last drill and score trend, kept in memory for catalogue reads and reloaded from
 * the store when one of its drills changes state.
 */
import { DRILL_STATUSES, type DrillStatus, type DrillSummary, type ScorePoint } from '@drillbook/contracts';
import type { Store } from '../../store/types.js';
import { toSummary } from './summary.js';

const TREND = 20;

export class DrillHistory {
  private readonly last = new Map<string, DrillSummary>();
  private readonly trend = new Map<string, ScorePoint[]>();

  constructor(private readonly store: Store) {}

  async reload(service: string): Promise<void> {
    const drills = await this.store.listDrills({ service, limit: 50, dryRuns: false });
    if (drills[0]) this.last.set(service, toSummary(drills[0]));
    else this.last.delete(service);
    this.trend.set(
      service,
      drills
        .filter((d) => d.score !== null && (DRILL_STATUSES as readonly string[]).includes(d.state))
        .slice(0, TREND)
        .reverse()
        .map((d) => ({ drillId: d.id, at: d.endedAt ?? d.createdAt, score: d.score!, status: d.state as DrillStatus, runbook: d.runbook })),
    );
  }

  lastDrill(service: string): DrillSummary | null {
    return this.last.get(service) ?? null;
  }

  scoreTrend(service: string): ScorePoint[] {
    return this.trend.get(service) ?? [];
  }
}
