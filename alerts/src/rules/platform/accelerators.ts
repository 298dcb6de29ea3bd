/**
 * Accelerator saturation, read two ways: the service's own busy-fraction gauge per replica, and the
 * NVIDIA DCGM exporter per host and GPU. DCGM reports `DCGM_FI_DEV_GPU_UTIL` (percent) except for
 * MIG-partitioned GPUs, where only `DCGM_FI_PROF_GR_ENGINE_ACTIVE` (ratio) exists: the alert uses the
 * former when present and falls back to the latter. Exporter versions label the node `Hostname` or
 * `hostname`; both are read into `host`.
 */
import { DCGM, METRIC } from '@drillbook/contracts';
import { ALERTS } from '../../alertNames.js';
import type { ServiceAlertConfig } from '../../config.js';
import { formatNumber } from '../../spec/model.js';
import { runbookUrl } from '../runbook.js';
import type { PlatformAlert } from './types.js';

/** `metric` with a `host` label taken from `Hostname` or `hostname`. */
export function withHostLabel(metric: string): string {
  return `label_replace(label_replace(${metric}, "host", "$1", "Hostname", "(.+)"), "host", "$1", "hostname", "(.+)")`;
}

/** Busy fraction 0..1 per host and GPU: DCGM utilisation, or graphics-engine activity under MIG. */
export function gpuBusyExpr(): string {
  return (
    `max by (host, gpu) (${withHostLabel(DCGM.gpuUtil)}) / 100\n` +
    `or\n` +
    `max by (host, gpu) (${withHostLabel(DCGM.grEngineActive)})`
  );
}

export function acceleratorSaturated(cfg: ServiceAlertConfig, runbookBase: string): PlatformAlert {
  const { threshold } = cfg.acceleratorSaturation;
  const series = (instance: string, replica: string) =>
    `${METRIC.acceleratorUtilization}{job="${cfg.jobs.replica}",instance="${instance}",replica="${replica}",zone="zone-a",device="cpu0",kind="cpu"}`;
  return {
    rule: {
      alert: ALERTS.acceleratorSaturated,
      expr: `${METRIC.acceleratorUtilization}{job="${cfg.jobs.replica}"} > ${formatNumber(threshold)}\n`,
      for: cfg.acceleratorSaturation.for,
      labels: { severity: 'ticket', service: cfg.service },
      annotations: {
        summary: `${cfg.service} replica {{ $labels.replica }} keeps its {{ $labels.kind }} inference engine {{ $value | humanizePercentage }} busy.`,
        description:
          `The inference engine of {{ $labels.instance }} (device {{ $labels.device }}, {{ $labels.kind }}) has been over ` +
          `${formatNumber(threshold * 100)}% busy for ${cfg.acceleratorSaturation.for}: requests queue before batching and latency rises. ` +
          `Add capacity or shed load before the latency SLO burns.`,
        runbook_url: runbookUrl(ALERTS.acceleratorSaturated, runbookBase),
      },
    },
    cases: [
      {
        name: 'a replica whose engine stays saturated fires, a busy but unsaturated one does not',
        series: [
          { series: series('127.0.0.1:9001', 'r1'), values: '0.95x20' },
          { series: series('127.0.0.1:9002', 'r2'), values: `${formatNumber(threshold * 0.95)}x20` },
        ],
        checks: [
          { at: '1m', firing: [] },
          {
            at: '10m',
            firing: [{ labels: { job: cfg.jobs.replica, instance: '127.0.0.1:9001', replica: 'r1', zone: 'zone-a', device: 'cpu0', kind: 'cpu' }, value: 0.95 }],
          },
        ],
      },
      {
        name: 'a saturation spike shorter than the hold time does not fire',
        series: [{ series: series('127.0.0.1:9001', 'r1'), values: '0.2 0.99 0.2x18' }],
        checks: [{ at: '10m', firing: [] }],
      },
    ],
  };
}

export function gpuSaturated(cfg: ServiceAlertConfig, runbookBase: string): PlatformAlert {
  const { threshold } = cfg.gpuSaturation;
  return {
    rule: {
      alert: ALERTS.gpuSaturated,
      expr: `(\n${gpuBusyExpr()}\n) > ${formatNumber(threshold)}\n`,
      for: cfg.gpuSaturation.for,
      labels: { severity: 'ticket', service: cfg.service },
      annotations: {
        summary: `GPU {{ $labels.gpu }} on {{ $labels.host }} is {{ $value | humanizePercentage }} busy.`,
        description:
          `DCGM reports GPU {{ $labels.gpu }} on {{ $labels.host }} over ${formatNumber(threshold * 100)}% busy for ${cfg.gpuSaturation.for} ` +
          `(utilisation, or graphics-engine activity on MIG partitions). Inference on it queues; the latency SLO is at risk.`,
        runbook_url: runbookUrl(ALERTS.gpuSaturated, runbookBase),
      },
    },
    cases: [
      {
        name: 'a saturated GPU fires per host and GPU, read from the Hostname label',
        series: [
          { series: `${DCGM.gpuUtil}{gpu="0",UUID="GPU-aaaa",modelName="NVIDIA H100",Hostname="node-a"}`, values: '95x20' },
          { series: `${DCGM.gpuUtil}{gpu="1",UUID="GPU-bbbb",modelName="NVIDIA H100",Hostname="node-a"}`, values: '40x20' },
        ],
        checks: [
          { at: '2m', firing: [] },
          { at: '10m', firing: [{ labels: { host: 'node-a', gpu: '0' }, value: 0.95 }] },
        ],
      },
      {
        name: 'a MIG GPU without utilisation falls back to graphics-engine activity, read from the hostname label',
        series: [
          { series: `${DCGM.grEngineActive}{gpu="0",UUID="GPU-cccc",GPU_I_ID="1",GPU_I_PROFILE="1g.10gb",hostname="node-b"}`, values: '0.97x20' },
          { series: `${DCGM.grEngineActive}{gpu="0",UUID="GPU-cccc",GPU_I_ID="2",GPU_I_PROFILE="1g.10gb",hostname="node-b"}`, values: '0.1x20' },
        ],
        checks: [{ at: '10m', firing: [{ labels: { host: 'node-b', gpu: '0' }, value: 0.97 }] }],
      },
      {
        name: 'a GPU that reports utilisation is judged by it, not by its engine activity',
        series: [
          { series: `${DCGM.gpuUtil}{gpu="0",UUID="GPU-dddd",Hostname="node-c"}`, values: '50x20' },
          { series: `${DCGM.grEngineActive}{gpu="0",UUID="GPU-dddd",Hostname="node-c"}`, values: '0.99x20' },
        ],
        checks: [{ at: '10m', firing: [] }],
      },
    ],
  };
}
