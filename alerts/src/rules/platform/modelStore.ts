/**
 * Model store alerts (issue 23): a replica refused an artefact from the model store (sha256 or
 * signature mismatch: a corrupted or tampered store), and replicas cannot reach the store. Both
 * read `recsys_model_store_errors_total{model, reason}`, which replicas zero-initialise for every
 * reason, so `increase()` sees the first error.
 */
import { MODEL_STORE_METRIC } from '@drillbook/contracts';
import { ALERTS } from '../../alertNames.js';
import type { ServiceAlertConfig } from '../../config.js';
import { runbookUrl } from '../runbook.js';
import type { PlatformAlert } from './types.js';

const base = (cfg: ServiceAlertConfig) => ({ job: cfg.jobs.replica, instance: '127.0.0.1:9001', replica: 'r1', zone: 'zone-a', model: 'recsys-two-tower' });
const seriesOf = (labels: Record<string, string>) => `${MODEL_STORE_METRIC.storeErrors}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`;

export function modelStoreArtifactRefused(cfg: ServiceAlertConfig, runbookBase: string): PlatformAlert {
  const sel = `${MODEL_STORE_METRIC.storeErrors}{job="${cfg.jobs.replica}",reason=~"integrity|signature"}`;
  const labels = { ...base(cfg), reason: 'integrity' };
  return {
    rule: {
      alert: ALERTS.modelStoreArtifactRefused,
      expr: `sum by (job, instance, replica, zone, model, reason) (increase(${sel}[10m])) > 0\n`,
      labels: { severity: 'ticket', service: cfg.service },
      annotations: {
        summary: `Replica {{ $labels.replica }} of ${cfg.service} refused an artefact of {{ $labels.model }} from the model store ({{ $labels.reason }}).`,
        description:
          `{{ $labels.instance }} fetched a model version whose artefact or manifest did not verify ({{ $labels.reason }}: sha256 or signature). ` +
          `It was not cached and never served; the replica keeps serving its current version. The store holds a corrupted or tampered ` +
          `object: re-publish the version from the registry or the backup (npm run model:publish) before deploying it.`,
        runbook_url: runbookUrl(ALERTS.modelStoreArtifactRefused, runbookBase),
      },
    },
    cases: [
      {
        name: 'a refused artefact fires at once for the replica and reason, and clears ten minutes later',
        series: [{ series: seriesOf(labels), values: '0x10 1x30' }],
        checks: [
          { at: '9m', firing: [] },
          { at: '12m', firing: [{ labels, value: 1 }] },
          { at: '25m', firing: [] },
        ],
      },
      {
        name: 'an unreachable store alone does not fire the refused-artefact alert',
        series: [{ series: seriesOf({ ...base(cfg), reason: 'unreachable' }), values: '0+1x30' }],
        checks: [{ at: '20m', firing: [] }],
      },
    ],
  };
}

export function modelStoreUnreachable(cfg: ServiceAlertConfig, runbookBase: string): PlatformAlert {
  const sel = `${MODEL_STORE_METRIC.storeErrors}{job="${cfg.jobs.replica}",reason="unreachable"}`;
  const labels = { job: cfg.jobs.replica, model: 'recsys-two-tower' };
  return {
    rule: {
      alert: ALERTS.modelStoreUnreachable,
      expr: `sum by (job, model) (increase(${sel}[2m])) > 0\n`,
      for: '3m',
      labels: { severity: 'ticket', service: cfg.service },
      annotations: {
        summary: `Replicas of ${cfg.service} cannot reach the model store.`,
        description:
          `Replicas kept failing to reach the model store (fetch attempts failed in every 2-minute window for 3 minutes). Replicas with the version in their cache keep serving and ` +
          `start from the cache; a deploy of a version they do not have cannot proceed, and a new replica with a cold cache cannot start.`,
        runbook_url: runbookUrl(ALERTS.modelStoreUnreachable, runbookBase),
      },
    },
    cases: [
      {
        name: 'replicas failing to reach the store minute after minute fire after three minutes',
        series: [{ series: seriesOf({ ...base(cfg), reason: 'unreachable' }), values: '0x10 1 2 3 4 5 6 7 8 9 10' }],
        checks: [
          { at: '10m', firing: [] },
          { at: '12m', firing: [] },
          { at: '15m', firing: [{ labels, value: 2 }] },
        ],
      },
      {
        name: 'one failed fetch that is not repeated stays quiet (a replica that started from its cache)',
        series: [{ series: seriesOf({ ...base(cfg), reason: 'unreachable' }), values: '0x10 1x20' }],
        checks: [{ at: '13m', firing: [] }, { at: '25m', firing: [] }],
      },
    ],
  };
}
