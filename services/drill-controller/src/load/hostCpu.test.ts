import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { cpuShare, HostCpuSampler, parseProcStat, perPhase } from './hostCpu.js';

const line = (user: number, idle: number, iowait: number, steal: number) => `cpu  ${user} 0 0 ${idle} ${iowait} 0 0 ${steal} 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n`;

describe('host CPU from /proc/stat', () => {
  it('takes busy as everything but idle and iowait, and steal as its own share', () => {
    const a = parseProcStat(line(100, 100, 0, 0), 0)!;
    const b = parseProcStat(line(160, 120, 10, 10), 1000)!;
    // 100 jiffies passed: 60 user, 20 idle, 10 iowait, 10 steal.
    expect(cpuShare(a, b)).toEqual({ busy: 0.7, steal: 0.1 });
    expect(parseProcStat('intr 1 2 3', 0)).toBeNull();
  });

  it('splits readings by the phases their windows cover', () => {
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).getTime();
    const readings = [
      parseProcStat(line(0, 0, 0, 0), at(0))!,
      parseProcStat(line(10, 90, 0, 0), at(1))!, // baseline: 10% busy
      parseProcStat(line(100, 100, 0, 0), at(2))!, // fault: 90% busy
    ];
    const iso = (s: number) => new Date(at(s)).toISOString();
    const phases = perPhase(readings, [
      { phase: 'baseline', start: iso(0), end: iso(1) },
      { phase: 'fault', start: iso(1), end: iso(2) },
    ]);
    expect(phases).toEqual([
      { phase: 'baseline', busy: 0.1, steal: 0 },
      { phase: 'fault', busy: 0.9, steal: 0 },
    ]);
  });

  it.skipIf(!existsSync('/proc/stat'))('reads this machine while it runs', async () => {
    const s = new HostCpuSampler(20);
    await new Promise((r) => setTimeout(r, 120));
    const readings = s.stop();
    expect(readings.length).toBeGreaterThanOrEqual(3);
    expect(readings[readings.length - 1].total).toBeGreaterThanOrEqual(readings[0].total);
  });
});
