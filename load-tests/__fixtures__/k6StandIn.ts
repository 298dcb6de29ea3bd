/**
 * A stand-in for k6's JavaScript modules, for evaluating the scripts in Node in tests: it records
 * what a script asks k6 to do (requests, metric samples, metadata, aborts) and answers requests
 * with a response the test chooses. It is NOT k6 and proves nothing about k6 itself; the scripts
 * are run by real k6 elsewhere. Used to check option building and the flow's logic.
 */
import { build, type Plugin } from 'esbuild';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface K6Calls {
  posts: Array<{ method?: string; url: string; body: string; params: { headers: Record<string, string>; tags: Record<string, string>; timeout: string }; metadata: Record<string, string> }>;
  gets: string[];
  samples: Array<{ metric: string; value: number | boolean }>;
  checks: Record<string, boolean>;
  aborted: string | null;
  metadataAfter: Record<string, string> | null;
}

export interface StandIn {
  calls: K6Calls;
  /** Answer of the next http.post/http.get. */
  response: { status: number; body: string | null; error?: string };
  scenario: { name: string; iterationInTest: number };
}

const MODULES: Record<string, string> = {
  k6: `export function check(res, checks) { for (const [k, f] of Object.entries(checks)) globalThis.__k6.calls.checks[k] = !!f(res); return true; }`,
  'k6/http': `
    const http = {
      post(url, body, params) {
        const s = globalThis.__k6;
        s.calls.posts.push({ url, body, params, metadata: { ...globalThis.__k6exec.vu.metrics.metadata } });
        return { ...s.response };
      },
      request(method, url, body, params) {
        const s = globalThis.__k6;
        s.calls.posts.push({ method, url, body, params, metadata: { ...globalThis.__k6exec.vu.metrics.metadata } });
        return { ...s.response };
      },
      get(url) { const s = globalThis.__k6; s.calls.gets.push(url); return { ...s.response }; },
      setResponseCallback() {},
      expectedStatuses(r) { return r; },
    };
    export default http;`,
  'k6/execution': `
    const exec = {
      get scenario() { return globalThis.__k6.scenario; },
      vu: { metrics: { metadata: {}, tags: {} } },
      test: { abort(msg) { globalThis.__k6.calls.aborted = msg; throw new Error('test aborted: ' + msg); } },
    };
    globalThis.__k6exec = exec;
    export default exec;`,
  'k6/data': `export class SharedArray { constructor(name, fn) { return fn(); } }`,
  'k6/metrics': `
    class M { constructor(name) { this.name = name; } add(v, tags) { globalThis.__k6.calls.samples.push(tags ? { metric: this.name, value: v, tags } : { metric: this.name, value: v }); } }
    export class Rate extends M {}
    export class Trend extends M {}
    export class Counter extends M {}
    export class Gauge extends M {}`,
};

const standInPlugin: Plugin = {
  name: 'k6-stand-in',
  setup(b) {
    b.onResolve({ filter: /^k6(\/.*)?$/ }, (args) => ({ path: args.path, namespace: 'k6-stand-in' }));
    b.onLoad({ filter: /.*/, namespace: 'k6-stand-in' }, (args) => {
      const contents = MODULES[args.path];
      if (!contents) throw new Error(`the k6 stand-in has no module ${args.path} (not a k6 v0.48 module used by the scripts)`);
      return { contents, loader: 'js' };
    });
  },
};

/**
 * Bundles `script` with the stand-in and imports it with `env` as `__ENV` and `files` readable
 * through k6's `open()`.
 */
export async function loadWithStandIn(script: string, env: Record<string, string>, files: Record<string, string> = {}): Promise<{ module: Record<string, unknown>; standIn: StandIn }> {
  const out = await build({ entryPoints: [script], bundle: true, format: 'esm', platform: 'neutral', write: false, plugins: [standInPlugin], logLevel: 'silent' });
  const standIn: StandIn = {
    calls: { posts: [], gets: [], samples: [], checks: {}, aborted: null, metadataAfter: null },
    response: { status: 200, body: '{"items":[]}' },
    scenario: { name: 'baseline', iterationInTest: 0 },
  };
  const g = globalThis as Record<string, unknown>;
  g.__k6 = standIn;
  g.__ENV = env;
  g.open = (path: string) => {
    if (!(path in files)) throw new Error(`open(): no such file ${path}`);
    return files[path];
  };
  const dir = mkdtempSync(join(tmpdir(), 'k6-stand-in-'));
  const file = join(dir, 'bundle.mjs');
  writeFileSync(file, out.outputFiles[0].text);
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  return { module, standIn };
}

/** The metadata object the flow sets on the VU (to check it is cleared after each request). */
export function vuMetadata(): Record<string, string> {
  return (globalThis as unknown as { __k6exec: { vu: { metrics: { metadata: Record<string, string> } } } }).__k6exec.vu.metrics.metadata;
}
