/**
 * The drill engine with `load.distributed`: no `startLoad` is handed in, so the engine itself picks
 * the k6-operator LoadRun (engine/phases/method.ts). The Kubernetes API is the STAND-IN (TestRun
 * started -> finished, runner pods listed); the runners' outputs are REAL k6 v0.48 outputs; the
 * target's probes are the in-memory fake target of the engine tests. Without
 * DRILLBOOK_K6_OUTPUT_DIR the drill is aborted at the start of the load, naming the variable.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DrillEvent } from '@drillbook/contracts';
import { Drill } from '../../engine/executor.js';
import { fakeTarget } from '../../engine/__fixtures__/fakeTarget.js';
import { findOnPath } from '../../load/k6/which.js';
import { parseRunbook } from '../../runbook/validate.js';
import { KubeApiStandIn } from './__fixtures__/apiStandIn.js';
import { OUTPUT_DIR_ENV } from './distributedLoad.js';
import { kubeApis, kubeConfigFor } from './kube.js';
import { setKubeApis } from './runbookSteps.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SCRIPT = path.join(here, '__fixtures__/runner-scenario.js');

const RUNBOOK = `
apiVersion: drillbook.dev/v1
kind: Runbook
metadata: { name: dist-engine, title: Distributed engine test, owner: team }
target:
  service: recsys-reference
  url: http://recsys-gateway.recsys.svc:8080
  kubernetes: { namespace: recsys, selector: { app.kubernetes.io/name: recsys-replica } }
hypothesis: killing one pod under distributed load keeps availability
load:
  profile: average
  rate: 20
  phases: { baseline: 1s, fault: 1s, recovery: 1s }
  scenario: load-tests/scenarios/replica-loss.js
  distributed: { parallelism: 2, outputClaim: drillbook-load-out }
objectives:
  - { name: availability during the fault, sli: availability, phase: fault, op: ">=", target: 0.5 }
guardrails:
  maxDuration: 2m
  blastRadius: { maxReplicas: 1, maxZones: 1 }
steps:
  - { kind: k8s.pod.delete, name: kill one replica pod, mode: one, ttl: 60s }
rollback: []
`;

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'drillbook-dist-engine-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
afterEach(() => vi.unstubAllEnvs());

function drill(dir: string) {
  const loaded = { runbook: parseRunbook(RUNBOOK, 'dist-engine.yaml'), file: 'dist-engine.yaml', source: RUNBOOK, sha256: 'a'.repeat(64) };
  const events: DrillEvent[] = [];
  const d = new Drill(loaded, { outDir: path.join(dir, 'out'), target: fakeTarget(path.join(dir, 'target')), autoAck: true, observers: [(e) => events.push(e)] });
  return { d, events };
}

describe('the drill engine chooses the k6-operator load for load.distributed', () => {
  it(`aborts at the start of the load, naming ${OUTPUT_DIR_ENV}, when it is unset`, async () => {
    vi.stubEnv(OUTPUT_DIR_ENV, '');
    const { d } = drill(tmp());
    const r = await d.run();
    expect(r.scorecard.status).toBe('aborted');
    expect(r.scorecard.statusReason).toContain(OUTPUT_DIR_ENV);
  });

  const k6 = findOnPath('k6');
  describe.skipIf(!k6)('with the API stand-in and real k6 runner outputs', () => {
    const runs = [0, 1].map((i) => ({ summaryFile: '', pointsFile: '', i }));
    let servers: Server[] = [];
    let dir: string;

    beforeAll(async () => {
      dir = tmp();
      servers = await Promise.all(
        [0, 1].map(async () => {
          const s = createServer((req, res) => {
            req.resume();
            req.on('end', () => {
              res.writeHead(200, { 'content-type': 'application/json' });
              res.end('{"items":[]}');
            });
          });
          await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
          return s;
        }),
      );
      await Promise.all(
        runs.map((r) => {
          r.summaryFile = path.join(dir, `k6-${r.i}-summary.json`);
          r.pointsFile = path.join(dir, `k6-${r.i}-points.ndjson.gz`);
          const url = `http://127.0.0.1:${(servers[r.i].address() as AddressInfo).port}`;
          return promisify(execFile)(k6!, ['run', '--quiet', '--out', `json=${r.pointsFile}`, '-e', `BASE_URL=${url}`, '-e', `SUMMARY_FILE=${r.summaryFile}`, SCRIPT], { cwd: dir });
        }),
      );
    }, 60_000);
    afterAll(() => servers.forEach((s) => s.close()));

    it('creates the TestRun, injects the pod kill at the fault phase, scores the merged runners\' results and removes its objects', async () => {
      const claim = mkdtempSync(path.join(dir, 'claim-'));
      vi.stubEnv(OUTPUT_DIR_ENV, claim);
      vi.stubEnv('DRILLBOOK_KUBE_NAMESPACES', '');
      // The engine polls the TestRun every 2 s: `finished` after 4 polls, once the 3 s timeline ran.
      const standIn = new KubeApiStandIn({
        k6FinishAfterPolls: 4,
        onTestRun: (_tr, pods) =>
          pods.forEach((p, i) => {
            copyFileSync(runs[i].summaryFile, path.join(claim, `${p.metadata.name}-summary.json`));
            copyFileSync(runs[i].pointsFile, path.join(claim, `${p.metadata.name}-points.ndjson.gz`));
          }),
      });
      await standIn.start();
      standIn.addPods('recsys', { 'app.kubernetes.io/name': 'recsys-replica' }, 3);
      setKubeApis(() => kubeApis(kubeConfigFor(standIn.url)));
      try {
        const { d, events } = drill(dir);
        const r = await d.run();
        const loadPhases = events.filter((e) => e.type === 'phase' && e.message.startsWith('load phase ')).map((e) => e.message.slice(11));
        expect(loadPhases).toEqual(['baseline', 'fault', 'recovery']);
        expect(r.journal.faults).toEqual([expect.objectContaining({ step: 'kill one replica pod' })]);
        const posts = standIn.requests.filter((q) => q.method === 'POST').map((q) => q.path);
        expect(posts).toEqual(['/api/v1/namespaces/recsys/configmaps', '/apis/k6.io/v1alpha1/namespaces/recsys/testruns']);
        expect(standIn.customObjects()).toEqual([]);
        const fault = r.scorecard.objectives.find((o) => o.name === 'availability during the fault')!;
        expect(fault).toMatchObject({ measured: 1, verdict: 'met' });
        // The runners are real k6 processes run in beforeAll: on a saturated machine k6 itself drops
        // iterations, and then the deserved verdict is `invalid` (the load generator was the weak
        // part), naming the dropped iterations; with every iteration delivered it is `passed`.
        const delivered = r.scorecard.proof.loadDelivered;
        if (!delivered.ok && delivered.droppedIterations > 0) {
          expect(r.scorecard.status).toBe('invalid');
          expect(r.scorecard.statusReason).toMatch(new RegExp(`the planned load did not arrive .* ${delivered.droppedIterations} dropped`));
        } else {
          expect(r.scorecard.status, r.scorecard.statusReason).toBe('passed');
        }
      } finally {
        await standIn.stop();
      }
    }, 60_000);
  });
});
