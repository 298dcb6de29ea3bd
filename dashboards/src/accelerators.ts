/**
 * GPU / accelerator view: the replicas' own gauges per replica (busy fraction of the inference
 * engine, memory, "no GPU" when nvidia-smi found none), the inference pipeline per replica, and
 * the NVIDIA DCGM exporter per host and GPU, with the MIG fallback to graphics-engine activity.
 */
import { DCGM, METRIC } from '@drillbook/contracts';
import { gpuBusyExpr, withHostLabel } from '@drillbook/alerts';
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { BigValueTextMode } from '@grafana/grafana-foundation-sdk/common';
import { drillAnnotations } from './common/annotations.js';
import { baseDashboard } from './common/dashboard.js';
import { BLUE, GREEN, ORANGE, RED, stat, timeseries, valueText } from './common/panels.js';
import { ALL_REPLICAS, REPLICAS } from './common/selectors.js';
import { labelVariable } from './common/variables.js';

export const ACCELERATORS_UID = 'drillbook-accelerators';

const rate = (expr: string) => `rate(${expr}[$__rate_interval])`;
const BUSY_THRESHOLDS = [
  { value: null, color: GREEN },
  { value: 0.7, color: ORANGE },
  { value: 0.9, color: RED },
];

export function accelerators(): Dashboard {
  return baseDashboard({
    uid: ACCELERATORS_UID,
    title: 'Recsys accelerators',
    description: 'Accelerator utilisation per replica (the service\'s own gauges) and per GPU (NVIDIA DCGM exporter, MIG aware).',
    tags: ['gpu'],
  })
    .withVariable(labelVariable({ name: 'replica', label: 'Replica', series: `${METRIC.acceleratorUtilization}${ALL_REPLICAS}`, labelName: 'replica', includeAll: true }))
    .annotation(drillAnnotations())
    .withRow(new RowBuilder('Replicas: the service\'s own accelerator gauges'))
    .withPanel(
      stat({
        title: 'GPU present',
        description: 'Whether nvidia-smi found a GPU on each replica. Without one, inference runs on CPU and the busy fraction below is the CPU engine\'s.',
        queries: [{ expr: `${METRIC.acceleratorPresent}${REPLICAS}`, legend: '{{replica}}' }],
        w: 8,
        h: 5,
        textMode: BigValueTextMode.ValueAndName,
        mappings: [valueText({ '0': { text: 'No GPU (CPU inference)', color: BLUE }, '1': { text: 'GPU', color: GREEN } })],
        noValue: 'replicas report nothing',
      }),
    )
    .withPanel(
      stat({
        title: 'DCGM exporters reporting',
        description: 'GPUs reported by an NVIDIA DCGM exporter (utilisation or, under MIG, graphics-engine activity). 0: no exporter runs; the DCGM row stays empty.',
        queries: [{ expr: `count(${gpuBusyExpr().replace(/\n/g, ' ')}) or vector(0)`, legend: 'GPUs' }],
        w: 4,
        h: 5,
        textMode: BigValueTextMode.Value,
        mappings: [valueText({ '0': { text: 'no DCGM exporter', color: BLUE } })],
        thresholds: [{ value: null, color: GREEN }],
      }),
    )
    .withPanel(
      stat({
        title: 'Inference engine busy now',
        description: 'Busy fraction of each replica\'s inference engine (kind=gpu from nvidia-smi, kind=cpu from session.run time).',
        queries: [{ expr: `${METRIC.acceleratorUtilization}${REPLICAS}`, legend: '{{replica}} {{device}} ({{kind}})' }],
        unit: 'percentunit',
        decimals: 0,
        min: 0,
        max: 1,
        w: 12,
        h: 5,
        thresholds: BUSY_THRESHOLDS,
      }),
    )
    .withPanel(
      timeseries({
        title: 'Inference engine busy, per replica',
        description: 'accelerator_utilization_ratio per replica and device. The saturation alert fires above 90% held for 2 minutes.',
        queries: [{ expr: `${METRIC.acceleratorUtilization}${REPLICAS}`, legend: '{{replica}} {{device}} ({{kind}})' }],
        unit: 'percentunit',
        min: 0,
        max: 1,
        w: 12,
        h: 8,
        thresholds: BUSY_THRESHOLDS,
        thresholdLines: true,
      }),
    )
    .withPanel(
      timeseries({
        title: 'Accelerator memory used, per replica',
        description: 'GPU memory used over total, from nvidia-smi on each replica. Empty on replicas without a GPU.',
        queries: [
          {
            expr: `${METRIC.acceleratorMemoryUsed}${REPLICAS}\n/\n${METRIC.acceleratorMemoryTotal}${REPLICAS}`,
            legend: '{{replica}} {{device}}',
          },
        ],
        unit: 'percentunit',
        min: 0,
        max: 1,
        w: 12,
        h: 8,
        noValue: 'no GPU memory reported',
      }),
    )
    .withRow(new RowBuilder('Inference pipeline, per replica'))
    .withPanel(
      timeseries({
        title: 'Queue wait p95',
        description: 'Time requests wait in the batching queue before their batch runs (p95), per replica.',
        queries: [
          {
            expr: `histogram_quantile(0.95, sum by (le, replica) (${rate(`${METRIC.inferenceQueueDuration}_bucket${REPLICAS}`)}))`,
            legend: '{{replica}}',
          },
        ],
        unit: 's',
        min: 0,
        w: 8,
        h: 8,
      }),
    )
    .withPanel(
      timeseries({
        title: 'Batch execution p95',
        description: 'Time one batch spends in the ONNX session (p95), per replica.',
        queries: [
          {
            expr: `histogram_quantile(0.95, sum by (le, replica) (${rate(`${METRIC.inferenceDuration}_bucket${REPLICAS}`)}))`,
            legend: '{{replica}}',
          },
        ],
        unit: 's',
        min: 0,
        w: 8,
        h: 8,
      }),
    )
    .withPanel(
      timeseries({
        title: 'Mean batch size and pending requests',
        description: 'Requests per executed batch (mean) and requests waiting for or inside a batch, per replica.',
        queries: [
          {
            expr: `sum by (replica) (${rate(`${METRIC.inferenceBatchSize}_sum${REPLICAS}`)})\n/\nsum by (replica) (${rate(`${METRIC.inferenceBatchSize}_count${REPLICAS}`)})`,
            legend: '{{replica}} batch size',
          },
          { expr: `sum by (replica) (${METRIC.inferencePending}${REPLICAS})`, legend: '{{replica}} pending' },
        ],
        min: 0,
        w: 8,
        h: 8,
      }),
    )
    .withRow(new RowBuilder('GPUs: NVIDIA DCGM exporter'))
    .withPanel(
      timeseries({
        title: 'GPU busy (utilisation, MIG: engine activity)',
        description: `Per host and GPU: ${DCGM.gpuUtil} / 100, or the busiest MIG instance's ${DCGM.grEngineActive} where utilisation is not reported. Host from Hostname or hostname.`,
        queries: [{ expr: gpuBusyExpr(), legend: '{{host}} GPU {{gpu}}' }],
        unit: 'percentunit',
        min: 0,
        max: 1,
        w: 12,
        h: 8,
        thresholds: BUSY_THRESHOLDS,
        thresholdLines: true,
        noValue: 'no DCGM exporter',
      }),
    )
    .withPanel(
      timeseries({
        title: 'MIG instances: graphics engine active',
        description: `${DCGM.grEngineActive} per MIG instance (GPU_I_ID), the only utilisation signal MIG partitions have.`,
        queries: [{ expr: withHostLabel(DCGM.grEngineActive), legend: '{{host}} GPU {{gpu}} instance {{GPU_I_ID}}' }],
        unit: 'percentunit',
        min: 0,
        max: 1,
        w: 12,
        h: 8,
        noValue: 'no MIG instance reported',
      }),
    )
    .withPanel(
      timeseries({
        title: 'GPU framebuffer used',
        description: `${DCGM.fbUsed} / (${DCGM.fbUsed} + ${DCGM.fbFree}) per host and GPU.`,
        queries: [
          {
            expr: `${withHostLabel(DCGM.fbUsed)}\n/\n(${withHostLabel(DCGM.fbUsed)} + ${withHostLabel(DCGM.fbFree)})`,
            legend: '{{host}} GPU {{gpu}}',
          },
        ],
        unit: 'percentunit',
        min: 0,
        max: 1,
        w: 24,
        h: 8,
        noValue: 'no DCGM exporter',
      }),
    )
    .build();
}
