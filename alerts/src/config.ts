/**
 * Per-service settings of the non-SLO alerts (the SLO alerts come from the specs), and the scrape
 * job names every query assumes. The reference stack's Prometheus must scrape the gateway as job
 * `recsys-gateway` and the replicas as job `recsys-replica` (with `replica` and `zone` static labels).
 */
export const SCRAPE_JOBS = {
  gateway: 'recsys-gateway',
  replica: 'recsys-replica',
  controller: 'drillbook-controller',
} as const;

export const RECOMMEND_ROUTE = '/v1/recommend';

/**
 * Generator-wide settings. `runbookBaseUrl` is the absolute URL where the team publishes
 * `runbooks/on-call.md`; every `runbook_url` is `<runbookBaseUrl>#<alert anchor>`. The committed
 * files use this placeholder (a reserved example.com host): set your own here, or pass
 * DRILLBOOK_RUNBOOK_BASE_URL to `npm run gen` for a deployment.
 */
export const ALERTS_CONFIG = {
  runbookBaseUrl: 'https://drillbook.example.com/runbooks/on-call.md',
} as const;

export interface ServiceAlertConfig {
  service: string;
  jobs: { gateway: string; replica: string };
  route: string;
  fallbackRate: { threshold: number; for: string; minRequestsPerSecond: number };
  modelNotLoaded: { for: string };
  upstreamDown: { for: string };
  acceleratorSaturation: { threshold: number; for: string };
  gpuSaturation: { threshold: number; for: string };
  drift: { psi: number; kl: number; minWindowSamples: number; for: string };
}

export const RECSYS_REFERENCE: ServiceAlertConfig = {
  service: 'recsys-reference',
  jobs: { gateway: SCRAPE_JOBS.gateway, replica: SCRAPE_JOBS.replica },
  route: RECOMMEND_ROUTE,
  fallbackRate: { threshold: 0.05, for: '2m', minRequestsPerSecond: 0.1 },
  modelNotLoaded: { for: '2m' },
  upstreamDown: { for: '1m' },
  acceleratorSaturation: { threshold: 0.9, for: '2m' },
  gpuSaturation: { threshold: 0.9, for: '5m' },
  // PSI > 0.25 is the usual "significant shift"; KL 0.1 nats is about the same shift one-sided.
  drift: { psi: 0.25, kl: 0.1, minWindowSamples: 100, for: '5m' },
};

/** Services with platform alerts, by the `spec.service` of their SLO specs. */
export const SERVICE_ALERT_CONFIGS: Readonly<Record<string, ServiceAlertConfig>> = {
  [RECSYS_REFERENCE.service]: RECSYS_REFERENCE,
};
