/**
 * Input drift: the replicas compare the live query-category and user-segment mix with the training
 * mix (PSI and KL divergence over a sliding window). Fires only when the window holds enough
 * samples, so a replica that just started cannot raise it.
 */
import { METRIC } from '@drillbook/contracts';
import { ALERTS } from '../../alertNames.js';
import type { ServiceAlertConfig } from '../../config.js';
import { formatNumber } from '../../spec/model.js';
import { runbookUrl } from '../runbook.js';
import type { AlertCase, PlatformAlert } from './types.js';

type Measure = 'psi' | 'kl';

function driftAlert(cfg: ServiceAlertConfig, runbookBase: string, measure: Measure): PlatformAlert {
  const metric = measure === 'psi' ? METRIC.driftPsi : METRIC.driftKl;
  const name = measure === 'psi' ? ALERTS.inputDriftPsi : ALERTS.inputDriftKl;
  const threshold = cfg.drift[measure];
  const label = measure === 'psi' ? 'PSI' : 'KL divergence';
  const job = cfg.jobs.replica;
  const samples = `${METRIC.driftWindowSamples}{job="${job}"}`;
  const drift = (dimension: string, value: number) => ({
    series: `${metric}{job="${job}",instance="127.0.0.1:9001",replica="r1",zone="zone-a",dimension="${dimension}"}`,
    values: `${formatNumber(value)}x20`,
  });
  const window = (n: number) => ({
    series: `${METRIC.driftWindowSamples}{job="${job}",instance="127.0.0.1:9001",replica="r1",zone="zone-a"}`,
    values: `${n}x20`,
  });
  const high = Number((threshold * 1.6).toFixed(2));
  const cases: AlertCase[] = [
    {
      name: `a ${label} over the threshold on one dimension fires for that dimension`,
      series: [drift('query_category', high), drift('user_segment', threshold * 0.5), window(cfg.drift.minWindowSamples * 5)],
      checks: [
        { at: '2m', firing: [] },
        { at: '10m', firing: [{ labels: { dimension: 'query_category' }, value: high }] },
      ],
    },
    {
      name: `a ${label} just under the threshold does not fire`,
      series: [drift('query_category', threshold * 0.9), window(cfg.drift.minWindowSamples * 5)],
      checks: [{ at: '10m', firing: [] }],
    },
    {
      name: `a high ${label} over too few samples does not fire`,
      series: [drift('query_category', high), window(Math.floor(cfg.drift.minWindowSamples / 2))],
      checks: [{ at: '10m', firing: [] }],
    },
  ];
  return {
    rule: {
      alert: name,
      expr:
        `max by (dimension) (${metric}{job="${job}"}) > ${formatNumber(threshold)}\n` +
        `and on()\n(max(${samples}) >= ${cfg.drift.minWindowSamples})\n`,
      for: cfg.drift.for,
      labels: { severity: 'ticket', service: cfg.service },
      annotations: {
        summary: `${cfg.service} input drift on {{ $labels.dimension }}: ${label} {{ printf "%.2f" $value }}.`,
        description:
          `The live {{ $labels.dimension }} mix differs from the training mix (${label} {{ printf "%.2f" $value }}, ` +
          `threshold ${formatNumber(threshold)}) for ${cfg.drift.for}. Ranking quality is likely dropping although ` +
          `availability and latency look fine; check served NDCG and plan retraining.`,
        runbook_url: runbookUrl(name, runbookBase),
      },
    },
    cases,
  };
}

export const inputDriftPsi = (cfg: ServiceAlertConfig, runbookBase: string) => driftAlert(cfg, runbookBase, 'psi');
export const inputDriftKl = (cfg: ServiceAlertConfig, runbookBase: string) => driftAlert(cfg, runbookBase, 'kl');
