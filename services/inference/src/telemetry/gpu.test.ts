import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NVIDIA_SMI_ARGS, parseNvidiaSmiCsv, readGpus } from './gpu.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '__fixtures__', 'nvidia-smi', name), 'utf8');

describe('GPU reader (nvidia-smi)', () => {
  it('parses one reading per GPU with utilization as a ratio and memory in bytes', () => {
    const gpus = parseNvidiaSmiCsv(fixture('two-gpus.csv'));
    expect(gpus).toHaveLength(2);
    expect(gpus[0]).toEqual({
      index: 0,
      uuid: 'GPU-3f1c2a7e-8d4b-4f6a-9c1e-5b2d7a8e9f10',
      name: 'NVIDIA H100 80GB HBM3',
      utilization: 0.87,
      memoryUsedBytes: 41234 * 1024 * 1024,
      memoryTotalBytes: 81559 * 1024 * 1024,
    });
    expect(gpus[1].utilization).toBe(0);
  });

  it('reports N/A utilization (MIG) as missing rather than zero', () => {
    const [g] = parseNvidiaSmiCsv(fixture('mig-enabled.csv'));
    expect(g.utilization).toBeNull();
    expect(g.memoryUsedBytes).toBe(1024 * 1024 * 1024);
  });

  it('runs the documented query command', async () => {
    const seen: string[][] = [];
    const snap = await readGpus(async (file, args) => {
      seen.push([file, ...args]);
      return fixture('two-gpus.csv');
    });
    expect(seen[0]).toEqual(['nvidia-smi', ...NVIDIA_SMI_ARGS]);
    expect(snap.present).toBe(true);
  });

  it('says there is no GPU when nvidia-smi does not exist, inventing no figures', async () => {
    const snap = await readGpus(async () => {
      throw Object.assign(new Error('spawn nvidia-smi ENOENT'), { code: 'ENOENT' });
    });
    expect(snap).toEqual({ present: false, devices: [], message: expect.stringMatching(/no GPU on this host/) });
  });

  it('says why when nvidia-smi exists but the driver does not answer', async () => {
    const snap = await readGpus(async () => {
      throw Object.assign(new Error('Command failed'), { code: 9, stdout: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n" });
    });
    expect(snap.present).toBe(false);
    expect(snap.message).toMatch(/couldn't communicate with the NVIDIA driver/);
  });

  it('rejects lines with the wrong number of fields instead of misreading them', () => {
    expect(() => parseNvidiaSmiCsv('0, GPU-x, name, 5\n')).toThrow(/4 fields, expected 6/);
  });

  it('really finds no nvidia-smi on this CI machine, or reads a real one', async () => {
    const snap = await readGpus();
    if (snap.present) expect(snap.devices.length).toBeGreaterThan(0);
    else expect(snap.message).toBeTruthy();
  });
});
