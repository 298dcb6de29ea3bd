/**
 * The abort path survives a stalled load engine: the controller runs as a real process with
 * DRILLBOOK_TEST_STALL_LOAD set (the load loop blocks its thread from one second into the fault
 * phase), against a real stack. An abort through the API, the emergency stop and maxDuration each
 * still end the drill `aborted`, by the watchdog, with the 10-minute fault cleared on the replica.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack, startControl } from '@drillbook/stack';
import type { DrillSummary, StartDrillResponse } from '@drillbook/contracts';
import { api, followEvents } from '../../server/__fixtures__/api.js';
import { faultsOnReplicas as faultsOfStack, startControllerProcess, type ControllerProcess } from '../../server/__fixtures__/controllerProcess.js';

const RUNBOOKS = fileURLToPath(new URL('./__fixtures__', import.meta.url));
const TOKENS = 'view-token:viewer,op-token:operator:recsys-reference,admin-token:admin';
const [VIEWER, OPERATOR, ADMIN] = ['view-token', 'op-token', 'admin-token'];

let stack: Stack;
let control: Awaited<ReturnType<typeof startControl>>;
let ctl: ControllerProcess;
let http: ReturnType<typeof api>;
const dir = mkdtempSync(join(tmpdir(), 'drillbook-watchdog-int-'));

const faultsOnReplicas = () => faultsOfStack(stack);

beforeAll(async () => {
  stack = await Stack.start({ dir: join(dir, 'stack'), replicas: 2, zones: ['zone-a', 'zone-b'], shopperRate: 1, logLevel: 'warn' });
  control = await startControl(stack);
  const config = join(dir, 'controller.yaml');
  writeFileSync(
    config,
    [
      `dataDir: ${join(dir, 'controller')}`,
      `runbooks: [${RUNBOOKS}]`,
      'loadEngine: builtin',
      'services:',
      '  - id: recsys-reference',
      '    title: Reference recommender (test stack)',
      '    owner: team-drillbook',
      `    gateway: { url: "${stack.info.gatewayUrl}", adminToken: "${stack.info.adminToken}", controlUrl: "${control.url}", sessionsFile: "${stack.info.sessionsFile}" }`,
      '',
    ].join('\n'),
  );
  // The load loop blocks for 10 minutes per turn once stalled: only the watchdog can end such a drill.
  ctl = await startControllerProcess({ config, tokens: TOKENS, env: { DRILLBOOK_TEST_STALL_LOAD: '600000', DRILLBOOK_WATCHDOG_GRACE_MS: '3000', DRILLBOOK_WATCHDOG_STALE_MS: '4000' } });
  http = api(ctl.url);
});

afterAll(async () => {
  await ctl?.stop();
  control?.server.close();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts a drill and waits until its fault is on a replica and its load loop has stalled. */
async function stalledDrill(runbook: string): Promise<string> {
  const started = await http.post<StartDrillResponse>('/drills', OPERATOR, { runbook });
  expect(started.status).toBe(202);
  const id = started.body.drill.id;
  await followEvents(ctl.url, id, VIEWER, { until: (e) => e.type === 'fault' });
  expect(await faultsOnReplicas()).toHaveLength(1);
  await new Promise((r) => setTimeout(r, 2500)); // one second into the fault phase the loop stalls
  return id;
}

async function expectEndedByWatchdog(id: string, reason: RegExp): Promise<void> {
  const events = await followEvents(ctl.url, id, VIEWER, { timeoutMs: 90_000 });
  expect(events.at(-1)).toMatchObject({ type: 'end', data: { status: 'aborted' } });
  const drill = (await http.get<DrillSummary>(`/drills/${id}`, VIEWER)).body;
  expect(drill.state).toBe('aborted');
  // The engine never acted on the abort itself: the watchdog terminated it and undid its fault.
  expect(drill.statusReason).toMatch(/the watchdog terminated it/);
  expect(drill.statusReason).toMatch(reason);
  expect(drill.statusReason).toMatch(/cleared 1 fault\(s\)/);
  expect(await faultsOnReplicas()).toEqual([]);
  const journal = (await http.get<{ abort?: { source: string } }>(`/drills/${id}/journal`, VIEWER)).body;
  expect(journal.abort?.source).toBeTruthy();
}

describe('a drill whose load engine is stalled', () => {
  it('is still aborted through the API, with its fault cleared', async () => {
    const id = await stalledDrill('stall-abort');
    expect((await http.post(`/drills/${id}/abort`, OPERATOR, { reason: 'test: stalled engine' })).status).toBe(202);
    await expectEndedByWatchdog(id, /api: test: stalled engine/);
  });

  it('is still aborted by the emergency stop, with its fault cleared', async () => {
    const id = await stalledDrill('stall-abort');
    expect((await http.post('/emergency-stop', OPERATOR, { reason: 'test: pull the cord' })).status).toBe(200);
    await expectEndedByWatchdog(id, /emergency-stop: emergency stop by .*pull the cord/);
    expect((await http.del('/emergency-stop', ADMIN)).status).toBe(200);
  });

  it('is still ended by maxDuration, with its fault cleared', async () => {
    const id = await stalledDrill('stall-max-duration');
    // Nobody aborts: the watchdog's own maxDuration (16 s from the method phase) does.
    await expectEndedByWatchdog(id, /max-duration: drill exceeded guardrails.maxDuration 16s/);
  });
});
