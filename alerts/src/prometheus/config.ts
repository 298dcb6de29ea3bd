/**
 * prometheus.yml for a Prometheus started by tests and the embedded stack: static scrape targets
 * with per-target labels (`replica`, `zone`), the generated rule files, short intervals.
 */
import { stringify } from 'yaml';
import { SCRAPE_JOBS } from '../config.js';

export interface ScrapeTarget {
  /** host:port, e.g. 127.0.0.1:9101. */
  address: string;
  /** Static labels added to every series of the target, e.g. { replica: 'r1', zone: 'zone-a' }. */
  labels?: Record<string, string>;
}

export interface ScrapeJob {
  job: string;
  targets: ScrapeTarget[];
  /** Default /metrics. */
  metricsPath?: string;
}

export interface PrometheusConfigOptions {
  jobs: readonly ScrapeJob[];
  /** Absolute paths of rule files to load. */
  ruleFiles?: readonly string[];
  /** Default "1s": tests want data fast. Also the scrape timeout. */
  scrapeInterval?: string;
  /** Default "1s". */
  evaluationInterval?: string;
}

export function prometheusConfig(opts: PrometheusConfigOptions): string {
  const scrapeInterval = opts.scrapeInterval ?? '1s';
  return stringify(
    {
      global: {
        scrape_interval: scrapeInterval,
        scrape_timeout: scrapeInterval,
        evaluation_interval: opts.evaluationInterval ?? '1s',
      },
      rule_files: [...(opts.ruleFiles ?? [])],
      scrape_configs: opts.jobs.map((j) => ({
        job_name: j.job,
        metrics_path: j.metricsPath ?? '/metrics',
        static_configs: j.targets.map((t) => ({ targets: [t.address], ...(t.labels ? { labels: t.labels } : {}) })),
      })),
    },
    { lineWidth: 0 },
  );
}

function hostPort(url: string): string {
  return new URL(url).host;
}

export interface ReferenceStackEndpoints {
  /** Base URL of the gateway, e.g. http://127.0.0.1:8080 (scraped at /metrics). */
  gateway: string;
  replicas: ReadonlyArray<{ id: string; zone: string; url: string }>;
  /** Base URL of the drill controller, when it runs. */
  controller?: string;
}

/**
 * The scrape jobs the generated rules and dashboards assume: the gateway as `recsys-gateway`, each
 * replica as `recsys-replica` with `replica` and `zone` labels, the controller as `drillbook-controller`.
 */
export function referenceScrapeJobs(stack: ReferenceStackEndpoints): ScrapeJob[] {
  const jobs: ScrapeJob[] = [
    { job: SCRAPE_JOBS.gateway, targets: [{ address: hostPort(stack.gateway) }] },
    {
      job: SCRAPE_JOBS.replica,
      targets: stack.replicas.map((r) => ({ address: hostPort(r.url), labels: { replica: r.id, zone: r.zone } })),
    },
  ];
  if (stack.controller) jobs.push({ job: SCRAPE_JOBS.controller, targets: [{ address: hostPort(stack.controller) }] });
  return jobs;
}
