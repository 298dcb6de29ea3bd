/**
 * Benchmark: how long a drill waits for another controller when the one running it dies.
 *
 *   npm run bench:ha [-- --trials 3 --lease-ms 5000]
 *
 * Starts a throwaway PostgreSQL (Debian's), the reference stack and two `drillbook serve`
 * controllers on that database. Each trial starts a drill (a latency fault with a 10-minute TTL)
 * through one controller, waits for the fault to be on a replica and in the stored journal, SIGKILLs that controller and
 * times how long until the other has taken the drill over: the drill is `interrupted` and the fault
 * is gone from every replica (cleared by the takeover's rollback: its TTL is far longer). The
 * killed controller is started again before the next trial; trials alternate the controller killed.
 *
 * A drill is lost when it is not `interrupted` with its fault cleared within 120 s; it ran twice when its
 * event stream holds more than one `end`, more than one acceptance or more than one fault event.
 * The last line (takeover_s: the median over the trials):
 *
 *   RESULT takeover_s=<seconds> lost_drills=<count> duplicate_runs=<count> trials=<n>
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Stack, startControl } from '@drillbook/stack';
import type { DrillEvent, DrillSummary, StartDrillResponse } from '@drillbook/contracts';
import { startTestPostgres } from '../../services/drill-controller/src/store/testing/postgres.js';
import { faultsOnReplicas, stackControllerConfig, startControllerProcess, type ControllerProcess } from '../../services/drill-controller/src/server/__fixtures__/controllerProcess.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name}: expected a positive integer, got ${process.argv[i + 1]}`);
  return v;
}

const TRIALS = arg('trials', 3);
const LEASE_MS = arg('lease-ms', 5000);
const BOUND_MS = 120_000;
const RUNBOOKS = fileURLToPath(new URL('../../services/drill-controller/src/server/__fixtures__/runbooks', import.meta.url));
const TOKENS = 'bench-op:operator,bench-view:viewer';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-bench-ha-'));
  const stack = await Stack.start({ dir: join(dir, 'stack'), replicas: 2, zones: ['zone-a', 'zone-b'], shopperRate: 2, logLevel: 'warn' });
  const control = await startControl(stack);
  const pg = await startTestPostgres();
  const config = join(dir, 'controller.yaml');
  writeFileSync(
    config,
    stackControllerConfig({ dataDir: join(dir, 'data'), databaseUrl: pg.url, runbooks: RUNBOOKS, refreshIntervalS: 5, title: 'Reference recommender (bench stack)', stack, controlUrl: control.url }),
  );
  const ctl: Array<ControllerProcess | null> = [null, null];
  const start = async (i: number) => (ctl[i] = await startControllerProcess({ config, tokens: TOKENS, env: { DRILLBOOK_CONTROLLER_ID: `bench-${i}`, DRILLBOOK_LEASE_TTL_MS: String(LEASE_MS) } }));
  const call = async <T>(base: string, method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${base}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, body: (await res.json().catch(() => null)) as T };
  };
  const faults = async () => (await faultsOnReplicas(stack)).length;
  const takeovers: number[] = [];
  let lost = 0;
  let duplicates = 0;
  try {
    await start(0);
    await start(1);
    for (let t = 0; t < TRIALS; t++) {
      const victim = t % 2;
      const survivor = ctl[1 - victim]!;
      // A drill that ends before its fault is on a replica (a preflight that times out on a starved machine)
      // never reached the scenario: it is reported and started again, up to three times.
      let id = '';
      for (let attempt = 1; !id; attempt++) {
        const started = await call<StartDrillResponse>(ctl[victim]!.url, 'POST', '/drills', 'bench-op', { runbook: 'long-latency', quick: true });
        if (started.status !== 202) throw new Error(`trial ${t + 1}: the drill was not accepted (${started.status}): ${JSON.stringify(started.body)}`);
        for (const end = Date.now() + 180_000; (await faults()) === 0; await sleep(200)) {
          const d = await call<DrillSummary>(ctl[victim]!.url, 'GET', `/drills/${started.body.drill.id}`, 'bench-view');
          if (d.body.state !== 'queued' && d.body.state !== 'running') {
            process.stdout.write(`trial ${t + 1}: drill ${d.body.id} ended ${d.body.state} before its fault was injected (${d.body.statusReason}); load ${loadavg()[0]!.toFixed(2)}\n`);
            if (attempt >= 3) throw new Error(`trial ${t + 1}: three drills in a row ended before their fault was injected`);
            break;
          }
          if (Date.now() > end) throw new Error(`trial ${t + 1}: no fault injected within 180 s (drill ${d.body.state}, phase ${d.body.currentPhase}):\n${ctl[victim]!.output().split('\n').slice(-20).join('\n')}`);
        }
        if ((await faults()) > 0) id = started.body.drill.id;
      }
      // Kill as soon as the fault is on a replica, possibly before the engine has journaled it: the
      // takeover's rollback also sweeps the replicas for faults tagged with the drill (engine/undo.ts).
      await ctl[victim]!.stop('SIGKILL');
      ctl[victim] = null;
      const killedAt = Date.now();
      let took: number | null = null;
      while (Date.now() - killedAt < BOUND_MS) {
        const d = await call<DrillSummary>(survivor.url, 'GET', `/drills/${id}`, 'bench-view').catch(() => null);
        if (d?.body.state === 'interrupted' && (await faults()) === 0) {
          took = (Date.now() - killedAt) / 1000;
          break;
        }
        await sleep(100);
      }
      const stream = took === null ? [] : await readEvents(survivor.url, id);
      const twice = stream.filter((e) => e.type === 'end').length > 1 || stream.filter((e) => /drill accepted/.test(e.message)).length > 1 || stream.filter((e) => e.type === 'fault').length > 1;
      if (took === null) {
        lost++;
        const d = await call<DrillSummary>(survivor.url, 'GET', `/drills/${id}`, 'bench-view').catch(() => null);
        process.stdout.write(`trial ${t + 1}: drill ${id} is ${d?.body.state} (${d?.body.statusReason}), ${await faults()} fault(s) on the replicas; the survivor's log:\n${survivor.output().split('\n').filter((l) => /ha:|drill|takes over|recover/.test(l)).slice(-15).join('\n')}\n`);
      }
      else takeovers.push(took);
      if (twice) duplicates++;
      process.stdout.write(`trial ${t + 1}/${TRIALS}: killed bench-${victim}, ${took === null ? `NOT taken over within ${BOUND_MS / 1000}s` : `taken over by bench-${1 - victim} in ${took.toFixed(2)} s`}${twice ? ', RAN TWICE' : ''} (load ${loadavg()[0]!.toFixed(2)})\n`);
      await start(victim);
    }
  } finally {
    for (const c of ctl) await c?.stop('SIGKILL');
    control.server.close();
    await stack.stop();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const sorted = [...takeovers].sort((a, b) => a - b);
  const median = sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)]! : NaN;
  process.stdout.write(`lease ${LEASE_MS} ms; takeover s: ${takeovers.map((x) => x.toFixed(2)).join(', ') || 'none'}; max ${sorted.length ? sorted.at(-1)!.toFixed(2) : 'n/a'}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  process.stdout.write(`RESULT takeover_s=${median.toFixed(2)} lost_drills=${lost} duplicate_runs=${duplicates} trials=${TRIALS}\n`);
}

/** The drill's whole event stream (SSE replay of an ended drill). */
async function readEvents(base: string, id: string): Promise<DrillEvent[]> {
  const res = await fetch(`${base}/api/v1/drills/${id}/events`, { headers: { authorization: 'Bearer bench-view', accept: 'text/event-stream' }, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('data: '))
    .map((l) => JSON.parse(l.slice(6)) as DrillEvent);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
