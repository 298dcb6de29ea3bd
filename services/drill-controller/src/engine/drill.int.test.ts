/**
 * Real drills against real processes on 127.0.0.1: the embedded stack (replicas, gateway) is
 * started by the drill, load runs, faults are injected, and the scorecard is asserted on.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { scorecardSchema, type DrillJournal, type Scorecard } from '@drillbook/contracts';
import { Stack } from '@drillbook/stack';
import { Drill } from './executor.js';
import { loadRunbook } from '../runbook/validate.js';

const FIX = join(import.meta.dirname, '__fixtures__');
const REPO = join(import.meta.dirname, '../../../..');
const CLI = join(REPO, 'services/drill-controller/bin/drillbook.js');
const dirs: string[] = [];
const tmp = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const ajv = new Ajv({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validScorecard = ajv.compile(scorecardSchema);

async function runDrill(file: string) {
  const out = tmp('drillbook-drill-');
  const drill = new Drill(loadRunbook(join(FIX, file)), { outDir: out, quick: false, loadEngine: 'builtin', autoAck: true });
  const result = await drill.run();
  return { ...result, out };
}

describe('drills against the embedded stack', () => {
  it('a replica killed under load costs zero failed requests, is proven and re-admitted, and the drill passes', async () => {
    const r = await runDrill('kill-under-load.yaml');
    const sc = r.scorecard;
    expect(validScorecard(sc), JSON.stringify(validScorecard.errors)).toBe(true);
    expect(sc.objectives.find((o) => o.name === 'no failed requests')).toMatchObject({ measured: 0, verdict: 'met' });
    expect(sc.objectives.find((o) => o.name === 'killed replica re-admitted')).toMatchObject({ verdict: 'met' });
    expect(sc.proof.faultObserved.ok).toBe(true);
    expect(sc.proof.faultObserved.evidence.join(' ')).toMatch(/exited on SIGKILL/);
    expect(sc.proof.loadDelivered).toMatchObject({ ok: true, droppedIterations: 0 });
    expect(sc.timeToDetectS).not.toBeNull();
    expect(sc.detectedBy).toMatch(/gateway_upstream_up < 3/);
    expect(sc.status).toBe('passed');
    expect(r.exitCode).toBe(0);
    for (const f of ['scorecard.json', 'report.html', 'junit.xml', 'journal.json', 'load/summary.json', 'load/points.ndjson']) expect(existsSync(join(r.out, f)), f).toBe(true);
    expect(readFileSync(join(r.out, 'junit.xml'), 'utf8')).toMatch(/<testsuite name="kill-under-load" tests="5" failures="0"/);
    const journal = JSON.parse(readFileSync(join(r.out, 'journal.json'), 'utf8')) as DrillJournal;
    expect(journal.activities.map((a) => a.phase)).toEqual(expect.arrayContaining(['load', 'validate', 'preflight', 'method', 'rollback', 'journal']));
  });

  it('with gateway retries off, a failing replica makes the drill fail on the objective that was actually missed', async () => {
    const r = await runDrill('errors-without-retries.yaml');
    const sc = r.scorecard;
    expect(sc.status).toBe('failed');
    expect(r.exitCode).toBe(1);
    const missed = sc.objectives.filter((o) => o.verdict !== 'met').map((o) => o.name);
    expect(missed).toEqual(['no failed requests']);
    expect(sc.objectives[0].measured).toBeGreaterThan(0);
    expect(sc.statusReason).toMatch(/missed "no failed requests"/);
    expect(sc.proof.valid).toBe(true);
  });

  it('a tripped guardrail aborts the drill: load stops early, every injected fault is cleared, the journal says why', async () => {
    const r = await runDrill('guardrail-abort.yaml');
    const sc: Scorecard = r.scorecard;
    expect(sc.status).toBe('aborted');
    expect(r.exitCode).toBe(2);
    expect(sc.abort?.source).toBe('guardrail');
    expect(sc.abort?.reason).toMatch(/guardrail "error rate runaway": error_rate >= 0.5 held for 1s/);
    // Load was stopped well before the planned 28 s.
    expect(sc.proof.loadDelivered.sentRequests).toBeLessThan(40 * 20);
    expect(r.journal.faults.length).toBe(3);
    for (const f of r.journal.faults) expect(f.clearedBy).toBe('abort');
    expect(r.journal.abort).toMatchObject({ source: 'guardrail' });
  });
});

describe('an engine killed mid-drill', () => {
  it('leaves no fault behind: the replica drops it when its TTL runs out, with no call from anyone', async () => {
    const stack = await Stack.start({ dir: tmp('drillbook-ext-stack-'), replicas: 3, shoppers: false, logLevel: 'warn' });
    try {
      const out = tmp('drillbook-killed-');
      const child = spawn(process.execPath, [CLI, 'run', join(FIX, 'slow-replica.yaml'), '--load', 'builtin', '--yes', '--out', out, '--target', stack.info.gatewayUrl, '--admin-token', stack.info.adminToken, '--sessions', stack.info.sessionsFile], {
        cwd: REPO,
        stdio: 'ignore',
      });
      // Wait until the journal records the injected fault, then kill the engine outright.
      const journalFile = join(out, 'journal.json');
      let journal: DrillJournal | null = null;
      for (let i = 0; i < 600 && !journal?.faults.length; i++) {
        await new Promise((r) => setTimeout(r, 100));
        if (existsSync(journalFile)) journal = JSON.parse(readFileSync(journalFile, 'utf8')) as DrillJournal;
      }
      expect(journal?.faults.length, 'the drill injected its fault').toBe(1);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const r0 = stack.info.replicas.find((r) => r.id === 'r0')!;
      const list = async () => ((await (await fetch(`${r0.url}/admin/faults`, { headers: { authorization: `Bearer ${stack.info.adminToken}` } })).json()) as { faults: Array<{ id: string }> }).faults;
      expect((await list()).map((f) => f.id)).toEqual([journal!.faults[0].id]); // still active: nobody cleared it
      const expiresAt = Date.parse(journal!.faults[0].injectedAt) + journal!.faults[0].ttlMs!;
      await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 500));
      expect(await list()).toEqual([]);
    } finally {
      await stack.stop();
    }
  });
});

describe('dry run', () => {
  it('prints the plan — what, where, for how long — and starts nothing', async () => {
    const out = join(tmp('drillbook-dry-'), 'never-created');
    const child = spawn(process.execPath, [CLI, 'run', join(REPO, 'runbooks/replica-loss.yaml'), '--dry-run', '--load', 'builtin', '--out', out], { cwd: REPO });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
    expect(stdout).toMatch(/DRY RUN — nothing will be touched/);
    expect(stdout).toMatch(/kill one replica: SIGKILL the process \(the supervisor restarts it\) -> r[0-2]/);
    expect(stdout).toMatch(/baseline 20s @ 150\/s, fault 40s @ 150\/s, recovery 30s @ 150\/s/);
    expect(stdout).toMatch(/abort when error_rate >= 0.2 for 5s/);
    expect(existsSync(out)).toBe(false);
  });
});
