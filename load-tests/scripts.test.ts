import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parse } from 'acorn';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { LOAD_METRIC } from '@drillbook/contracts';
import { thresholdsForPlan } from '../services/drill-controller/src/load/defaultThresholds.js';
import { normalizePlan } from '../services/drill-controller/src/load/plan.js';
import { loadWithStandIn, vuMetadata } from './__fixtures__/k6StandIn.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCENARIOS = fileURLToPath(new URL('./scenarios/', import.meta.url));
const scripts = readdirSync(SCENARIOS).filter((f) => f.endsWith('.js'));
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');
/** The k6 modules of v0.48 the scripts may use. */
const K6_V048_MODULES = new Set(['k6', 'k6/http', 'k6/execution', 'k6/data', 'k6/metrics', 'k6/encoding', 'k6/crypto', 'k6/html', 'k6/ws', 'k6/net/grpc', 'k6/timers']);

const SESSIONS = {
  schemaVersion: 1,
  world: { seed: 1, items: 10, users: 3 },
  training: [
    { userId: 'u-1', query: 'running shoes', groundTruth: ['i-2'], category: 'sport', segment: 'runner' },
    { userId: 'u-2', query: 'rain jacket', groundTruth: ['i-7', 'i-8'], category: 'outdoor', segment: 'hiker' },
  ],
  drifted: [{ userId: 'u-9', query: 'garden hose', groundTruth: [], category: 'garden', segment: 'new' }],
};
const PLAN = [
  { phase: 'baseline', durationS: 20, rate: 30, mix: 'training' },
  { phase: 'fault', durationS: 40, rate: 60, mix: 'drifted' },
  { phase: 'recovery', durationS: 30, rate: 30, mix: 'training' },
] as const;
const ENV = {
  BASE_URL: 'http://127.0.0.1:18080/',
  LOAD_PLAN: JSON.stringify(PLAN),
  SESSIONS_FILE: '/data/sessions.json',
  SUMMARY_FILE: '/out/summary.json',
  K: '10',
  TIMEOUT_MS: '800',
  MAX_VUS: '48',
};

describe('the k6 scripts', () => {
  it('type-check against @types/k6 (tsc -p load-tests, checkJs)', () => {
    expect(() => execFileSync(process.execPath, [TSC, '-p', 'load-tests'], { cwd: ROOT, stdio: 'pipe' })).not.toThrow();
  });

  it('and their tests type-check too (tsc -p load-tests/tsconfig.tests.json)', () => {
    expect(() => execFileSync(process.execPath, [TSC, '-p', 'load-tests/tsconfig.tests.json'], { cwd: ROOT, stdio: 'pipe' })).not.toThrow();
  });

  it.each(scripts)('%s bundles with esbuild, importing only k6 v0.48 modules', async (script) => {
    const out = await build({ entryPoints: [`${SCENARIOS}${script}`], bundle: true, format: 'esm', write: false, external: ['k6', 'k6/*'], metafile: true, logLevel: 'silent' });
    expect(out.errors).toEqual([]);
    const imports = Object.values(out.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
    expect(imports.length).toBeGreaterThan(0);
    for (const i of imports) expect(K6_V048_MODULES.has(i)).toBe(true);
    const text = out.outputFiles[0].text;
    for (const name of ['options', 'setup', 'recommend', 'handleSummary']) expect(text).toMatch(new RegExp(`export\\s*\\{[^}]*\\b${name}\\b`));
  });

  // k6 up to v0.51 compiles ES modules with Babel 6, which knows no syntax newer than ES2017: an
  // optional chain or an object spread anywhere in a script or its imports fails `k6 run` at init
  // (exit 107). Real k6 is the final word (k6.int.test.ts runs `k6 inspect` on every script); this
  // catches the same mistakes where k6 is not installed.
  it.each(scripts)('%s and every module it imports parse as ES2017 (what k6 v0.48 compiles)', async (script) => {
    const out = await build({ entryPoints: [`${SCENARIOS}${script}`], bundle: true, format: 'esm', write: false, external: ['k6', 'k6/*'], metafile: true, logLevel: 'silent' });
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.length).toBeGreaterThan(1);
    for (const file of inputs) {
      const source = readFileSync(`${ROOT}${file}`, 'utf8');
      expect(() => parse(source, { ecmaVersion: 2017, sourceType: 'module' }), file).not.toThrow();
    }
  });

  it('the ES2017 check refuses the syntax that broke k6 v0.48', () => {
    expect(() => parse('export const a = (x) => x?.[0];', { ecmaVersion: 2017, sourceType: 'module' })).toThrow();
    expect(() => parse('export const b = (x) => ({ ...x });', { ecmaVersion: 2017, sourceType: 'module' })).toThrow();
  });
});

// The scripts evaluated in Node with a stand-in for k6's modules (see __fixtures__/k6StandIn.ts):
// this checks what the scripts build and do, not k6 itself.
describe('a drill script evaluated with a k6 stand-in', () => {
  const files = { '/data/sessions.json': JSON.stringify(SESSIONS) };

  it('runs each LOAD_PLAN phase as its own scenario with the plan’s rate, start and mix', async () => {
    const { module } = await loadWithStandIn(`${SCENARIOS}replica-loss.js`, ENV, files);
    const options = module.options as { scenarios: Record<string, Record<string, unknown>>; summaryTrendStats: string[] };
    expect(Object.keys(options.scenarios)).toEqual(['baseline', 'fault', 'recovery']);
    expect(options.scenarios.fault).toMatchObject({ executor: 'constant-arrival-rate', rate: 60, startTime: '20000ms', duration: '40000ms', maxVUs: 48, exec: 'recommend', env: { MIX: 'drifted' } });
    expect(options.scenarios.recovery.startTime).toBe('60000ms');
    expect(options.summaryTrendStats).toEqual(expect.arrayContaining(['p(99)', 'count', 'med']));
  });

  it.each(scripts.map((s) => s.replace(/\.js$/, '')))('%s declares exactly the thresholds the built-in engine evaluates for it', async (name) => {
    const { module } = await loadWithStandIn(`${SCENARIOS}${name}.js`, ENV, files);
    const builtin = await thresholdsForPlan(
      normalizePlan({ baseUrl: ENV.BASE_URL, phases: [...PLAN], k: 10, timeoutMs: 800, sessions: SESSIONS as never, outDir: '/tmp/unused', scenario: `load-tests/scenarios/${name}.js` }),
    );
    expect((module.options as { thresholds: unknown }).thresholds).toEqual(builtin);
  });

  it('sends the contract’s request with the synthetic and ground-truth headers, and records degraded and NDCG per request', async () => {
    const { module, standIn } = await loadWithStandIn(`${SCENARIOS}model-load-failure.js`, ENV, files);
    standIn.scenario = { name: 'baseline', iterationInTest: 1 };
    standIn.response = { status: 200, body: JSON.stringify({ items: [{ itemId: 'i-8', score: 1 }, { itemId: 'i-1', score: 0.5 }], degraded: true }) };
    (module.recommend as () => void)();
    const post = standIn.calls.posts[0];
    expect(post.url).toBe('http://127.0.0.1:18080/v1/recommend');
    expect(JSON.parse(post.body)).toEqual({ userId: 'u-2', query: 'rain jacket', k: 10 });
    expect(post.params.headers).toEqual({ 'content-type': 'application/json', 'x-synthetic': 'true', 'x-ground-truth': 'i-7,i-8' });
    expect(post.params.timeout).toBe('800ms');
    expect(post.params.tags).toEqual({ name: 'recommend' });
    // The request's samples are joined by metadata in --out json, and the metadata is cleared after.
    expect(post.metadata).toEqual({ req: 'baseline:1' });
    expect(vuMetadata()).toEqual({});
    expect(standIn.calls.samples).toEqual([
      { metric: LOAD_METRIC.invalid, value: false },
      { metric: LOAD_METRIC.degraded, value: true },
      { metric: LOAD_METRIC.ndcg, value: expect.closeTo(1 / (1 + 1 / Math.log2(3)), 12) },
    ]);
    expect(standIn.calls.checks).toEqual({ 'status is 2xx': true, 'body fits the protocol': true });
  });

  it('speaks oip-v2 when TARGET_PROTOCOL says so, and counts an answer that does not fit as invalid with the field named', async () => {
    const env = { ...ENV, TARGET_PROTOCOL: JSON.stringify({ type: 'oip-v2', model: 'm1', version: '3' }) };
    const { module, standIn } = await loadWithStandIn(`${SCENARIOS}model-load-failure.js`, env, files);
    standIn.scenario = { name: 'baseline', iterationInTest: 1 };
    standIn.response = { status: 200, body: JSON.stringify({ model_name: 'm1', outputs: [{ name: 'item_ids', datatype: 'BYTES', shape: [2], data: 'i-8,i-1' }] }) };
    (module.recommend as () => void)();
    const post = standIn.calls.posts[0];
    expect(post.method).toBe('POST');
    expect(post.url).toBe('http://127.0.0.1:18080/v2/models/m1/versions/3/infer');
    expect(JSON.parse(post.body).inputs.map((i: { name: string; data: unknown[] }) => [i.name, i.data[0]])).toEqual([
      ['user_id', 'u-2'],
      ['query', 'rain jacket'],
      ['k', 10],
    ]);
    expect(standIn.calls.samples).toEqual([{ metric: LOAD_METRIC.invalid, value: true, tags: { error: 'outputs[0].data: expected an array of item ids' } }]);
    expect(standIn.calls.checks).toEqual({ 'status is 2xx': true, 'body fits the protocol': false });
  });

  it('draws the drifted mix in a drifted phase and records nothing but the request for an error answer', async () => {
    const { module, standIn } = await loadWithStandIn(`${SCENARIOS}data-drift.js`, { ...ENV, MIX: 'drifted' }, files);
    standIn.scenario = { name: 'fault', iterationInTest: 5 };
    standIn.response = { status: 503, body: '{"error":"injected"}' };
    (module.recommend as () => void)();
    expect(JSON.parse(standIn.calls.posts[0].body).userId).toBe('u-9');
    expect(standIn.calls.samples).toEqual([]);
    expect(standIn.calls.checks['status is 2xx']).toBe(false);
  });

  it('aborts in setup() when the target is not ready', async () => {
    const { module, standIn } = await loadWithStandIn(`${SCENARIOS}zone-loss.js`, ENV, files);
    standIn.response = { status: 503, body: '{"ready":false}' };
    expect(() => (module.setup as () => void)()).toThrow(/test aborted/);
    expect(standIn.calls.gets).toEqual(['http://127.0.0.1:18080/readyz']);
    expect(standIn.calls.aborted).toBe('target not ready: GET http://127.0.0.1:18080/readyz -> HTTP 503');
    standIn.response = { status: 200, body: '{"ready":true}' };
    standIn.calls.aborted = null;
    (module.setup as () => void)();
    expect(standIn.calls.aborted).toBeNull();
  });

  it('writes the handleSummary JSON where SUMMARY_FILE says', async () => {
    const { module } = await loadWithStandIn(`${SCENARIOS}overload.js`, ENV, files);
    const data = { metrics: { http_reqs: { type: 'counter', contains: 'default', values: { count: 3, rate: 1 } } }, state: { testRunDurationMs: 3000 } };
    const out = (module.handleSummary as (d: unknown) => Record<string, string>)(data);
    expect(Object.keys(out).sort()).toEqual(['/out/summary.json', 'stdout']);
    expect(JSON.parse(out['/out/summary.json'])).toEqual(data);
  });

  it('fails at init with a clear message when SESSIONS_FILE is missing', async () => {
    const { SESSIONS_FILE: _, ...env } = ENV;
    await expect(loadWithStandIn(`${SCENARIOS}overload.js`, env, files)).rejects.toThrow(/SESSIONS_FILE is not set/);
  });
});
