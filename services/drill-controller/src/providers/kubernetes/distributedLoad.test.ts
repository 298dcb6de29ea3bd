/**
 * The engine's load on the k6 operator (distributedLoad.ts) against the Kubernetes API STAND-IN
 * (__fixtures__/apiStandIn.ts: the TestRun goes started -> finished, runner pods are listed by the
 * operator's labels). The runners' outputs are REAL k6 v0.48 outputs (two `k6 run`s of the merge
 * test's scenario) that the stand-in's TestRun "writes" under its runner pods' names, as the runners
 * do on the shared claim. Every created object is checked against the k6-operator CRD / OpenAPI.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrdValidator, crdFixturesPresent, validateBuiltIn } from '@drillbook/deploy';
import type { LoadPhaseName } from '@drillbook/contracts';
import { findOnPath } from '../../load/k6/which.js';
import { readLoadResult } from '../../load/reader/readLoadResult.js';
import type { LoadPhasePlan } from '../../load/types.js';
import { repoRoot } from '../../load/repo.js';
import { loadRunbook } from '../../runbook/validate.js';
import { KubeApiStandIn, type Pod } from './__fixtures__/apiStandIn.js';
import { distributedLoadMissing, distributedLoadStarter, OUTPUT_DIR_ENV, startDistributedLoad } from './distributedLoad.js';
import type { DistributedLoadSpec } from './k6Operator.js';
import { kubeApis, kubeConfigFor } from './kube.js';
import { NamespaceGuard } from './selection.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SCRIPT = path.join(here, '__fixtures__/runner-scenario.js');
const crds = crdFixturesPresent() ? new CrdValidator() : null;
const spec: DistributedLoadSpec = {
  namespace: 'recsys',
  name: 'drillbook-d1-load',
  parallelism: 2,
  script: { file: 'runner-scenario.js', source: readFileSync(SCRIPT, 'utf8') },
  env: { BASE_URL: 'http://recsys-gateway:8080' },
  outputClaim: 'drillbook-load-out',
};
const phases: LoadPhasePlan[] = (['baseline', 'fault', 'recovery'] as const).map((phase) => ({ phase, durationS: 0.05, rate: 40, mix: 'training' }));

describe('refusals before any object is created', () => {
  const rb = loadRunbook(path.join(repoRoot(), 'runbooks/examples/kubernetes/distributed-load.yaml')).runbook;

  it(`names ${OUTPUT_DIR_ENV} when it is unset, and target.kubernetes when the runbook has none`, () => {
    expect(distributedLoadMissing(rb, {})).toMatch(new RegExp(`${OUTPUT_DIR_ENV}.*claim "drillbook-load-out"`));
    expect(() => distributedLoadStarter(rb, true, {})).toThrow(OUTPUT_DIR_ENV);
    expect(distributedLoadMissing(rb, { [OUTPUT_DIR_ENV]: '/mnt/out' })).toBeNull();
    const noKube = { ...rb, target: { ...rb.target, kubernetes: undefined } };
    expect(distributedLoadMissing(noKube, { [OUTPUT_DIR_ENV]: '/mnt/out' })).toMatch(/set target\.kubernetes/);
  });
});

const k6 = findOnPath('k6');

async function target(failEvery: number): Promise<{ server: Server; url: string }> {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      n++;
      const fail = failEvery > 0 && n % failEvery === 0;
      res.writeHead(fail ? 503 : 200, { 'content-type': 'application/json' });
      res.end(fail ? '{"error":"injected"}' : '{"items":[]}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe.skipIf(!k6)('a drill\'s load as a k6-operator TestRun (API stand-in, real k6 v0.48 runner outputs)', () => {
  let dir: string;
  let servers: Server[] = [];
  const runs = [0, 1].map((i) => ({ summaryFile: '', pointsFile: '', i }));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'drillbook-k6-distributed-'));
    const targets = [await target(0), await target(4)];
    servers = targets.map((t) => t.server);
    await Promise.all(
      runs.map((r) => {
        r.summaryFile = path.join(dir, `k6-${r.i}-summary.json`);
        r.pointsFile = path.join(dir, `k6-${r.i}-points.ndjson.gz`);
        return promisify(execFile)(k6!, ['run', '--quiet', '--out', `json=${r.pointsFile}`, '-e', `BASE_URL=${targets[r.i].url}`, '-e', `SUMMARY_FILE=${r.summaryFile}`, SCRIPT], { cwd: dir }).catch((e: { code?: number }) => {
          if (e.code !== 99) throw e;
        });
      }),
    );
  }, 60_000);

  afterAll(() => {
    for (const s of servers) s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A stand-in whose TestRun's runner pods write the real k6 outputs (all, or all but `skip`) to the claim. */
  async function cluster(claim: string, skip?: (pod: string, file: 'summary' | 'points') => boolean) {
    const standIn = new KubeApiStandIn({
      k6FinishAfterPolls: 25,
      onTestRun: (_tr, pods: Pod[]) => {
        pods.forEach((p, i) => {
          const name = p.metadata.name;
          if (!skip?.(name, 'summary')) copyFileSync(runs[i].summaryFile, path.join(claim, `${name}-summary.json`));
          if (!skip?.(name, 'points')) copyFileSync(runs[i].pointsFile, path.join(claim, `${name}-points.ndjson.gz`));
        });
      },
    });
    await standIn.start();
    return standIn;
  }

  it('emits the phases in order from stage started, merges the runners into one summary the reader takes, removes the TestRun and ConfigMap', async () => {
    const claim = mkdtempSync(path.join(dir, 'claim-'));
    const outDir = path.join(dir, 'drill-ok', 'load');
    const standIn = await cluster(claim);
    try {
      const run = startDistributedLoad(spec, { phases, outDir }, { api: kubeApis(kubeConfigFor(standIn.url)), namespaces: new NamespaceGuard(['recsys']), outputDir: claim, pollMs: 20, finishGraceMs: 0 });
      const seen: LoadPhaseName[] = [];
      let ticks = 0;
      run.onPhase((p) => seen.push(p));
      run.onTick(() => ticks++);
      const outcome = await run.done;

      expect(outcome.error).toBeUndefined();
      expect(seen).toEqual(['baseline', 'fault', 'recovery']);
      expect(outcome.windows.map((w) => w.phase)).toEqual(['baseline', 'fault', 'recovery']);
      expect(ticks).toBe(0);
      // One runner failed every 4th request: http_req_failed rate<0.1 is crossed on the merged figures.
      expect(outcome.status).toBe('thresholds-crossed');
      expect(outcome.exitCode).toBe(99);
      expect(outcome.summaryFile).toBe(path.join(outDir, 'summary.json'));
      expect(outcome.pointsFile).toBe(path.join(outDir, 'points.ndjson'));

      const merged = await readLoadResult(outcome.summaryFile, outcome.pointsFile);
      const parts = await Promise.all(runs.map((r) => readLoadResult(r.summaryFile, r.pointsFile)));
      expect(merged.totals.requests).toBe(parts[0].totals.requests + parts[1].totals.requests);
      expect(merged.totals.errors).toBe(parts[0].totals.errors + parts[1].totals.errors);
      expect(merged.totals.errors).toBeGreaterThan(0);

      const posts = standIn.requests.filter((r) => r.method === 'POST');
      expect(posts.map((r) => r.path)).toEqual(['/api/v1/namespaces/recsys/configmaps', '/apis/k6.io/v1alpha1/namespaces/recsys/testruns']);
      expect(() => validateBuiltIn(posts[0].body as never)).not.toThrow();
      if (crds) expect(crds.problems(posts[1].body as never)).toEqual([]);
      const deletes = standIn.requests.filter((r) => r.method === 'DELETE').map((r) => r.path);
      expect(deletes).toEqual(['/apis/k6.io/v1alpha1/namespaces/recsys/testruns/drillbook-d1-load', '/api/v1/namespaces/recsys/configmaps/drillbook-d1-load-script']);
      expect(standIn.customObjects()).toEqual([]);
      expect(standIn.podsOf('recsys')).toEqual([]);
    } finally {
      await standIn.stop();
    }
  }, 30_000);

  it('a runner\'s missing points file is a failed outcome naming the file; nothing merged, objects removed', async () => {
    const claim = mkdtempSync(path.join(dir, 'claim-'));
    const outDir = path.join(dir, 'drill-missing', 'load');
    let lost = '';
    const standIn = await cluster(claim, (pod, file) => {
      if (file === 'points' && !lost) {
        lost = path.join(claim, `${pod}-points.ndjson.gz`);
        return true;
      }
      return false;
    });
    try {
      const run = startDistributedLoad(spec, { phases, outDir }, { api: kubeApis(kubeConfigFor(standIn.url)), namespaces: new NamespaceGuard(['recsys']), outputDir: claim, pollMs: 20, finishGraceMs: 0 });
      const outcome = await run.done;
      expect(outcome.status).toBe('failed');
      expect(lost).not.toBe('');
      expect(outcome.error).toContain(lost);
      expect(outcome.error).toContain(OUTPUT_DIR_ENV);
      expect(existsSync(outcome.summaryFile)).toBe(false);
      expect(standIn.customObjects()).toEqual([]);
    } finally {
      await standIn.stop();
    }
  }, 30_000);

  it('stop() deletes the TestRun and still merges what the terminated runners wrote (status stopped)', async () => {
    const claim = mkdtempSync(path.join(dir, 'claim-'));
    const outDir = path.join(dir, 'drill-stop', 'load');
    const standIn = new KubeApiStandIn({
      k6FinishAfterPolls: Infinity,
      onTestRun: (_tr, pods) => pods.forEach((p, i) => {
        copyFileSync(runs[i].summaryFile, path.join(claim, `${p.metadata.name}-summary.json`));
        copyFileSync(runs[i].pointsFile, path.join(claim, `${p.metadata.name}-points.ndjson.gz`));
      }),
    });
    await standIn.start();
    try {
      const run = startDistributedLoad(spec, { phases: phases.map((p) => ({ ...p, durationS: 60 })), outDir }, { api: kubeApis(kubeConfigFor(standIn.url)), namespaces: new NamespaceGuard(['recsys']), outputDir: claim, pollMs: 20, finishGraceMs: 0 });
      const first = new Promise<LoadPhaseName>((r) => run.onPhase((p) => r(p)));
      expect(await first).toBe('baseline');
      await run.stop('guardrail tripped');
      const outcome = await run.done;
      expect(outcome).toMatchObject({ status: 'stopped', exitCode: 105, stopReason: 'guardrail tripped' });
      expect(outcome.windows.map((w) => w.phase)).toEqual(['baseline']);
      expect((await readLoadResult(outcome.summaryFile, outcome.pointsFile)).totals.requests).toBeGreaterThan(0);
      expect(standIn.customObjects()).toEqual([]);
    } finally {
      await standIn.stop();
    }
  }, 30_000);

  it('an API error creating the TestRun is a setup-failed outcome (namespace not allow-listed: nothing created)', async () => {
    const standIn = await cluster(dir);
    try {
      const run = startDistributedLoad({ ...spec, namespace: 'default' }, { phases, outDir: path.join(dir, 'drill-denied', 'load') }, { api: kubeApis(kubeConfigFor(standIn.url)), namespaces: new NamespaceGuard(['recsys']), outputDir: dir, pollMs: 20, finishGraceMs: 0 });
      const outcome = await run.done;
      expect(outcome.status).toBe('setup-failed');
      expect(outcome.error).toMatch(/not allow-listed/);
      expect(standIn.requests.filter((r) => r.method === 'POST')).toEqual([]);
    } finally {
      await standIn.stop();
    }
  });
});
