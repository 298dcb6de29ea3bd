/**
 * Live figures of one service from Prometheus: the Sloth-compatible recording rules the alert
 * generator writes (`slo:sli_error:ratio_rate<w>`, `slo:period_error_budget_remaining:ratio`,
 * `slo:current_burn_rate:ratio`, by `sloth_service`/`sloth_slo`), DCGM exporter series for GPUs
 * (the replicas' own accelerator gauges when no exporter runs) and `recsys_model_info`.
 */
import type { DataSource, GpuDevice, GpuStatus, SloStatus } from '@drillbook/contracts';
import { DCGM, METRIC, SLO_RECORDING } from '@drillbook/contracts';
import { PrometheusClient, type SloModel } from '@drillbook/alerts';
import type { Sample as PromSample } from '@drillbook/alerts';
import { BURN_WINDOWS } from './sloFigures.js';
import { BURN_THRESHOLDS, sliKind } from './sloKind.js';
import { gpuFromReplicas } from './gpu.js';

export interface PromServiceOptions {
  service: string;
  /** Extra label matchers for the SLO queries, e.g. `cluster="eu-1"`. */
  matchers?: string;
  replicaSelector: string;
  dcgmSelector?: string;
}

const sel = (...parts: Array<string | undefined>) => `{${parts.filter(Boolean).join(',')}}`;
const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
const round = (x: number) => Math.round(x * 1e6) / 1e6;
const finite = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : v);

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms).unref())]);
}

export interface PromFigures {
  slos: SloStatus[];
  gpu: GpuStatus;
  /** Serving version per replica id (from `recsys_model_info`), when Prometheus has it. */
  versions: Map<string, string>;
}

export class PrometheusSource {
  private readonly client: PrometheusClient;
  private history: { at: number; byslo: Map<string, Array<{ t: string; remaining: number }>> } | null = null;

  constructor(
    readonly url: string,
    private readonly slos: SloModel[],
    private readonly opts: PromServiceOptions,
    private readonly timeoutMs = 3000,
  ) {
    this.client = new PrometheusClient(url);
  }

  private q(expr: string): Promise<PromSample[]> {
    return withTimeout(this.client.query(expr), this.timeoutMs, `Prometheus query ${expr}`);
  }

  async collect(now = Date.now()): Promise<PromFigures> {
    const at = new Date(now).toISOString();
    const [slos, gpu, versions] = await Promise.all([this.sloStatuses(now, at), this.gpu(at), this.versions()]);
    return { slos, gpu, versions };
  }

  private async sloStatuses(now: number, at: string): Promise<SloStatus[]> {
    const svc = `sloth_service="${esc(this.opts.service)}"`;
    let samples: PromSample[] = [];
    let error: string | null = null;
    try {
      samples = await this.q(`${sel(`__name__=~"slo:(sli_error:ratio_rate.+|period_error_budget_remaining:ratio|current_burn_rate:ratio)"`, svc, this.opts.matchers)}`);
      await this.budgetHistory(now, svc);
    } catch (e) {
      error = (e as Error).message;
    }
    return this.slos.map((m) => {
      const mine = samples.filter((s) => s.labels.sloth_slo === m.slothSlo);
      const value = (name: string) => finite(mine.find((s) => s.labels.__name__ === name)?.value);
      const budget = 1 - m.objective;
      const periodRatio = value(SLO_RECORDING.errorRatio(m.period));
      const source: DataSource = { kind: 'prometheus', url: this.url, at };
      if (error) source.detail = `query failed: ${error}`;
      else if (!mine.length) source.detail = `Prometheus has no slo:* series for ${svc},sloth_slo="${m.slothSlo}": load the generated recording rules (alerts/generated) and scrape the service`;
      else source.detail = `Sloth recording rules: attainment and budget over the rolling ${m.period} period, as far back as Prometheus has data`;
      return {
        name: m.id,
        title: m.displayName,
        sli: sliKind(m),
        objective: m.objective,
        periodDays: m.periodDays,
        attainment: periodRatio === null ? null : round(1 - periodRatio),
        errorBudgetRemaining: value(SLO_RECORDING.periodBudgetRemaining),
        burnRate: value(SLO_RECORDING.currentBurnRate),
        burnRates: BURN_WINDOWS.map((w) => {
          const r = value(SLO_RECORDING.errorRatio(w));
          return { window: w, value: r === null ? null : round(r / budget) };
        }),
        thresholds: BURN_THRESHOLDS,
        budgetHistory: this.history?.byslo.get(m.slothSlo) ?? [],
        source,
      };
    });
  }

  /** Budget burn-down over the last day, hourly; refreshed every five minutes. */
  private async budgetHistory(now: number, svc: string): Promise<void> {
    if (this.history && now - this.history.at < 300_000) return;
    const series = await withTimeout(
      this.client.queryRange(`${SLO_RECORDING.periodBudgetRemaining}${sel(svc, this.opts.matchers)}`, new Date(now - 86_400_000), new Date(now), 3600),
      this.timeoutMs,
      'Prometheus budget history',
    );
    const byslo = new Map<string, Array<{ t: string; remaining: number }>>();
    for (const s of series) byslo.set(s.labels.sloth_slo, s.values.filter((v) => Number.isFinite(v.value)).map((v) => ({ t: new Date(v.timestamp * 1000).toISOString(), remaining: round(v.value) })));
    this.history = { at: now, byslo };
  }

  private async gpu(at: string): Promise<GpuStatus> {
    const source: DataSource = { kind: 'prometheus', url: this.url, at };
    try {
      if (this.opts.dcgmSelector) {
        const s = sel(this.opts.dcgmSelector);
        const [util, engine, used, free] = await Promise.all([DCGM.gpuUtil, DCGM.grEngineActive, DCGM.fbUsed, DCGM.fbFree].map((m) => this.q(`${m}${s}`)));
        if (util.length || engine.length) return { present: true, devices: dcgmDevices(util, engine, used, free), source: { ...source, detail: `DCGM exporter series ${s}` } };
      }
      const r = sel(this.opts.replicaSelector);
      const [present, util, used, total] = await Promise.all([METRIC.acceleratorPresent, METRIC.acceleratorUtilization, METRIC.acceleratorMemoryUsed, METRIC.acceleratorMemoryTotal].map((m) => this.q(`${m}${r}`)));
      const replicaOf = (l: Record<string, string>) => l.replica ?? l.pod ?? l.instance ?? 'unknown';
      const byReplica = new Map<string, Array<{ name: string; labels: Record<string, string>; value: number }>>();
      for (const [name, list] of [
        [METRIC.acceleratorPresent, present],
        [METRIC.acceleratorUtilization, util],
        [METRIC.acceleratorMemoryUsed, used],
        [METRIC.acceleratorMemoryTotal, total],
      ] as const) {
        for (const x of list) byReplica.set(replicaOf(x.labels), [...(byReplica.get(replicaOf(x.labels)) ?? []), { name, labels: x.labels, value: x.value }]);
      }
      const status = gpuFromReplicas([...byReplica.entries()].map(([replica, samples]) => ({ replica, samples })), {
        ...source,
        detail: `${this.opts.dcgmSelector ? `no DCGM series for ${sel(this.opts.dcgmSelector)}; ` : ''}replica gauges ${r}`,
      });
      return status;
    } catch (e) {
      return { present: false, devices: [], source: { ...source, detail: `query failed: ${(e as Error).message}` }, message: 'GPU state unknown: Prometheus could not be queried' };
    }
  }

  private async versions(): Promise<Map<string, string>> {
    try {
      const info = await this.q(`${METRIC.modelInfo}${sel(this.opts.replicaSelector)}`);
      return new Map(info.filter((s) => s.value === 1 && s.labels.version).map((s) => [s.labels.replica ?? s.labels.instance, s.labels.version]));
    } catch {
      return new Map();
    }
  }
}

/** DCGM series -> devices: utilisation from GR_ENGINE_ACTIVE (MIG) or GPU_UTIL (percent), framebuffer MiB -> bytes. */
export function dcgmDevices(util: PromSample[], engine: PromSample[], used: PromSample[], free: PromSample[]): GpuDevice[] {
  const id = (l: Record<string, string>) => `${l.Hostname ?? l.hostname ?? l.instance ?? ''}|${l.pod ?? ''}|${l.gpu ?? ''}|${l.GPU_I_ID ?? ''}`;
  const index = (list: PromSample[]) => new Map(list.map((s) => [id(s.labels), s.value]));
  const eng = index(engine);
  const u = index(used);
  const f = index(free);
  const seen = new Map<string, PromSample>();
  for (const s of [...engine, ...util]) if (!seen.has(id(s.labels))) seen.set(id(s.labels), s);
  const MiB = 1024 * 1024;
  return [...seen.entries()].map(([k, s]) => {
    const l = s.labels;
    const active = eng.get(k);
    const utilPct = util.find((x) => id(x.labels) === k)?.value;
    const usedMiB = u.get(k);
    const freeMiB = f.get(k);
    return {
      replica: l.pod || l.Hostname || l.hostname || l.instance || 'unknown',
      device: `gpu${l.gpu ?? '?'}${l.GPU_I_ID ? `/mig${l.GPU_I_ID}` : ''}`,
      kind: 'gpu' as const,
      utilization: active !== undefined ? finite(active) : utilPct !== undefined ? finite(utilPct / 100) : null,
      memoryUsedBytes: usedMiB !== undefined ? usedMiB * MiB : null,
      memoryTotalBytes: usedMiB !== undefined && freeMiB !== undefined ? (usedMiB + freeMiB) * MiB : null,
      ...(l.modelName ? { model: l.modelName } : {}),
    };
  });
}
