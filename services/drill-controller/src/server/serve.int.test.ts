/**
 * `drillbook serve` with no services configured: it starts the embedded reference stack itself,
 * the catalogue reads it live, and SIGTERM aborts the running drill (its rollback runs), stops the
 * stack and exits 0 with no process left behind.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { DrillSummary, ScorecardResponse, ServiceSummary, StartDrillResponse } from '@drillbook/contracts';
import { api, followEvents, waitFor } from './__fixtures__/api.js';
import { startControllerProcess, type ControllerProcess } from './__fixtures__/controllerProcess.js';

const RUNBOOKS = fileURLToPath(new URL('./__fixtures__/runbooks', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'drillbook-serve-int-'));
const config = join(dir, 'controller.yaml');
writeFileSync(config, `dataDir: ${join(dir, 'data')}\nrunbooks: [${RUNBOOKS}]\nloadEngine: builtin\nrefreshIntervalS: 2\nembedded: { replicas: 2, shopperRate: 2 }\n`);
let ctl: ControllerProcess | null = null;

afterAll(async () => {
  await ctl?.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Every descendant of a process (children first seen through /proc). */
function descendants(pid: number): number[] {
  let out: number[] = [];
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    /* pgrep exits 1 when there is none */
  }
  for (const c of children) out = [...out, c, ...descendants(c)];
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('drillbook serve with no targets configured', () => {
  it('starts the embedded stack, shows it live, kills a replica in a drill, and on SIGTERM aborts the running drill, stops everything and exits 0', async () => {
    ctl = await startControllerProcess({ config, tokens: 'v:viewer,o:operator' });
    const http = api(ctl.url);
    const svc = await waitFor(
      'the embedded service with live figures',
      async () => {
        const r = await http.get<{ items: ServiceSummary[] }>('/services', 'v');
        const s = r.body.items?.[0];
        return s && s.replicas.length === 2 && s.replicas.every((x) => x.ready) && s.slos.some((x) => x.sli === 'availability' && x.attainment !== null) ? s : null;
      },
      60_000,
    );
    expect(svc.id).toBe('recsys-reference');
    expect(svc.gatewayUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(svc.modelVersion).not.toBeNull();
    expect(svc.gpu.devices.every((d) => d.kind === 'cpu')).toBe(true);
    const stackPids = descendants(ctl.child.pid!);
    expect(stackPids.length).toBeGreaterThanOrEqual(4); // two replicas, the gateway, the shoppers

    // Process control from the drill's worker thread: the stack (owned by the API thread) kills a
    // replica, and the engine sees the process gone (the fault's proof) and the replica back.
    const kill = await http.post<StartDrillResponse>('/drills', 'o', { runbook: 'replica-kill', quick: true });
    expect(kill.status).toBe(202);
    const killEvents = await followEvents(ctl.url, kill.body.drill.id, 'v');
    expect(killEvents.at(-1)?.type).toBe('end');
    const killCard = await http.get<ScorecardResponse>(`/drills/${kill.body.drill.id}/scorecard`, 'v');
    expect(killCard.body.scorecard.proof.faultObserved).toMatchObject({ ok: true, evidence: [expect.stringMatching(/process \d+ exited on SIGKILL/)] });
    expect(killCard.body.scorecard.objectives.find((o) => o.sli === 'probe')?.verdict).toBe('met');

    const started = await http.post<StartDrillResponse>('/drills', 'o', { runbook: 'long-latency', quick: true });
    expect(started.status).toBe(202);
    await followEvents(ctl.url, started.body.drill.id, 'v', { until: (e) => e.type === 'fault' });

    expect(await ctl.stop('SIGTERM')).toBe(0);
    expect(ctl.output()).toMatch(/stopped; nothing left running/);
    await waitFor('every child process to exit', async () => stackPids.every((p) => !alive(p)), 15_000);

    // The clean stop aborted the drill (it is not "interrupted" on the next start) and kept it.
    ctl = await startControllerProcess({ config, tokens: 'v:viewer' });
    const drill = await api(ctl.url).get<DrillSummary>(`/drills/${started.body.drill.id}`, 'v');
    expect(drill.body).toMatchObject({ state: 'aborted', statusReason: expect.stringMatching(/SIGTERM/) });
    expect(await ctl.stop('SIGTERM')).toBe(0);
    ctl = null;
  });
});
