/**
 * Prometheus in the loop for the embedded reference stack: when Debian's `prometheus` is installed
 * (or $PROMETHEUS names a binary), start one on 127.0.0.1 that scrapes the stack's gateway and
 * replicas every second and evaluates the generated rules (`alerts/generated/`) every second. The
 * rules' `for:` stay as generated, so a drill shorter than an alert's `for:` sees it pending and
 * reports its projected firing time. `DRILLBOOK_PROMETHEUS=off` opts out.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { generatedRuleFiles } from '../generatedFiles.js';
import { referenceScrapeJobs, type ReferenceStackEndpoints } from './config.js';
import { startPrometheus, type RunningPrometheus } from './server.js';

/** Path of the Prometheus binary to use, or null when none is installed (or it is switched off). */
export function prometheusBinary(env: NodeJS.ProcessEnv = process.env): string | null {
  if (/^(off|0|false|no)$/i.test(env.DRILLBOOK_PROMETHEUS ?? '')) return null;
  const candidates = env.PROMETHEUS ? [env.PROMETHEUS] : [...(env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'prometheus')), '/usr/bin/prometheus'];
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      /* next */
    }
  }
  return null;
}

export interface EmbeddedPrometheusOptions {
  endpoints: ReferenceStackEndpoints;
  /** Rule files (default: every generated `*.rules.yaml`). */
  ruleFiles?: string[];
  /** Default 1s. */
  interval?: string;
  dir?: string;
  /** How long to wait for every target's first scrape (default 10 s). */
  firstScrapeTimeoutMs?: number;
}

/**
 * Wait until Prometheus has scraped every target once. An alert on a counter (`increase()`) only sees
 * an event if a sample from before it exists: a drill that starts its fault before the first scrape
 * (a fresh Prometheus per drill) would hide the event from the alert.
 */
export async function waitForFirstScrape(url: string, timeoutMs: number): Promise<{ ok: boolean; waitedMs: number; pending: string[] }> {
  const started = Date.now();
  let pending: string[] = ['(targets not listed yet)'];
  while (Date.now() - started < timeoutMs) {
    try {
      const res = await fetch(`${url}/api/v1/targets?state=active`, { signal: AbortSignal.timeout(2000) });
      const body = (await res.json()) as { data?: { activeTargets?: Array<{ health: string; scrapeUrl: string }> } };
      const targets = body.data?.activeTargets ?? [];
      pending = targets.filter((t) => t.health === 'unknown').map((t) => t.scrapeUrl);
      if (targets.length > 0 && pending.length === 0) return { ok: true, waitedMs: Date.now() - started, pending };
    } catch {
      /* not answering yet: retry */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { ok: false, waitedMs: Date.now() - started, pending };
}

/** Start Prometheus for the embedded stack; null (with the reason) when none is installed. */
export async function startEmbeddedPrometheus(opts: EmbeddedPrometheusOptions): Promise<{ prometheus: RunningPrometheus | null; note: string }> {
  const binary = prometheusBinary();
  if (!binary) {
    return {
      prometheus: null,
      note: process.env.DRILLBOOK_PROMETHEUS
        ? `Prometheus switched off (DRILLBOOK_PROMETHEUS=${process.env.DRILLBOOK_PROMETHEUS}): alerts are not watched, detection falls back to the runbooks' metric signals`
        : 'no Prometheus installed (apt-get install prometheus, or set $PROMETHEUS): alerts are not watched, detection falls back to the runbooks\' metric signals',
    };
  }
  const interval = opts.interval ?? '1s';
  if (opts.dir) mkdirSync(opts.dir, { recursive: true });
  const prometheus = await startPrometheus({
    binary,
    jobs: referenceScrapeJobs(opts.endpoints),
    ruleFiles: opts.ruleFiles ?? generatedRuleFiles(),
    scrapeInterval: interval,
    evaluationInterval: interval,
    ...(opts.dir ? { dir: opts.dir } : {}),
  });
  const scraped = await waitForFirstScrape(prometheus.url, opts.firstScrapeTimeoutMs ?? 10_000);
  if (!scraped.ok) process.stderr.write(`[prometheus] not every target scraped yet after ${scraped.waitedMs} ms (${scraped.pending.join(', ')}); alerts on counters may miss their first event\n`);
  return { prometheus, note: `Prometheus ${prometheus.url} scrapes the stack every ${interval} and evaluates the generated alert rules (for: as generated)` };
}
