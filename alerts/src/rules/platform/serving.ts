/** Serving alerts: too many fallback (degraded) responses, and replicas without a loaded model. */
import { METRIC } from '@drillbook/contracts';
import { ALERTS } from '../../alertNames.js';
import type { ServiceAlertConfig } from '../../config.js';
import { formatNumber } from '../../spec/model.js';
import { runbookUrl } from '../runbook.js';
import { countedCases, countedIn10m } from './counted.js';
import type { PlatformAlert } from './types.js';

export function fallbackRateHigh(cfg: ServiceAlertConfig, runbookBase: string): PlatformAlert {
  const { threshold, minRequestsPerSecond } = cfg.fallbackRate;
  const jobs = `${cfg.jobs.gateway}|${cfg.jobs.replica}`;
  const requests = `${METRIC.httpServerDuration}_count{job="${cfg.jobs.gateway}",http_route="${cfg.route}"}`;
  const fallback = `${METRIC.fallback}{job=~"${jobs}"}`;
  return {
    rule: {
      alert: ALERTS.fallbackRateHigh,
      expr:
        `(\n  sum by (reason) (rate(${fallback}[5m]))\n  / on() group_left()\n` +
        `  (sum(rate(${requests}[5m])) >= ${formatNumber(minRequestsPerSecond)})\n) > ${formatNumber(threshold)}\n`,
      for: cfg.fallbackRate.for,
      labels: { severity: 'ticket', service: cfg.service },
      annotations: {
        summary: `{{ $value | humanizePercentage }} of ${cfg.service} recommendations are served by the popularity fallback ({{ $labels.reason }}).`,
        description:
          `Over the last 5 minutes {{ $value | humanizePercentage }} of ${cfg.route} responses fell back to the popularity ranking ` +
          `because of "{{ $labels.reason }}" (threshold ${formatNumber(threshold * 100)}%). Degraded responses are served, not failed: ` +
          `users see generic items. The degraded-serving SLO pages if this keeps burning its budget.`,
        runbook_url: runbookUrl(ALERTS.fallbackRateHigh, runbookBase),
      },
    },
    cases: [
      {
        name: 'a fallback share above the threshold fires once it has lasted, labelled with its reason',
        series: [
          { series: `${METRIC.httpServerDuration}_count{job="${cfg.jobs.gateway}",http_route="${cfg.route}",http_response_status_code="200",synthetic="false"}`, values: '0+600x30' },
          { series: `${METRIC.fallback}{job="${cfg.jobs.replica}",instance="r1",model="two-tower",reason="dependency"}`, values: '0+60x30' },
          { series: `${METRIC.fallback}{job="${cfg.jobs.replica}",instance="r1",model="two-tower",reason="deadline"}`, values: '0+6x30' },
        ],
        checks: [
          { at: '2m', firing: [] },
          { at: '15m', firing: [{ labels: { reason: 'dependency' }, value: 0.1 }] },
        ],
      },
      {
        name: 'a fallback share just under the threshold does not fire',
        series: [
          { series: `${METRIC.httpServerDuration}_count{job="${cfg.jobs.gateway}",http_route="${cfg.route}",http_response_status_code="200",synthetic="false"}`, values: '0+600x30' },
          { series: `${METRIC.fallback}{job="${cfg.jobs.replica}",instance="r1",model="two-tower",reason="dependency"}`, values: `0+${formatNumber(600 * threshold * 0.9)}x30` },
        ],
        checks: [{ at: '15m', firing: [] }],
      },
      {
        name: 'fallbacks under the minimum traffic do not fire',
        series: [
          { series: `${METRIC.httpServerDuration}_count{job="${cfg.jobs.gateway}",http_route="${cfg.route}",http_response_status_code="200",synthetic="false"}`, values: `0+${formatNumber(minRequestsPerSecond * 60 * 0.5)}x30` },
          { series: `${METRIC.fallback}{job="${cfg.jobs.replica}",instance="r1",model="two-tower",reason="model_unavailable"}`, values: `0+${formatNumber(minRequestsPerSecond * 60 * 0.5)}x30` },
        ],
        checks: [{ at: '15m', firing: [] }],
      },
    ],
  };
}

export function modelNotLoaded(cfg: ServiceAlertConfig, runbookBase: string): PlatformAlert {
  const replica = cfg.jobs.replica;
  return {
    rule: {
      alert: ALERTS.modelNotLoaded,
      expr: `(up{job="${replica}"} == 1)\nunless on(job, instance)\n(${METRIC.modelInfo}{job="${replica}"} == 1)\n`,
      for: cfg.modelNotLoaded.for,
      labels: { severity: 'ticket', service: cfg.service },
      annotations: {
        summary: `Replica {{ $labels.instance }} of ${cfg.service} is up but has no model loaded.`,
        description:
          `{{ $labels.instance }} (replica {{ $labels.replica }}, zone {{ $labels.zone }}) answers scrapes but exports no ${METRIC.modelInfo}: ` +
          `its model failed to load or was refused. It should be failing /readyz and be out of the gateway's rotation; ` +
          `requests it still gets are served by the popularity fallback.`,
        runbook_url: runbookUrl(ALERTS.modelNotLoaded, runbookBase),
      },
    },
    cases: [
      {
        name: 'a replica that is up without a loaded model fires, while replicas with a model or that are down do not',
        series: [
          { series: `up{job="${replica}",instance="127.0.0.1:9001",replica="r1",zone="zone-a"}`, values: '1x20' },
          { series: `up{job="${replica}",instance="127.0.0.1:9002",replica="r2",zone="zone-a"}`, values: '1x20' },
          { series: `up{job="${replica}",instance="127.0.0.1:9003",replica="r3",zone="zone-b"}`, values: '0x20' },
          { series: `${METRIC.modelInfo}{job="${replica}",instance="127.0.0.1:9002",replica="r2",zone="zone-a",model="two-tower",version="v1",sha256="ab12"}`, values: '1x20' },
        ],
        checks: [
          { at: '1m', firing: [] },
          { at: '5m', firing: [{ labels: { job: replica, instance: '127.0.0.1:9001', replica: 'r1', zone: 'zone-a' }, value: 1 }] },
        ],
      },
      {
        name: 'a replica whose model loads within the hold time does not fire',
        series: [
          { series: `up{job="${replica}",instance="127.0.0.1:9001",replica="r1",zone="zone-a"}`, values: '1x20' },
          { series: `${METRIC.modelInfo}{job="${replica}",instance="127.0.0.1:9001",replica="r1",zone="zone-a",model="two-tower",version="v1",sha256="ab12"}`, values: '_ 1x19' },
        ],
        checks: [{ at: '5m', firing: [] }],
      },
    ],
  };
}

/**
 * The replicas count refused model loads (integrity, signature or runtime errors) in
 * `recsys_model_load_failures_total{model, reason}`, a counter the inference service exports beside
 * the contract. Its series only appears at the first failure, which `increase()` cannot see, so a
 * series that did not exist 10 minutes ago counts as a failure too. It comes first in the `or`:
 * set operators match label sets without the metric name, so the left side wins.
 */
export const MODEL_LOAD_FAILURES = 'recsys_model_load_failures_total';

export function modelLoadFailed(cfg: ServiceAlertConfig, runbookBase: string): PlatformAlert {
  const sel = `${MODEL_LOAD_FAILURES}{job="${cfg.jobs.replica}"}`;
  const series = `${MODEL_LOAD_FAILURES}{job="${cfg.jobs.replica}",instance="127.0.0.1:9001",replica="r1",zone="zone-a",model="two-tower",reason="IntegrityError"}`;
  const labels = { job: cfg.jobs.replica, instance: '127.0.0.1:9001', replica: 'r1', zone: 'zone-a', model: 'two-tower', reason: 'IntegrityError' };
  const up = { series: `up{job="${cfg.jobs.replica}",instance="127.0.0.1:9001",replica="r1",zone="zone-a"}`, values: '1x40' };
  return {
    rule: {
      alert: ALERTS.modelLoadFailed,
      expr: countedIn10m(sel, ['job', 'instance', 'replica', 'zone', 'model', 'reason']),
      labels: { severity: 'ticket', service: cfg.service },
      annotations: {
        summary: `Replica {{ $labels.replica }} of ${cfg.service} refused to load model {{ $labels.model }} ({{ $labels.reason }}).`,
        description:
          `{{ $labels.instance }} (replica {{ $labels.replica }}, zone {{ $labels.zone }}) failed to load a version of {{ $labels.model }} ` +
          `in the last 10 minutes ({{ $labels.reason }}). A refused version never serves: the replica keeps its previous version, ` +
          `or serves the popularity fallback when it has none. Check the model registry before deploying again.`,
        runbook_url: runbookUrl(ALERTS.modelLoadFailed, runbookBase),
      },
    },
    cases: [
      ...countedCases({
        series,
        up: up.series,
        labels,
        first: 'the first refused load of a replica (for its model and reason)',
        firstSeen: 'a refusal for a reason the replica did not create at start',
        old: 'an old refusal',
      }),
      {
        name: 'another refused load on a replica that failed before fires again',
        series: [up, { series, values: '1x20 2x20' }],
        checks: [
          { at: '18m', firing: [] },
          { at: '22m', firing: [{ labels, value: 1 }] },
        ],
      },
    ],
  };
}

/**
 * A replica found its local copy of a model version missing or damaged and restored it from the
 * backup location. Serving goes on (the restore is verified again), so nothing else tells anyone,
 * but a replica that lost its local store lost a disk or had its files altered: someone must look.
 */
export function modelRestoredFromBackup(cfg: ServiceAlertConfig, runbookBase: string): PlatformAlert {
  const sel = `${METRIC.registryRestores}{job="${cfg.jobs.replica}"}`;
  const series = `${METRIC.registryRestores}{job="${cfg.jobs.replica}",instance="127.0.0.1:9002",replica="r2",zone="zone-a",model="two-tower",version="v1"}`;
  const labels = { job: cfg.jobs.replica, instance: '127.0.0.1:9002', replica: 'r2', zone: 'zone-a', model: 'two-tower' };
  const up = { series: `up{job="${cfg.jobs.replica}",instance="127.0.0.1:9002",replica="r2",zone="zone-a"}`, values: '1x40' };
  return {
    rule: {
      alert: ALERTS.modelRestoredFromBackup,
      expr: countedIn10m(sel, ['job', 'instance', 'replica', 'zone', 'model']),
      labels: { severity: 'ticket', service: cfg.service },
      annotations: {
        summary: `Replica {{ $labels.replica }} of ${cfg.service} restored model {{ $labels.model }} from the backup location.`,
        description:
          `{{ $labels.instance }} (replica {{ $labels.replica }}, zone {{ $labels.zone }}) found its local copy of a version of ` +
          `{{ $labels.model }} missing or failing verification in the last 10 minutes and restored it from the backup location ` +
          `(verified again before serving). Serving goes on; find out why the local model store lost or altered the files ` +
          `(a replaced disk, a cleaned volume, tampering) before it happens on every replica.`,
        runbook_url: runbookUrl(ALERTS.modelRestoredFromBackup, runbookBase),
      },
    },
    cases: [
      ...countedCases({
        series,
        up: up.series,
        labels,
        first: 'a restore of the serving version (created at 0 when it loaded) after a restart',
        firstSeen: 'a first restore of a version the replica never served',
        old: 'an old restore',
      }),
    ],
  };
}
