import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { prometheusConfig, referenceScrapeJobs } from './config.js';

describe('Prometheus config for the reference stack', () => {
  it('scrapes the gateway, each replica with its replica and zone labels, and the controller under the jobs the rules expect', () => {
    const jobs = referenceScrapeJobs({
      gateway: 'http://127.0.0.1:8080',
      replicas: [
        { id: 'r1', zone: 'zone-a', url: 'http://127.0.0.1:9001' },
        { id: 'r2', zone: 'zone-b', url: 'http://127.0.0.1:9002/' },
      ],
      controller: 'http://127.0.0.1:7070',
    });
    const cfg = parse(prometheusConfig({ jobs, ruleFiles: ['/abs/a.rules.yaml'], scrapeInterval: '2s', evaluationInterval: '1s' }));
    expect(cfg.global).toEqual({ scrape_interval: '2s', scrape_timeout: '2s', evaluation_interval: '1s' });
    expect(cfg.rule_files).toEqual(['/abs/a.rules.yaml']);
    expect(cfg.scrape_configs).toEqual([
      { job_name: 'recsys-gateway', metrics_path: '/metrics', static_configs: [{ targets: ['127.0.0.1:8080'] }] },
      {
        job_name: 'recsys-replica',
        metrics_path: '/metrics',
        static_configs: [
          { targets: ['127.0.0.1:9001'], labels: { replica: 'r1', zone: 'zone-a' } },
          { targets: ['127.0.0.1:9002'], labels: { replica: 'r2', zone: 'zone-b' } },
        ],
      },
      { job_name: 'drillbook-controller', metrics_path: '/metrics', static_configs: [{ targets: ['127.0.0.1:7070'] }] },
    ]);
  });
});
