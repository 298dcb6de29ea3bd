/**
 * A real drill controller (`drillbook serve` from this repository) for the plugin's tests: two
 * stand-in services (their gateways are not running, so a launched drill ends as aborted, which is
 * all these tests need), the Backstage front-end token marked `onBehalfOf: true`, and grants to
 * Backstage groups. Waits for its "listening on" line; `stop()` ends it.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '../../../..');
const FIXTURE = join(REPO, 'services/drill-controller/src/server/__fixtures__/runbooks/latency-blip.yaml');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

export const FRONT_END_TOKEN = 'backstage-front-end-token';
export const AUDITOR_TOKEN = 'auditor-token';
export const PLAIN_TOKEN = 'plain-ci-token';

export interface Controller {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

export async function startController(): Promise<Controller> {
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-bs-backend-'));
  mkdirSync(join(dir, 'runbooks'));
  const blip = readFileSync(FIXTURE, 'utf8');
  writeFileSync(join(dir, 'runbooks/latency-blip.yaml'), blip);
  writeFileSync(join(dir, 'runbooks/latency-blip-search.yaml'), blip.replace('name: latency-blip', 'name: latency-blip-search').replace('service: recsys-reference', 'service: search-ranker'));
  const standIn = (id: string, entityRef: string) => `  - id: ${id}
    owner: team-test
    entityRef: ${entityRef}
    gateway: { url: "http://127.0.0.1:9", adminToken: stand-in }
    replicas: [{ id: r0, zone: zone-a, url: "http://127.0.0.1:9" }]`;
  writeFileSync(
    join(dir, 'controller.yaml'),
    `dataDir: ${join(dir, 'data')}
runbooks: [${join(dir, 'runbooks')}]
refreshIntervalS: 30
loadEngine: builtin
services:
${standIn('recsys-reference', 'component:default/recsys-reference')}
${standIn('search-ranker', 'component:default/search-ranker')}
tokens:
  - { name: backstage, sha256: ${sha(FRONT_END_TOKEN)}, role: admin, onBehalfOf: true }
  - { name: auditor, sha256: ${sha(AUDITOR_TOKEN)}, role: admin }
  - { name: ci, sha256: ${sha(PLAIN_TOKEN)}, role: operator }
grants:
  - { group: "group:default/team-recsys", role: operator, services: [recsys-reference] }
  - { group: "group:default/team-search", role: viewer }   # owns search-ranker in the catalogue, but may only watch drills
  - { group: "group:default/sre", role: admin }
`,
  );
  const child = spawn(process.execPath, [join(REPO, 'services/drill-controller/bin/drillbook.js'), 'serve', '--port', '0', '--config', join(dir, 'controller.yaml')], {
    cwd: REPO,
    env: { ...process.env, DRILLBOOK_TOKENS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`controller not listening within 240 s:\n${lines.slice(-30).join('\n')}`)), 240_000);
    for (const s of [child.stdout!, child.stderr!]) {
      s.setEncoding('utf8');
      let buf = '';
      s.on('data', (d: string) => {
        buf += d;
        const parts = buf.split('\n');
        buf = parts.pop() ?? '';
        for (const l of parts) {
          lines.push(l);
          const m = /drillbook controller listening on (http:\/\/\S+)/.exec(l);
          if (m) {
            clearTimeout(timer);
            ok(m[1]!);
          }
        }
      });
    }
    void exited.then(() => {
      clearTimeout(timer);
      fail(new Error(`controller exited before listening:\n${lines.slice(-30).join('\n')}`));
    });
  });
  return {
    url,
    output: () => lines.join('\n'),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
