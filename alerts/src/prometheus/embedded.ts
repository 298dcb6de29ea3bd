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
  return { prometheus, note: `Prometheus ${prometheus.url} scrapes the stack every ${interval} and evaluates the generated alert rules (for: as generated)` };
}
