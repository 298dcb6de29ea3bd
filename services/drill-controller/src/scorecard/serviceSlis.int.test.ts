/**
 * A drill judged on the service's own metrics: a real Prometheus (Debian's) scrapes a Triton-style
 * exporter (nv_inference_request_success / failure / duration_us); a drill runs on the engine with an
 * in-memory target whose injected fault makes the "Triton" fail 30% of its inferences for the fault's
 * TTL, while the drill's own load (which never reaches this Triton) sees nothing wrong. The scorecard
 * must carry the PromQL figures per phase with their source and fail the drill on the `sli: promql`
 * objective — and an objective on a query that returns nothing must be `no-data`, not missed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { startPrometheus, type RunningPrometheus } from '@drillbook/alerts';
import { scorecardSchema } from '@drillbook/contracts';
import type { PromqlSli } from '../catalogue/promqlSlis.js';
import { TritonStandIn } from '../catalogue/__fixtures__/tritonStandIn.js';
import { fakeLoad, fakeTarget } from '../engine/__fixtures__/fakeTarget.js';
import { Drill } from '../engine/executor.js';
import { parseRunbook, promqlObjectiveProblems } from '../runbook/validate.js';

const ratio = (model: string) =>
  `sum(rate(nv_inference_request_failure{model="${model}"}[{{.window}}])) / (sum(rate(nv_inference_request_success{model="${model}"}[{{.window}}])) + sum(rate(nv_inference_request_failure{model="${model}"}[{{.window}}])))`;
const SLIS: PromqlSli[] = [
  { name: 'triton-errors', title: 'Triton failed inferences', sli: 'availability', objective: 0.99, period: '30d', errorRatio: ratio('recsys') },
  // A model this Triton does not serve: Prometheus answers with no sample.
  { name: 'ranker-errors', title: 'Ranker failed inferences', sli: 'availability', objective: 0.99, period: '30d', errorRatio: ratio('ranker') },
];

const RUNBOOK = `
apiVersion: drillbook.dev/v1
kind: Runbook
metadata: { name: triton-errors, title: Triton errors, owner: team }
target: { service: recsys-triton }
hypothesis: an error fault on one replica is absorbed before clients see it
load: { profile: average, rate: 20, phases: { baseline: 4s, fault: 4s, recovery: 4s } }
objectives:
  - { name: clients unaffected, sli: availability, phase: fault, op: ">=", target: 0.99 }
  - { name: Triton errors during the fault, sli: promql, promql: triton-errors, phase: fault, op: "<=", target: 0.05 }
  - { name: Triton healthy before, sli: promql, promql: triton-errors, phase: baseline, op: "<=", target: 0.01 }
  - { name: ranker errors, sli: promql, promql: ranker-errors, phase: fault, op: "<=", target: 0.05 }
guardrails:
  maxDuration: 2m
  blastRadius: { maxReplicas: 1 }
steps:
  - { kind: fault.inject, name: errors on r1, target: "replica:r1", fault: { type: error, rate: 0.3 }, ttl: 4s }
rollback: []
`;

let triton: TritonStandIn;
let prom: RunningPrometheus;
const dirs: string[] = [];

beforeAll(async () => {
  triton = new TritonStandIn();
  await triton.start();
  prom = await startPrometheus({ jobs: [{ job: 'triton', targets: [{ address: triton.url }] }], scrapeInterval: '1s', evaluationInterval: '1s' });
  await prom.client.waitFor(async () => (await prom.client.query('nv_inference_request_success')).length > 0, { timeoutMs: 30_000 });
});

afterAll(async () => {
  await prom?.stop();
  await triton?.close();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

describe('a drill judged on the service metrics from configured PromQL (real Prometheus)', () => {
  it('records the PromQL figures per phase with their source and fails on the promql objective the load could not see', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drillbook-promsli-'));
    dirs.push(dir);
    const target = fakeTarget(join(dir, 'target'));
    // The injected fault is what makes this Triton fail, for the fault's TTL.
    const inject = target.api.injectFault.bind(target.api);
    target.api.injectFault = async (replica, f) => {
      triton.failureShare = f.rate ?? 1;
      setTimeout(() => (triton.failureShare = 0), f.ttlMs).unref();
      return inject(replica, f);
    };
    const loaded = { runbook: parseRunbook(RUNBOOK, 'triton-errors.yaml'), file: 'triton-errors.yaml', source: RUNBOOK, sha256: 'a'.repeat(64) };
    expect(promqlObjectiveProblems(loaded, SLIS.map((s) => s.name), 'recsys-triton')).toEqual([]);
    const drill = new Drill(loaded, {
      outDir: join(dir, 'out'),
      target,
      autoAck: true,
      startLoad: fakeLoad({ phaseMs: 4000 }).startLoad as never,
      prometheusUrl: prom.url,
      serviceSlis: SLIS,
    });
    const { scorecard: sc, files } = await drill.run();

    const triErr = sc.serviceSlis!.find((s) => s.name === 'triton-errors')!;
    expect(triErr.source).toBe(`promql: ${SLIS[0].errorRatio}`);
    expect(triErr.prometheusUrl).toBe(prom.url);
    const at = (phase: string) => triErr.windows.find((w) => w.phase === phase)!;
    expect(at('fault').window).toBe('4s');
    expect(at('fault').query).toContain('nv_inference_request_failure{model="recsys"}[4s]');
    expect(at('baseline').value).toBe(0);
    expect(at('fault').value).toBeGreaterThan(0.15);
    expect(at('fault').value).toBeLessThanOrEqual(0.3);
    expect(at('drill').value).toBeGreaterThan(0);
    expect(at('drill').value).toBeLessThan(at('fault').value!);

    const o = (name: string) => sc.objectives.find((x) => x.name === name)!;
    expect(o('clients unaffected').verdict).toBe('met');
    expect(o('Triton healthy before')).toMatchObject({ verdict: 'met', measured: 0 });
    expect(o('Triton errors during the fault')).toMatchObject({ verdict: 'missed', promql: 'triton-errors' });
    expect(o('Triton errors during the fault').source).toContain(`[4s]`);
    expect(o('Triton errors during the fault').source).toContain(`@ ${prom.url}`);
    // The query names series nobody serves: no data, unscored, never a miss.
    expect(o('ranker errors')).toMatchObject({ verdict: 'no-data', measured: null, maxContribution: 0 });
    expect(sc.serviceSlis!.find((s) => s.name === 'ranker-errors')!.note).toMatch(/no sample/);
    expect(sc.status).toBe('failed');
    expect(sc.statusReason).toMatch(/missed "Triton errors during the fault"/);
    expect(sc.statusReason).not.toMatch(/ranker errors/);

    const ajv = new Ajv({ allErrors: true, strict: false });
    (addFormats as unknown as (a: Ajv) => void)(ajv);
    const valid = ajv.compile(scorecardSchema);
    expect(valid(sc), JSON.stringify(valid.errors)).toBe(true);

    // The written scorecard and report carry the figures and where they came from.
    expect(JSON.parse(readFileSync(files.scorecard, 'utf8')).serviceSlis).toHaveLength(2);
    const html = readFileSync(files.report, 'utf8');
    expect(html).toContain('Service-reported SLIs');
    expect(html).toContain('promql: sum(rate(nv_inference_request_failure{model=&quot;recsys&quot;}[{{.window}}]))');
    expect(html).toContain(`@ ${prom.url}`);
  });
});
