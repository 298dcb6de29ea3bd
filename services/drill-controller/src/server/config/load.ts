/**
 * Loads the controller configuration: YAML -> schema -> cross-field rules -> defaults. Every
 * problem names the file, line, column and field; secrets may come from environment variables
 * (`adminTokenEnv`, `tokenEnv`, `urlEnv`), and relative paths are relative to the config file.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parseStackConfig, type Role } from '@drillbook/contracts';
import { InvalidConfig, type ConfigProblem } from '../errors.js';
import { configSchema } from './schema.js';
import { YamlSource } from './located.js';
import type { ControllerConfig, GrantConfig, ServiceConfig, TokenConfig } from './types.js';
import { gameDaysConfig } from '../../gameday/config.js';

const REPO = fileURLToPath(new URL('../../../../../', import.meta.url));
const validate = new Ajv({ allErrors: true, strict: false, verbose: true, discriminator: true }).compile(configSchema);

export const EMBEDDED_SERVICE: Omit<ServiceConfig, 'gateway' | 'replicas'> = {
  id: 'recsys-reference',
  title: 'Reference recommender',
  owner: 'team-recsys-platform',
  description: 'The embedded reference stack: two-tower product search and recommendation, replicas across zones behind the health-checked gateway.',
  entityRef: 'component:default/recsys-reference',
  tags: ['recommender', 'onnx', 'embedded'],
  prometheus: { replicaSelector: 'job="recsys-replica"' },
  gpu: {},
};

/** Locates a problem found after loading (e.g. an SLO name no spec defines). */
export type Locate = (path: Array<string | number>, message: string) => ConfigProblem;

export interface LoadedConfig {
  config: ControllerConfig;
  locate: Locate;
}

type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function defaultConfig(): ControllerConfig {
  return fromRaw({}, null, process.cwd());
}

export function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  if (!file) return { config: defaultConfig(), locate: (path, message) => ({ file: '(defaults)', line: 1, column: 1, path: path.join('.'), message }) };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InvalidConfig([{ file, line: 1, column: 1, path: '', message: `cannot read the configuration: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }]);
  }
  return parseConfig(text, file, env);
}

export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const src = new YamlSource(file, text);
  const syntax = src.syntaxProblems();
  if (syntax.length) throw new InvalidConfig(syntax);
  const data = (src.doc.toJS() ?? {}) as unknown;
  if (typeof data !== 'object' || Array.isArray(data) || data === null) throw new InvalidConfig([src.at([], `expected a mapping of settings, got ${JSON.stringify(data)}`)]);
  const schema = src.schemaProblems(validate, data);
  if (schema.length) throw new InvalidConfig(schema);
  const problems: ConfigProblem[] = [];
  const raw = data as Raw;
  const secret = (path: Array<string | number>, obj: Raw | undefined, key: string): string | undefined => {
    if (!obj) return undefined;
    if (obj[key] !== undefined && obj[`${key}Env`] !== undefined) problems.push(src.at(path, `set either "${key}" or "${key}Env", not both`, `${key}Env`));
    const envName = obj[`${key}Env`] as string | undefined;
    if (envName !== undefined) {
      const v = env[envName];
      if (!v) problems.push(src.at(path, `environment variable ${envName} is not set`, `${key}Env`));
      return v;
    }
    return obj[key] as string | undefined;
  };
  const ids = new Map<string, number>();
  let embedded = -1;
  (raw.services ?? []).forEach((s: Raw, i: number) => {
    if (ids.has(s.id)) problems.push(src.at(['services', i, 'id'], `service id "${s.id}" is already used by services[${ids.get(s.id)}]`));
    ids.set(s.id, i);
    if (!s.gateway) {
      if (embedded >= 0) problems.push(src.at(['services', i], `only one service can be the embedded stack (services[${embedded}] already is); give this one a gateway`));
      embedded = i;
    } else {
      const token = secret(['services', i, 'gateway'], s.gateway, 'adminToken');
      if (!token && s.gateway.adminTokenEnv === undefined) problems.push(src.at(['services', i, 'gateway'], 'missing "adminToken" or "adminTokenEnv": drills inject faults through the admin API'));
      s.gateway.adminToken = token;
      delete s.gateway.adminTokenEnv;
    }
  });
  const hashes = new Map<string, number>();
  (raw.tokens ?? []).forEach((t: Raw, i: number) => {
    if (hashes.has(t.sha256)) problems.push(src.at(['tokens', i, 'sha256'], `the same token is already configured as tokens[${hashes.get(t.sha256)}]`));
    hashes.set(t.sha256, i);
    (t.services ?? []).forEach((svc: string, j: number) => {
      if (svc !== '*' && !ids.has(svc) && !(ids.size === 0 && svc === EMBEDDED_SERVICE.id)) problems.push(src.at(['tokens', i, 'services', j], `unknown service "${svc}" (not in services)`));
    });
  });
  (raw.grants ?? []).forEach((g: Raw, i: number) => {
    (g.services ?? []).forEach((svc: string, j: number) => {
      if (svc !== '*' && !ids.has(svc) && !(ids.size === 0 && svc === EMBEDDED_SERVICE.id)) problems.push(src.at(['grants', i, 'services', j], `unknown service "${svc}" (not in services)`));
    });
  });
  if (raw.database) {
    raw.database.url = secret(['database'], raw.database, 'url');
    delete raw.database.urlEnv;
  }
  if (raw.grafana) {
    const token = secret(['grafana'], raw.grafana, 'token');
    if (!token && raw.grafana.tokenEnv === undefined) problems.push(src.at(['grafana'], 'missing "token" or "tokenEnv": annotations need a Grafana service account token'));
    raw.grafana.token = token;
    delete raw.grafana.tokenEnv;
  }
  if (raw.embedded?.stackConfig) {
    const f = resolve(file ? dirname(resolve(file)) : process.cwd(), raw.embedded.stackConfig);
    try {
      raw.embedded.spec = parseStackConfig(readFileSync(f, 'utf8'), f).spec;
    } catch (e) {
      problems.push(src.at(['embedded', 'stackConfig'], (e as Error).message));
    }
  }
  if (problems.length) throw new InvalidConfig(problems);
  return { config: fromRaw(raw, file, dirname(resolve(file)), env), locate: (path, message) => src.at(path, message) };
}

function fromRaw(raw: Raw, file: string | null, base: string, env: NodeJS.ProcessEnv = process.env): ControllerConfig {
  const rel = (p: string) => resolve(base, p);
  const repoDefault = (p: string) => resolve(REPO, p);
  const services: ServiceConfig[] = (raw.services ?? []).map((s: Raw) => ({
    id: s.id,
    title: s.title ?? s.id,
    owner: s.owner,
    description: s.description,
    entityRef: s.entityRef,
    tags: s.tags ?? [],
    gateway: s.gateway ? { url: s.gateway.url.replace(/\/+$/, ''), adminToken: s.gateway.adminToken, controlUrl: s.gateway.controlUrl, sessionsFile: s.gateway.sessionsFile && rel(s.gateway.sessionsFile), ...(s.gateway.protocol ? { protocol: s.gateway.protocol } : {}) } : undefined,
    replicas: s.replicas,
    slos: s.slos,
    prometheus: { matchers: s.prometheus?.matchers, replicaSelector: s.prometheus?.replicaSelector ?? 'job="recsys-replica"' },
    gpu: { dcgmSelector: s.gpu?.dcgmSelector },
    ...(s.slis ? { slis: s.slis.map((x: Raw) => ({ name: x.name, title: x.title, sli: x.sli ?? 'availability', objective: x.objective, period: x.period ?? '30d', errorRatio: x.errorRatio })) } : {}),
  }));
  if (!services.length) services.push({ ...EMBEDDED_SERVICE });
  const tokens: TokenConfig[] = (raw.tokens ?? []).map((t: Raw) => ({
    name: t.name,
    sha256: t.sha256,
    role: t.role as Role,
    services: t.services ?? ['*'],
    ...(t.onBehalfOf === true ? { onBehalfOf: 'headers' as const } : t.onBehalfOf === 'grafana' ? { onBehalfOf: 'grafana' as const } : {}),
  }));
  const grants: GrantConfig[] = (raw.grants ?? []).map((g: Raw) => ({ ...(g.person ? { person: g.person } : { group: g.group }), role: g.role as Role, services: g.services ?? ['*'] }));
  return {
    file,
    listen: { host: raw.listen?.host ?? '127.0.0.1', port: raw.listen?.port ?? 7070 },
    dataDir: raw.dataDir ? rel(raw.dataDir) : resolve(process.cwd(), '.drillbook', 'controller'),
    database: { url: raw.database?.url },
    runbooks: raw.runbooks ? raw.runbooks.map(rel) : [repoDefault('runbooks')],
    sloSpecs: raw.sloSpecs ? rel(raw.sloSpecs) : repoDefault('alerts/slos'),
    refreshIntervalS: raw.refreshIntervalS ?? 5,
    loadEngine: raw.loadEngine ?? 'auto',
    prometheus: raw.prometheus ? { url: raw.prometheus.url.replace(/\/+$/, '') } : undefined,
    grafana: raw.grafana ? { url: raw.grafana.url.replace(/\/+$/, ''), token: raw.grafana.token, dashboardUid: raw.grafana.dashboardUid } : undefined,
    cors: { origins: raw.cors?.origins ?? [] },
    trustProxy: raw.trustProxy ?? false,
    metrics: { public: raw.metrics?.public ?? true },
    tokens,
    grants,
    embedded: {
      replicas: raw.embedded?.replicas ?? raw.embedded?.spec?.replicas ?? 3,
      zones: raw.embedded?.zones ?? raw.embedded?.spec?.zones ?? ['zone-a', 'zone-b'],
      shopperRate: raw.embedded?.shopperRate ?? 5,
      items: raw.embedded?.items,
      users: raw.embedded?.users,
      ...(raw.embedded?.spec ? { spec: raw.embedded.spec } : {}),
    },
    services,
    gameDays: gameDaysConfig(raw.gameDays, env),
  };
}
