/**
 * GPU reader for hosts without a DCGM exporter: runs nvidia-smi's CSV query and turns it into
 * gauges. When there is no GPU (no nvidia-smi, or no driver) it says so — `accelerator_gpu_present 0`
 * and no GPU series — and never invents a figure.
 */
import { execFile } from 'node:child_process';

export const NVIDIA_SMI_FIELDS = ['index', 'uuid', 'name', 'utilization.gpu', 'memory.used', 'memory.total'] as const;
/** The exact command line the reader runs (arguments after the executable). */
export const NVIDIA_SMI_ARGS = [`--query-gpu=${NVIDIA_SMI_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];

export interface GpuReading {
  index: number;
  uuid: string;
  name: string;
  /** 0..1, null when the driver reports N/A (e.g. under MIG). */
  utilization: number | null;
  memoryUsedBytes: number | null;
  memoryTotalBytes: number | null;
}

export interface GpuSnapshot {
  present: boolean;
  devices: GpuReading[];
  /** Why there is no reading, when there is none. */
  message?: string;
}

const MIB = 1024 * 1024;

function value(s: string): number | null {
  const t = s.trim();
  if (t === '' || t.startsWith('[')) return null; // [N/A], [Not Supported], [Unknown Error]
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** Parse `nvidia-smi --query-gpu=index,uuid,name,utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits`. */
export function parseNvidiaSmiCsv(text: string): GpuReading[] {
  const out: GpuReading[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const parts = line.split(',').map((p) => p.trim());
    if (parts.length !== NVIDIA_SMI_FIELDS.length) throw new Error(`nvidia-smi line has ${parts.length} fields, expected ${NVIDIA_SMI_FIELDS.length}: ${line}`);
    const [index, uuid, name, util, used, total] = parts;
    const u = value(util);
    const mu = value(used);
    const mt = value(total);
    out.push({
      index: Number(index),
      uuid,
      name,
      utilization: u === null ? null : u / 100,
      memoryUsedBytes: mu === null ? null : mu * MIB,
      memoryTotalBytes: mt === null ? null : mt * MIB,
    });
  }
  return out;
}

export type Exec = (file: string, args: string[]) => Promise<string>;

const defaultExec: Exec = (file, args) =>
  new Promise((resolve, reject) =>
    execFile(file, args, { timeout: 5000 }, (err, stdout, stderr) => (err ? reject(Object.assign(err, { stderr })) : resolve(stdout))),
  );

export async function readGpus(exec: Exec = defaultExec, executable = 'nvidia-smi'): Promise<GpuSnapshot> {
  let stdout: string;
  try {
    stdout = await exec(executable, NVIDIA_SMI_ARGS);
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string; stdout?: string };
    if (err.code === 'ENOENT') return { present: false, devices: [], message: 'no GPU on this host: nvidia-smi not found, inference runs on CPU' };
    const detail = (err.stdout || err.stderr || err.message || '').toString().trim().split('\n')[0];
    return { present: false, devices: [], message: `no GPU reading: nvidia-smi failed (${detail})` };
  }
  const devices = parseNvidiaSmiCsv(stdout);
  return devices.length ? { present: true, devices } : { present: false, devices: [], message: 'nvidia-smi reported no GPUs' };
}
