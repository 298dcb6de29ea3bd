/**
 * Live figures of one service from its own endpoints: the gateway's and replicas' `/metrics`
 * (labelled with the scrape jobs the SLO specs assume) and the replicas' `/readyz`. SLO figures
 * are over the window this controller has observed, and every figure names where it came from.
 */
import type { DataSource, ReplicaStatus, SloStatus } from '@drillbook/contracts';
import { METRIC } from '@drillbook/contracts';
import { SCRAPE_JOBS, type SloModel } from '@drillbook/alerts';
import { parsePromText, type Sample } from '../engine/promText.js';
import { CounterTracker, SloHistory } from './history.js';
import { formatSpan, observedFigures } from './sloFigures.js';
import { BURN_THRESHOLDS, sliKind } from './sloKind.js';
import { sumSelected } from './series.js';
import { gpuFromReplicas } from './gpu.js';
import type { CatalogueTargets, LiveService } from './types.js';

interface Scraped {
  url: string;
  labels: Record<string, string>;
  samples: Sample[] | null;
  error?: string;
}

async function getText(url: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, text: await res.text() };
}

async function scrapeOne(url: string, labels: Record<string, string>, timeoutMs: number): Promise<Scraped> {
  try {
    const r = await getText(`${url}/metrics`, timeoutMs);
    if (r.status !== 200) return { url, labels, samples: null, error: `HTTP ${r.status}` };
    return { url, labels, samples: parsePromText(r.text) };
  } catch (e) {
    return { url, labels, samples: null, error: (e as Error).name === 'TimeoutError' ? 'timed out' : (e as Error).message };
  }
}

async function readiness(url: string, timeoutMs: number): Promise<{ ready: boolean; version: string | null }> {
  try {
    const r = await getText(`${url}/readyz`, timeoutMs);
    const body = JSON.parse(r.text) as { model?: { version?: string } | null };
    return { ready: r.status === 200, version: body.model?.version ?? null };
  } catch {
    return { ready: false, version: null };
  }
}

/** The version most replicas serve (ties: the newest-looking, by string order). */
export function majorityVersion(versions: Array<string | null>): string | null {
  const counts = new Map<string, number>();
  for (const v of versions) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1))[0]?.[0] ?? null;
}

export class ScrapeSource {
  private readonly tracker = new CounterTracker();
  private readonly histories = new Map<string, SloHistory>();
  private startedAt: number | null = null;

  constructor(
    private readonly slos: SloModel[],
    private readonly intervalMs: number,
    private readonly timeoutMs = 2000,
  ) {
    for (const m of slos) this.histories.set(m.id, new SloHistory());
  }

  async collect(targets: CatalogueTargets, now = Date.now()): Promise<Omit<LiveService, 'at'>> {
    const at = new Date(now).toISOString();
    const [gateway, replicaScrapes, ready] = await Promise.all([
      targets.gatewayUrl ? scrapeOne(targets.gatewayUrl, { job: SCRAPE_JOBS.gateway }, this.timeoutMs) : Promise.resolve(null),
      Promise.all(targets.replicas.map((r) => scrapeOne(r.url, { job: SCRAPE_JOBS.replica, replica: r.id, zone: r.zone }, this.timeoutMs))),
      Promise.all(targets.replicas.map((r) => readiness(r.url, this.timeoutMs))),
    ]);
    const scraped = [...(gateway ? [gateway] : []), ...replicaScrapes];
    const ok = scraped.filter((s) => s.samples);
    if (ok.length && this.startedAt === null) this.startedAt = now;

    const replicas: ReplicaStatus[] = targets.replicas.map((r, i) => {
      const info = replicaScrapes[i].samples?.find((s) => s.name === METRIC.modelInfo);
      return { id: r.id, zone: r.zone, url: r.url, ready: ready[i].ready, modelVersion: ready[i].version ?? info?.labels.version ?? null };
    });

    const urls = scraped.map((s) => `${s.url}/metrics`).join(', ');
    const failed = scraped.filter((s) => !s.samples).map((s) => `${s.url}/metrics (${s.error})`);
    const slos = this.slos.map((m) => this.sloStatus(m, ok, now, at, urls, failed));
    const gpu = gpuFromReplicas(
      replicaScrapes.filter((s) => s.samples).map((s) => ({ replica: s.labels.replica, samples: s.samples! })),
      { kind: 'scrape', url: replicaScrapes.map((s) => `${s.url}/metrics`).join(', '), at, ...(replicaScrapes.some((s) => !s.samples) ? { detail: `not read: ${replicaScrapes.filter((s) => !s.samples).map((s) => `${s.labels.replica} (${s.error})`).join(', ')}` } : {}) },
    );
    return { gatewayUrl: targets.gatewayUrl, replicas, modelVersion: majorityVersion(replicas.map((r) => r.modelVersion)), slos, gpu };
  }

  private sloStatus(m: SloModel, ok: Scraped[], now: number, at: string, urls: string, failed: string[]): SloStatus {
    const h = this.histories.get(m.id)!;
    if (ok.length) {
      let events = 0;
      let total = 0;
      for (const s of ok) {
        const e = sumSelected(m.events, s.samples!, s.labels);
        const t = sumSelected(m.total, s.samples!, s.labels);
        if (e !== null) events += this.tracker.increase(`${m.id}|events|${s.url}`, e);
        if (t !== null) total += this.tracker.increase(`${m.id}|total|${s.url}`, t);
      }
      h.add(now, events, total);
    }
    const f = observedFigures({ objective: m.objective, form: m.form }, h, this.intervalMs);
    const source: DataSource = { kind: 'scrape', url: urls, at, detail: this.detail(m, f, failed) };
    return {
      name: m.id,
      title: m.displayName,
      sli: sliKind(m),
      objective: m.objective,
      periodDays: m.periodDays,
      attainment: f.attainment,
      errorBudgetRemaining: f.errorBudgetRemaining,
      burnRate: f.burnRate,
      burnRates: f.burnRates,
      thresholds: BURN_THRESHOLDS,
      budgetHistory: f.budgetHistory,
      source,
    };
  }

  private detail(m: SloModel, f: ReturnType<typeof observedFigures>, failed: string[]): string {
    const parts: string[] = [];
    if (this.startedAt === null) parts.push('no endpoint could be scraped yet');
    else if (f.observedMs === 0) parts.push(`first scrape at ${new Date(this.startedAt).toISOString()}; figures need a second one (every ${this.intervalMs / 1000} s)`);
    else {
      parts.push(`over the ${formatSpan(f.observedMs)} this controller has observed (since ${new Date(this.startedAt).toISOString()}), not the ${m.period} period`);
      if (f.attainment === null) parts.push('no matching events observed in that window');
      else parts.push(`${Math.round(f.events)} events${m.syntheticTraffic === 'exclude' ? ', drill and load traffic (synthetic="true") excluded' : ', drill and load traffic included'}`);
      if (f.burnRateWindow && f.burnRateWindow !== '5m') parts.push(`burn rate over the ${f.burnRateWindow} observed so far (5m window not yet observed)`);
    }
    if (failed.length) parts.push(`not reachable this time: ${failed.join(', ')}`);
    return parts.join('; ');
  }
}
