/**
 * Distributed load: the TestRun + ConfigMap built from a runbook's scenario (checked against the
 * k6-operator v1.6.0 CRD and the Kubernetes OpenAPI schema), the request plumbing against the API
 * STAND-IN, and the merge of N runners' outputs, tested on real k6 v0.48 outputs: two `k6 run`s
 * against two local node:http targets (one healthy, one failing every third request).
 */
import { execFile } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrdValidator, crdFixturesPresent, validateBuiltIn } from '@drillbook/deploy';
import type { K6Summary } from '@drillbook/contracts';
import { findOnPath } from '../../load/k6/which.js';
import { readLoadResult } from '../../load/reader/readLoadResult.js';
import { percentile } from '../../load/stats.js';
import { KubeApiStandIn } from './__fixtures__/apiStandIn.js';
import { mergeRunnerOutputs } from './k6Merge.js';
import { distributedLoadObjects, K6OperatorLoad, type DistributedLoadSpec } from './k6Operator.js';
import { kubeApis, kubeConfigFor } from './kube.js';
import { NamespaceGuard } from './selection.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SCRIPT = path.join(here, '__fixtures__/runner-scenario.js');
const crds = crdFixturesPresent() ? new CrdValidator() : null;
const spec: DistributedLoadSpec = {
  namespace: 'recsys',
  name: 'drill-d1-load',
  parallelism: 4,
  script: { file: 'runner-scenario.js', source: readFileSync(SCRIPT, 'utf8') },
  env: { BASE_URL: 'http://recsys-gateway:8080' },
  outputClaim: 'drillbook-load-out',
};

describe('TestRun for the k6 operator', () => {
  it('runs the scenario from a ConfigMap on N runners, each writing its outputs under its pod name', () => {
    const [cm, tr] = distributedLoadObjects(spec);
    expect(cm.data['runner-scenario.js']).toBe(spec.script.source);
    expect(tr.spec).toMatchObject({ parallelism: 4, script: { configMap: { name: cm.metadata.name, file: 'runner-scenario.js' } } });
    expect(tr.spec.arguments).toBe('--quiet --out json=/drillbook-out/$(POD_NAME)-points.ndjson.gz');
    expect(() => validateBuiltIn(cm)).not.toThrow();
    if (crds) expect(crds.problems(tr)).toEqual([]);
    expect(() => distributedLoadObjects({ ...spec, parallelism: 0 })).toThrow(/parallelism must be a whole number from 1 to 100/);
  });

  it('creates the ConfigMap and TestRun through the API stand-in, waits for stage finished, removes both', async () => {
    const standIn = new KubeApiStandIn();
    await standIn.start();
    try {
      const load = new K6OperatorLoad(kubeApis(kubeConfigFor(standIn.url)), new NamespaceGuard(['recsys']), { pollMs: 5 });
      const tr = await load.start(spec);
      const posts = standIn.requests.filter((r) => r.method === 'POST');
      expect(posts.map((r) => r.path)).toEqual(['/api/v1/namespaces/recsys/configmaps', '/apis/k6.io/v1alpha1/namespaces/recsys/testruns']);
      expect(() => validateBuiltIn(posts[0].body as never)).not.toThrow();
      if (crds) expect(crds.problems(posts[1].body as never)).toEqual([]);
      expect(await load.wait(tr)).toBe('finished');
      await load.remove(tr);
      expect(standIn.customObjects()).toEqual([]);
      await expect(load.start({ ...spec, namespace: 'default' })).rejects.toThrow(/not allow-listed/);
    } finally {
      await standIn.stop();
    }
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
      setTimeout(() => {
        res.writeHead(fail ? 503 : 200, { 'content-type': 'application/json' });
        res.end(fail ? '{"error":"injected"}' : '{"items":[]}');
      }, fail ? 1 : 3);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe.skipIf(!k6)('merging the outputs of two real k6 v0.48 runners into one summary', () => {
  let dir: string;
  const runners = [0, 1].map((i) => ({ summaryFile: '', pointsFile: '', i }));
  const merged = { summaryFile: '', pointsFile: '' };
  let servers: Server[] = [];
  let report: Awaited<ReturnType<typeof mergeRunnerOutputs>>;
  const summary = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as K6Summary;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'drillbook-k6-merge-'));
    const targets = [await target(0), await target(3)];
    servers = targets.map((t) => t.server);
    await Promise.all(
      runners.map((r) => {
        r.summaryFile = path.join(dir, `runner-${r.i}-summary.json`);
        r.pointsFile = path.join(dir, `runner-${r.i}-points.ndjson${r.i === 1 ? '.gz' : ''}`);
        return promisify(execFile)(k6!, ['run', '--quiet', '--out', `json=${r.pointsFile}`, '-e', `BASE_URL=${targets[r.i].url}`, '-e', `SUMMARY_FILE=${r.summaryFile}`, SCRIPT], { cwd: dir }).catch((e: { code?: number }) => {
          if (e.code !== 99) throw e; // 99: a threshold crossed (the failing runner), outputs are written
        });
      }),
    );
    merged.summaryFile = path.join(dir, 'merged-summary.json');
    merged.pointsFile = path.join(dir, 'merged-points.ndjson.gz');
    report = await mergeRunnerOutputs(runners, merged);
  }, 60_000);

  afterAll(() => {
    for (const s of servers) s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sums counts and recomputes rates over the run', () => {
    const [a, b] = runners.map((r) => summary(r.summaryFile));
    const m = summary(merged.summaryFile);
    const reqs = a.metrics.http_reqs.values.count + b.metrics.http_reqs.values.count;
    expect(m.metrics.http_reqs.values.count).toBe(reqs);
    expect(m.state.testRunDurationMs).toBe(Math.max(a.state.testRunDurationMs, b.state.testRunDurationMs));
    expect(m.metrics.http_reqs.values.rate).toBeCloseTo(reqs / (m.state.testRunDurationMs / 1000), 9);
    const failed = a.metrics.http_req_failed.values.passes + b.metrics.http_req_failed.values.passes;
    expect(m.metrics.http_req_failed.values).toEqual({ rate: failed / reqs, passes: failed, fails: reqs - failed });
  });

  it('computes percentiles from the merged points, not from the runners\' percentiles', () => {
    const [a, b] = runners.map((r) => summary(r.summaryFile).metrics.http_req_duration.values);
    const m = summary(merged.summaryFile).metrics.http_req_duration.values;
    expect(m.count).toBe(a.count + b.count);
    expect(m.min).toBe(Math.min(a.min, b.min));
    expect(m.max).toBe(Math.max(a.max, b.max));
    // The union of both runners' samples, read straight from their files, gives every statistic
    // (k6's interpolated percentiles of the union are not bounded by the runners' own percentiles).
    const values = runners.flatMap((r) => {
      const text = r.pointsFile.endsWith('.gz') ? gunzipSync(readFileSync(r.pointsFile)).toString('utf8') : readFileSync(r.pointsFile, 'utf8');
      return text.split('\n').filter((l: string) => l.startsWith('{"metric":"http_req_duration","type":"Point"')).map((l: string) => JSON.parse(l).data.value as number);
    });
    expect(values.length).toBe(m.count);
    for (const [stat, q] of [['med', 0.5], ['p(90)', 0.9], ['p(95)', 0.95], ['p(99)', 0.99]] as const) expect(m[stat], stat).toBeCloseTo(percentile(values, q)!, 9);
    expect(m.avg).toBeCloseTo(values.reduce((x: number, y: number) => x + y, 0) / values.length, 9);
  });

  it('re-evaluates thresholds on the merged figures (one runner passed http_req_failed rate<0.1, merged it fails)', () => {
    const [a, b] = runners.map((r) => summary(r.summaryFile).metrics.http_req_failed.thresholds!['rate<0.1'].ok);
    expect([a, b]).toEqual([true, false]);
    const m = summary(merged.summaryFile).metrics.http_req_failed;
    expect(m.thresholds!['rate<0.1'].ok).toBe(m.values.rate < 0.1);
    expect(report.changedThresholds.some((t) => t.metric === 'http_req_failed')).toBe(true);
  });

  it('is read by the load reader like one run: phase counts are the sums of the runners\'', async () => {
    const [ra, rb] = await Promise.all(runners.map((r) => readLoadResult(r.summaryFile, r.pointsFile)));
    const rm = await readLoadResult(merged.summaryFile, merged.pointsFile);
    expect(rm.totals.requests).toBe(ra.totals.requests + rb.totals.requests);
    expect(rm.totals.errors).toBe(ra.totals.errors + rb.totals.errors);
    for (const phase of ['baseline', 'fault', 'recovery'] as const) {
      const p = (r: typeof rm) => r.phases.find((x) => x.phase === phase)!;
      expect(p(rm).requests, phase).toBe(p(ra).requests + p(rb).requests);
    }
    expect(rm.samples.length).toBe(ra.samples.length + rb.samples.length);
  });

  it('refuses a truncated points file and writes nothing', async () => {
    const cut = path.join(dir, 'cut.ndjson');
    const lines = readFileSync(runners[0].pointsFile, 'utf8').split('\n');
    const drop = lines.findIndex((l) => l.startsWith('{"metric":"http_req_duration","type":"Point"'));
    writeFileSync(cut, lines.filter((_, i) => i !== drop).join('\n'));
    const out = { summaryFile: path.join(dir, 'bad-summary.json'), pointsFile: path.join(dir, 'bad-points.ndjson') };
    await expect(mergeRunnerOutputs([{ summaryFile: runners[0].summaryFile, pointsFile: cut }, runners[1]], out)).rejects.toThrow(/points hold .*: a points file is missing or truncated/);
    expect(existsSync(out.summaryFile) || existsSync(out.pointsFile)).toBe(false);
  });
});
