/**
 * GPU / accelerator state from the replicas' own gauges (`accelerator_gpu_present`,
 * `accelerator_utilization_ratio{device,kind}`, `accelerator_memory_*_bytes`). With no GPU it
 * says so and shows the CPU inference engine's busy share for what it is; it never invents a GPU.
 */
import { METRIC, type DataSource, type GpuDevice, type GpuStatus } from '@drillbook/contracts';
import type { Sample } from '../engine/promText.js';

export interface ReplicaSamples {
  replica: string;
  samples: Sample[];
}

const key = (l: Record<string, string>) => `${l.device ?? ''}|${l.kind ?? ''}`;

export function gpuFromReplicas(readings: ReplicaSamples[], source: DataSource): GpuStatus {
  const devices: GpuDevice[] = [];
  const flags: Array<{ replica: string; present: number }> = [];
  for (const r of readings) {
    const present = r.samples.find((s) => s.name === METRIC.acceleratorPresent);
    if (present) flags.push({ replica: r.replica, present: present.value });
    const mem = (name: string) => new Map(r.samples.filter((s) => s.name === name).map((s) => [key(s.labels), s.value]));
    const used = mem(METRIC.acceleratorMemoryUsed);
    const total = mem(METRIC.acceleratorMemoryTotal);
    for (const s of r.samples) {
      if (s.name !== METRIC.acceleratorUtilization) continue;
      const kind = s.labels.kind === 'gpu' ? 'gpu' : 'cpu';
      devices.push({
        replica: r.replica,
        device: s.labels.device ?? 'unknown',
        kind,
        utilization: Number.isFinite(s.value) ? s.value : null,
        memoryUsedBytes: used.get(key(s.labels)) ?? null,
        memoryTotalBytes: total.get(key(s.labels)) ?? null,
      });
    }
  }
  const present = flags.some((f) => f.present >= 1) && devices.some((d) => d.kind === 'gpu');
  if (present) return { present, devices, source };
  if (!readings.length) return { present: false, devices: [], source, message: 'no replica could be read: GPU state unknown' };
  if (!flags.length) return { present: false, devices, source, message: `the replicas export no ${METRIC.acceleratorPresent}: GPU state unknown` };
  const cpu = devices.some((d) => d.kind === 'cpu');
  return {
    present: false,
    devices,
    source,
    message: `no GPU on this service: inference runs on CPU${cpu ? `; utilisation shown is the CPU inference engine's busy share (${METRIC.acceleratorUtilization}{kind="cpu"})` : ''}`,
  };
}
