/**
 * Service-reported SLIs for the scorecard: the PromQL SLIs configured for the drill's service
 * (`services[].slis` in the controller config, the same ones the catalogue shows), evaluated by
 * Prometheus over each load phase and over the whole drill, beside the figures the drill's own load
 * measured.
 *
 * Each window is one instant query at the phase end with Sloth's `{{.window}}` set to the phase
 * length in whole seconds (at least 1s), e.g. for a 20 s fault phase ending at 12:00:40:
 *
 *   sum(rate(nv_inference_request_failure[20s])) / sum(rate(nv_inference_request_success[20s]) + ...)  @ 12:00:40
 *
 * This runs before the (pure, synchronous) scorecard computation; its result is an input of it.
 * Nothing here throws: no Prometheus, a failed query or an empty answer is a `null` value and a note
 * saying why, so an objective on it is `no-data`, never `missed`.
 */
import type { LoadPhaseName, ServiceSli, ServiceSliWindow } from '@drillbook/contracts';
import { PrometheusClient } from '@drillbook/alerts';
import { withWindow, type PromqlSli } from '../catalogue/promqlSlis.js';
import { ms, round } from './steps/util.js';

export interface PhaseWindow {
  phase: LoadPhaseName;
  start: string;
  end: string;
}

/** What the evaluation needs from Prometheus (PrometheusClient; a fake in unit tests). */
export interface InstantQuerier {
  query(expr: string, at?: Date): Promise<Array<{ value: number }>>;
}

export interface ServiceSliInput {
  slis: readonly PromqlSli[];
  /** Prometheus base URL; undefined when the controller has none. */
  prometheusUrl?: string;
  /** The load phases that ran (wall clock). */
  windows: readonly PhaseWindow[];
  /** The scorecard's time origin (ms since epoch): `startS`/`endS` are seconds since it. */
  origin: number;
  querier?: InstantQuerier;
  timeoutMs?: number;
}

/** `{{.window}}` for a phase: its length in whole seconds, at least 1s. */
export function windowOf(startMs: number, endMs: number): string {
  return `${Math.max(1, Math.round((endMs - startMs) / 1000))}s`;
}

/** The windows an SLI is evaluated over: each load phase, then the whole drill (first start to last end). */
export function evaluationWindows(windows: readonly PhaseWindow[]): Array<{ phase: ServiceSliWindow['phase']; startMs: number; endMs: number }> {
  const out: Array<{ phase: ServiceSliWindow['phase']; startMs: number; endMs: number }> = windows
    .map((w) => ({ phase: w.phase as ServiceSliWindow['phase'], startMs: ms(w.start), endMs: ms(w.end) }))
    .filter((w) => Number.isFinite(w.startMs) && Number.isFinite(w.endMs) && w.endMs > w.startMs);
  if (out.length) out.push({ phase: 'drill', startMs: Math.min(...out.map((w) => w.startMs)), endMs: Math.max(...out.map((w) => w.endMs)) });
  return out;
}

function withTimeout<T>(p: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<T>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** `promql: <query>` — the source every service-reported figure names. */
export const sourceOf = (s: PromqlSli) => `promql: ${s.errorRatio}`;

export async function evaluateServiceSlis(input: ServiceSliInput): Promise<ServiceSli[]> {
  const { slis, prometheusUrl, origin } = input;
  const querier = input.querier ?? (prometheusUrl ? new PrometheusClient(prometheusUrl) : null);
  const timeoutMs = input.timeoutMs ?? 5000;
  const rel = (t: number) => round((t - origin) / 1000, 3);
  const windows = evaluationWindows(input.windows);
  return Promise.all(
    slis.map(async (s): Promise<ServiceSli> => {
      const notes = new Set<string>();
      if (!querier) notes.add('no Prometheus configured (set "prometheus.url" in the controller config): objectives on this SLI are no-data, the load-measured SLIs still count');
      if (!windows.length) notes.add('no load phase ran, so there is no window to evaluate');
      const evaluated = await Promise.all(
        windows.map(async (w): Promise<ServiceSliWindow> => {
          const window = windowOf(w.startMs, w.endMs);
          const query = withWindow(s.errorRatio, window);
          const base = { phase: w.phase, startS: rel(w.startMs), endS: rel(w.endMs), window, at: new Date(w.endMs).toISOString(), query };
          if (!querier) return { ...base, value: null };
          try {
            const samples = await withTimeout(querier.query(query, new Date(w.endMs)), timeoutMs, 'the query');
            if (samples.length > 1) {
              notes.add(`the query returned ${samples.length} series; an SLI query must aggregate to one (wrap it in sum(...))`);
              return { ...base, value: null };
            }
            const v = samples[0]?.value;
            if (v === undefined || !Number.isFinite(v)) {
              notes.add(`Prometheus returned no sample for the ${w.phase} window${v !== undefined ? ` (${v}: no requests counted)` : ''} — no traffic in the window, the series are not scraped, or the window is shorter than two scrapes`);
              return { ...base, value: null };
            }
            return { ...base, value: round(v, 6) };
          } catch (e) {
            notes.add(`the ${w.phase} query failed: ${(e as Error).message}`);
            return { ...base, value: null };
          }
        }),
      );
      return { name: s.name, title: s.title ?? s.name, source: sourceOf(s), prometheusUrl: prometheusUrl ?? null, note: notes.size ? [...notes].join('; ') : null, windows: evaluated };
    }),
  );
}

/** The figure an objective on `name` over `phase` gets, with its source; null when the service has no such SLI. */
export function serviceSliFigure(slis: readonly ServiceSli[] | undefined, name: string, phase: ServiceSliWindow['phase']): { value: number | null; source: string; note: string | null } | null {
  const s = slis?.find((x) => x.name === name);
  if (!s) return null;
  const w = s.windows.find((x) => x.phase === phase);
  const where = s.prometheusUrl ? ` @ ${s.prometheusUrl}` : ' (no Prometheus configured)';
  if (!w) return { value: null, source: `${s.source}${where}`, note: s.note ?? `no ${phase} window was evaluated` };
  return { value: w.value, source: `promql: ${w.query}${where}, at ${w.at}`, note: w.value === null ? (s.note ?? 'Prometheus returned no sample') : null };
}
