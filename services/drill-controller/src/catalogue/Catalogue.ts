/**
 * The catalogue's live half: every service's replicas, model version, SLO and GPU figures,
 * refreshed in the background on an interval and served from memory, so a catalogue read never
 * waits on a scrape or a query. Prometheus when configured, the services' own endpoints otherwise.
 */
import type { SloModel } from '@drillbook/alerts';
import type { GpuStatus, SloStatus } from '@drillbook/contracts';
import { PrometheusSource } from './promSource.js';
import { majorityVersion, ScrapeSource } from './scrapeSource.js';
import { PromqlSliSource, type PromqlSli } from './promqlSlis.js';
import type { CatalogueTargets, LiveService } from './types.js';

export interface CatalogueService {
  id: string;
  slos: SloModel[];
  prometheus: { matchers?: string; replicaSelector: string };
  gpu: { dcgmSelector?: string };
  /** SLIs from configured PromQL (a foreign service's own metrics, e.g. Triton's), beside the spec SLOs. */
  promqlSlis?: PromqlSli[];
  /** Where the service is right now (the embedded stack's, a static list, or the gateway's admin API). */
  targets(): Promise<CatalogueTargets>;
}

/**
 * Controllers in HA (server/ha): only the leader reads the services and publishes what it read;
 * the others serve the leader's figures, so a refresh runs once across the controllers.
 */
export interface SharedRefresh {
  /** True when this controller leads the refresh now (`ha.lead`). */
  lead(): Promise<boolean>;
  publish(service: string, live: LiveService): Promise<void>;
  read(service: string): Promise<LiveService | null>;
}

interface Entry {
  svc: CatalogueService;
  scrape: ScrapeSource;
  prom: PrometheusSource | null;
  promql: PromqlSliSource | null;
  live: LiveService;
}

function pending(svc: CatalogueService, prometheusUrl: string | undefined): LiveService {
  const at = new Date().toISOString();
  const source = { kind: prometheusUrl ? ('prometheus' as const) : ('scrape' as const), ...(prometheusUrl ? { url: prometheusUrl } : {}), at, detail: 'first refresh pending' };
  const slos: SloStatus[] = svc.slos.map((m) => ({
    name: m.id,
    title: m.displayName,
    sli: 'availability',
    objective: m.objective,
    periodDays: m.periodDays,
    attainment: null,
    errorBudgetRemaining: null,
    burnRate: null,
    burnRates: [],
    thresholds: { page: [], ticket: [] },
    budgetHistory: [],
    source,
  }));
  const gpu: GpuStatus = { present: false, devices: [], source, message: 'not read yet' };
  return { gatewayUrl: null, replicas: [], modelVersion: null, slos, gpu, at };
}

export class Catalogue {
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    services: CatalogueService[],
    private readonly opts: { intervalMs: number; prometheusUrl?: string; log?: (line: string) => void; shared?: SharedRefresh },
  ) {
    for (const svc of services) {
      this.entries.set(svc.id, {
        svc,
        scrape: new ScrapeSource(svc.slos, opts.intervalMs),
        prom: opts.prometheusUrl ? new PrometheusSource(opts.prometheusUrl, svc.slos, { service: svc.id, ...svc.prometheus, dcgmSelector: svc.gpu.dcgmSelector }) : null,
        promql: svc.promqlSlis?.length ? new PromqlSliSource(opts.prometheusUrl, svc.id, svc.promqlSlis) : null,
        live: pending(svc, opts.prometheusUrl),
      });
    }
  }

  /** First refresh, then one every interval. */
  async start(): Promise<void> {
    await this.refresh();
    const tick = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => void this.refresh().finally(tick), this.opts.intervalMs);
      this.timer.unref();
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  live(id: string): LiveService | undefined {
    return this.entries.get(id)?.live;
  }

  /** Refresh every service now (one refresh at a time; a caller during one waits for it). */
  refresh(): Promise<void> {
    if (!this.running) {
      this.running = this.refreshAll().then(
        () => {
          this.running = null;
        },
        () => {
          this.running = null;
        },
      );
    }
    return this.running;
  }

  private async refreshAll(): Promise<void> {
    const entries = [...this.entries.values()];
    const shared = this.opts.shared;
    if (shared && !(await shared.lead().catch(() => false))) {
      // Another controller leads: serve what it published (kept as is when there is nothing yet).
      for (const e of entries) {
        const live = await shared.read(e.svc.id).catch(() => null);
        if (live) e.live = live;
      }
      return;
    }
    await Promise.all(entries.map((e) => this.refreshOne(e)));
    if (shared) for (const e of entries) await shared.publish(e.svc.id, e.live).catch((err: Error) => this.opts.log?.(`catalogue: figures of ${e.svc.id} not shared: ${err.message}`));
  }

  private async refreshOne(e: Entry): Promise<void> {
    try {
      const targets = await e.svc.targets();
      const scraped = await e.scrape.collect(targets);
      const foreign = e.promql ? await e.promql.collect() : [];
      if (!e.prom) {
        e.live = { ...scraped, slos: [...scraped.slos, ...foreign], at: new Date().toISOString() };
        return;
      }
      const p = await e.prom.collect();
      // Replica readiness is always read from the replicas themselves; versions from Prometheus when it has them.
      const replicas = scraped.replicas.map((r) => ({ ...r, modelVersion: r.modelVersion ?? p.versions.get(r.id) ?? null }));
      e.live = {
        gatewayUrl: scraped.gatewayUrl,
        replicas,
        modelVersion: majorityVersion(replicas.length ? replicas.map((r) => r.modelVersion) : [...p.versions.values()]),
        slos: [...p.slos, ...foreign],
        gpu: p.gpu,
        at: new Date().toISOString(),
      };
    } catch (err) {
      this.opts.log?.(`catalogue: refresh of ${e.svc.id} failed: ${(err as Error).message}`);
    }
  }
}
