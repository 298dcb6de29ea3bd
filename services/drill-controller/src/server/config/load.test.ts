import { describe, expect, it } from 'vitest';
import { InvalidConfig } from '../errors.js';
import { defaultConfig, parseConfig } from './load.js';

const problems = (text: string, env: NodeJS.ProcessEnv = {}) => {
  try {
    parseConfig(text, '/etc/drillbook/controller.yaml', env);
  } catch (e) {
    if (e instanceof InvalidConfig) return e.problems.map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`);
    throw e;
  }
  return [];
};

describe('controller configuration', () => {
  it('takes a service protocol block (the runbook target.protocol) and locates its mistakes', () => {
    const svc = (protocol: string) => `services:\n  - id: triton-recs\n    owner: team-a\n    gateway:\n      url: http://127.0.0.1:9000\n      adminToken: t\n      protocol: ${protocol}\n`;
    const { config } = parseConfig(svc('{ type: oip-v2, model: recs, version: "3", outputs: { itemIds: ids, degraded: null } }'), '/etc/drillbook/controller.yaml', {});
    expect(config.services[0].gateway?.protocol).toEqual({ type: 'oip-v2', model: 'recs', version: '3', outputs: { itemIds: 'ids', degraded: null } });
    expect(problems(svc('{ type: grpc }'))).toEqual(['7:19 services[0].gateway.protocol.type: unknown type "grpc" (expected one of: drillbook, oip-v2, json)']);
    expect(problems(svc('{ type: json, path: /r }'))).toEqual(['7:17 services[0].gateway.protocol: missing required field "itemIds"']);
    expect(problems(svc('{ type: json, path: "/r?u={{user}}", itemIds: /items }'))).toEqual([
      expect.stringMatching(/^7:\d+ services\[0\]\.gateway\.protocol\.path: expected a path starting with "\/" whose only placeholders are \{\{userId\}\}, \{\{query\}\}, \{\{k\}\}/),
    ]);
    expect(problems(svc('{ type: json, path: /r, itemIds: items }'))).toEqual([expect.stringMatching(/protocol\.itemIds: expected a JSON Pointer \(RFC 6901\)/)]);
  });

  it('takes SLIs from PromQL for a foreign service (Triton) and locates a query without the window placeholder', () => {
    const q = 'sum(rate(nv_inference_request_failure[{{.window}}])) / (sum(rate(nv_inference_request_success[{{.window}}])) + sum(rate(nv_inference_request_failure[{{.window}}])))';
    const svc = (sli: string) => `services:\n  - id: triton-recs\n    owner: team-a\n    gateway: { url: "http://127.0.0.1:8000", adminToken: t }\n    slis:\n      - ${sli}\n`;
    const { config } = parseConfig(svc(`{ name: availability, objective: 0.999, errorRatio: '${q}' }`), '/etc/drillbook/controller.yaml', {});
    expect(config.services[0].slis).toEqual([{ name: 'availability', title: undefined, sli: 'availability', objective: 0.999, period: '30d', errorRatio: q }]);
    expect(problems(svc(`{ name: availability, objective: 0.999, errorRatio: 'sum(rate(nv_inference_request_failure[5m]))' }`))).toEqual([
      expect.stringMatching(/^6:\d+ services\[0\]\.slis\[0\]\.errorRatio: expected a PromQL bad\/total ratio with the \{\{\.window\}\} placeholder/),
    ]);
    expect(problems(svc(`{ name: availability, objective: 99.9, period: 4w, errorRatio: '${q}' }`))).toEqual([
      expect.stringMatching(/^6:\d+ services\[0\]\.slis\[0\]\.objective: must be < 1, got 99\.9/),
      expect.stringMatching(/^6:\d+ services\[0\]\.slis\[0\]\.period: expected a period in days such as "30d", got "4w"/),
    ]);
  });

  it('defaults to the embedded reference service, SQLite, no CORS and no tokens', () => {
    const c = defaultConfig();
    expect(c.services.map((s) => [s.id, s.gateway])).toEqual([['recsys-reference', undefined]]);
    expect(c.database.url).toBeUndefined();
    expect(c.cors.origins).toEqual([]);
    expect(c.tokens).toEqual([]);
    expect(c.listen).toEqual({ host: '127.0.0.1', port: 7070 });
    expect(c.runbooks[0]).toMatch(/\/runbooks$/);
    expect(c.sloSpecs).toMatch(/\/alerts\/slos$/);
  });

  it('reads services, secrets from the environment and paths relative to the file', () => {
    const { config } = parseConfig(
      `dataDir: state
services:
  - id: checkout-ranker
    owner: team-checkout
    entityRef: component:default/checkout-ranker
    gateway: { url: "http://127.0.0.1:8080/", adminTokenEnv: CHECKOUT_ADMIN, sessionsFile: sessions.json }
    slos: [availability]
    gpu: { dcgmSelector: 'namespace="checkout"' }
tokens:
  - { name: alice, sha256: "${'a'.repeat(64)}", role: operator, services: [checkout-ranker] }
database: { urlEnv: PG_URL }
`,
      '/etc/drillbook/controller.yaml',
      { CHECKOUT_ADMIN: 'adm', PG_URL: 'postgres://u@db/drillbook' },
    );
    expect(config.dataDir).toBe('/etc/drillbook/state');
    expect(config.database.url).toBe('postgres://u@db/drillbook');
    expect(config.services[0]).toMatchObject({
      id: 'checkout-ranker',
      title: 'checkout-ranker',
      gateway: { url: 'http://127.0.0.1:8080', adminToken: 'adm', sessionsFile: '/etc/drillbook/sessions.json' },
      prometheus: { replicaSelector: 'job="recsys-replica"' },
      gpu: { dcgmSelector: 'namespace="checkout"' },
    });
    expect(config.tokens).toEqual([{ name: 'alice', sha256: 'a'.repeat(64), role: 'operator', services: ['checkout-ranker'] }]);
  });

  it('names the file, line and field of every schema problem', () => {
    expect(
      problems(`listen: { port: 70000 }
tokens:
  - { name: bob, sha256: not-a-hash, role: root }
servcies: []
`),
    ).toEqual([
      '1:17 listen.port: must be <= 65535, got 70000',
      '3:26 tokens[0].sha256: expected the lowercase hex sha256 of the token (echo -n TOKEN | sha256sum), got "not-a-hash"',
      '3:44 tokens[0].role: expected one of "viewer", "operator", "admin", "approver", got "root"',
      expect.stringMatching(/^4:1 servcies: unknown field "servcies" \(expected one of: listen, /),
    ]);
  });

  it('refuses duplicate services, a missing admin token, an unset environment variable and a token for an unknown service', () => {
    expect(
      problems(`services:
  - { id: a, owner: x, gateway: { url: "http://127.0.0.1:1" } }
  - { id: a, owner: x, gateway: { url: "http://127.0.0.1:2", adminTokenEnv: NOPE } }
tokens:
  - { name: t, sha256: "${'b'.repeat(64)}", role: operator, services: [ghost] }
`),
    ).toEqual([
      '2:33 services[0].gateway: missing "adminToken" or "adminTokenEnv": drills inject faults through the admin API',
      '3:11 services[1].id: service id "a" is already used by services[0]',
      '3:62 services[1].gateway.adminTokenEnv: environment variable NOPE is not set',
      '5:119 tokens[0].services[0]: unknown service "ghost" (not in services)',
    ]);
  });

  it("applies embedded.stackConfig (drillbook tune's recommended.json, relative to the config file) and locates a bad one", async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const d = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(d, 'recommended.json'), JSON.stringify({ apiVersion: 'drillbook.dev/v1', kind: 'StackConfig', spec: { replicas: 4, replica: { maxBatch: 8, maxDelayMs: 5 }, gateway: { maxInFlight: 16 } } }));
    const { config } = parseConfig('embedded: { stackConfig: recommended.json }\n', join(d, 'controller.yaml'));
    expect(config.embedded.replicas).toBe(4);
    expect(config.embedded.spec).toEqual({ replicas: 4, replica: { maxBatch: 8, maxDelayMs: 5 }, gateway: { maxInFlight: 16 } });
    writeFileSync(join(d, 'bad.json'), JSON.stringify({ apiVersion: 'drillbook.dev/v1', kind: 'StackConfig', spec: { replica: { maxBatch: 0 } } }));
    expect(() => parseConfig('embedded: { stackConfig: bad.json }\n', join(d, 'controller.yaml'))).toThrow(/embedded\.stackConfig.*spec\.replica\.maxBatch: must be >= 1, got 0/);
  });

  it('allows only one service to be the embedded stack', () => {
    expect(problems('services:\n  - { id: a, owner: x }\n  - { id: b, owner: y }\n')).toEqual([
      '3:5 services[1]: only one service can be the embedded stack (services[0] already is); give this one a gateway',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    expect(problems('listen: {port: 1\n')[0]).toMatch(/^\d+:\d+ : YAML syntax error/);
  });
});

describe('the shipped example configuration', () => {
  it('parses, with its secrets taken from the environment', async () => {
    const { loadConfig } = await import('./load.js');
    const { fileURLToPath } = await import('node:url');
    const file = fileURLToPath(new URL('../../../controller.example.yaml', import.meta.url));
    const { config } = loadConfig(file, { DRILLBOOK_DATABASE_URL: 'postgres://drillbook@127.0.0.1/drillbook' });
    expect(config.services.map((s) => [s.id, s.slos])).toEqual([['recsys-reference', ['availability', 'latency', 'degraded-serving']]]);
    expect(config.tokens.map((t) => [t.role, t.onBehalfOf])).toEqual([['viewer', undefined], ['operator', undefined], ['admin', 'headers']]);
    expect(config.grants?.map((g) => g.person ?? g.group)).toEqual(['group:default/team-recsys', 'group:default/sre', 'user:default/alice', 'grafana:role/Editor']);
    expect(config.database.url).toBe('postgres://drillbook@127.0.0.1/drillbook');
  });
});

describe('trusted front ends and grants to people', () => {
  it('reads onBehalfOf and grants, and names the grant that is wrong', async () => {
    const { parseConfig } = await import('./load.js');
    const { InvalidConfig } = await import('../errors.js');
    const h = 'a'.repeat(64);
    const ok = parseConfig(`tokens:\n  - { name: backstage, sha256: "${h}", role: admin, onBehalfOf: true }\n  - { name: grafana, sha256: "${'b'.repeat(64)}", role: operator, onBehalfOf: grafana }\ngrants:\n  - { group: "group:default/sre", role: admin }\n`, 'c.yaml');
    expect(ok.config.tokens.map((t) => t.onBehalfOf)).toEqual(['headers', 'grafana']);
    expect(ok.config.grants).toEqual([{ group: 'group:default/sre', role: 'admin', services: ['*'] }]);
    const bad = () => parseConfig(`grants:\n  - { person: "user:default/alice", role: operator, services: [nope] }\n  - { role: admin }\n`, 'c.yaml');
    expect(bad).toThrow(InvalidConfig);
    try {
      bad();
    } catch (e) {
      const text = (e as Error).message;
      expect(text).toMatch(/c\.yaml:3:\d+: grants\[1\]/);
    }
    expect(() => parseConfig(`grants:\n  - { person: "user:default/alice", role: operator, services: [nope] }\n`, 'c.yaml')).toThrow(/grants\[0\]\.services\[0\]: unknown service "nope"/);
  });
});
