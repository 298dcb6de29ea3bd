/**
 * `drillbook run` with its load loop stalled on purpose (DRILLBOOK_TEST_STALL_LOAD) against a real
 * stack: the main thread never acts on maxDuration, so the watchdog thread must clear the 10-minute
 * fault, write the outputs as aborted and kill the process (exit 137).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DrillJournal, Scorecard } from '@drillbook/contracts';
import { Stack } from '@drillbook/stack';

const REPO = join(import.meta.dirname, '../../../../..');
const CLI = join(REPO, 'services/drill-controller/bin/drillbook.js');
const RUNBOOK = join(import.meta.dirname, '__fixtures__/stall-max-duration.yaml');
const dir = mkdtempSync(join(tmpdir(), 'drillbook-cli-watchdog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('drillbook run with a stalled load engine', () => {
  it('is ended at maxDuration by the watchdog thread: faults cleared, outputs aborted, exit 137', async () => {
    const stack = await Stack.start({ dir: join(dir, 'stack'), replicas: 2, zones: ['zone-a', 'zone-b'], shoppers: false, logLevel: 'warn' });
    try {
      const out = join(dir, 'out');
      const child = spawn(process.execPath, [CLI, 'run', RUNBOOK, '--load', 'builtin', '--yes', '--out', out, '--target', stack.info.gatewayUrl, '--admin-token', stack.info.adminToken, '--sessions', stack.info.sessionsFile], {
        cwd: REPO,
        env: { ...process.env, DRILLBOOK_TEST_STALL_LOAD: '600000', DRILLBOOK_WATCHDOG_GRACE_MS: '2000', DRILLBOOK_WATCHDOG_STALE_MS: '4000' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout!.resume();
      const exit = await new Promise<{ code: number | null; signal: string | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
      expect(exit, stderr).toEqual({ code: null, signal: 'SIGKILL' }); // a shell reports 137
      expect(stderr).toMatch(/\[watchdog\] the drill engine has not turned its event loop .* \(max-duration: drill exceeded guardrails.maxDuration 16s/);
      expect(stderr).toMatch(/\[watchdog\] cleared 1 fault\(s\)/);
      const journal = JSON.parse(readFileSync(join(out, 'journal.json'), 'utf8')) as DrillJournal;
      expect(journal.status).toBe('aborted');
      expect(journal.faults).toHaveLength(1);
      expect(journal.faults[0].clearedBy).toBe('abort');
      expect(journal.abort?.source).toBe('max-duration');
      const sc = JSON.parse(readFileSync(join(out, 'scorecard.json'), 'utf8')) as Scorecard;
      expect(sc.status).toBe('aborted');
      for (const r of stack.info.replicas) {
        const res = await fetch(`${r.url}/admin/faults`, { headers: { authorization: `Bearer ${stack.info.adminToken}` } });
        expect(((await res.json()) as { faults: unknown[] }).faults).toEqual([]);
      }
    } finally {
      await stack.stop();
    }
  });
});
