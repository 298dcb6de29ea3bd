/**
 * Distributed load on the k6 operator: the TestRun (parallelism N) and the ConfigMap holding the
 * runbook's k6 scenario. Each runner writes its handleSummary JSON and `--out json` points to a
 * shared volume under its own pod name; k6Merge.ts turns those N pairs into one.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import type { KubeApis } from './kube.js';
import { isNotFound, objectName, poll } from './kube.js';
import { KubernetesFaultError } from './types.js';
import type { NamespaceGuard } from './selection.js';

export const K6_GROUP = 'k6.io';
export const K6_VERSION = 'v1alpha1';
export const K6_PLURAL = 'testruns';
/** Where runners write their outputs (a ReadWriteMany volume claim the team provides). */
export const RUNNER_OUTPUT_DIR = '/drillbook-out';

export interface DistributedLoadSpec {
  namespace: string;
  /** Name of the TestRun and its ConfigMap. */
  name: string;
  parallelism: number;
  /** The k6 script (ES2017) and its file name in the ConfigMap. */
  script: { file: string; source: string };
  /** Environment for k6 (`BASE_URL`, rates, phases). */
  env: Record<string, string>;
  /** ReadWriteMany PersistentVolumeClaim the runners write their outputs to. */
  outputClaim: string;
  /** ConfigMap holding `sessions.json` (the load sessions model:build writes), mounted for SESSIONS_FILE. */
  sessionsConfigMap?: string;
  image?: string;
}

/** Where the sessions ConfigMap is mounted in each runner. */
export const SESSIONS_DIR = '/drillbook-sessions';

export interface ConfigMapObject {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  data: Record<string, string>;
}

export interface TestRunObject {
  apiVersion: 'k6.io/v1alpha1';
  kind: 'TestRun';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: Record<string, unknown>;
}

const LABELS = { 'app.kubernetes.io/managed-by': 'drillbook', 'app.kubernetes.io/component': 'load' };

/**
 * The runner's outputs, named by pod: kubelet expands `$(POD_NAME)` in the runner's arguments from
 * the env var the runner spec defines (downward API). handleSummary writes `<dir>/<pod>-summary.json`
 * (k6 passes system env vars to `__ENV`; the scenario reads SUMMARY_FILE).
 */
export function distributedLoadObjects(spec: DistributedLoadSpec): [ConfigMapObject, TestRunObject] {
  if (!Number.isInteger(spec.parallelism) || spec.parallelism < 1 || spec.parallelism > 100) {
    throw new KubernetesFaultError(`parallelism must be a whole number from 1 to 100, got ${spec.parallelism}`);
  }
  const name = objectName(spec.name);
  const configMap: ConfigMapObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${name}-script`.slice(0, 63), namespace: spec.namespace, labels: LABELS },
    data: { [spec.script.file]: spec.script.source },
  };
  const env = Object.entries({
    ...spec.env,
    SUMMARY_FILE: `${RUNNER_OUTPUT_DIR}/$(POD_NAME)-summary.json`,
    ...(spec.sessionsConfigMap ? { SESSIONS_FILE: `${SESSIONS_DIR}/sessions.json` } : {}),
  })
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => ({ name: k, value: v }));
  const testRun: TestRunObject = {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: { name, namespace: spec.namespace, labels: LABELS },
    spec: {
      parallelism: spec.parallelism,
      script: { configMap: { name: configMap.metadata.name, file: spec.script.file } },
      arguments: `--quiet --out json=${RUNNER_OUTPUT_DIR}/$(POD_NAME)-points.ndjson.gz`,
      separate: false,
      runner: {
        ...(spec.image ? { image: spec.image } : {}),
        env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, ...env],
        volumeMounts: [
          { name: 'drillbook-out', mountPath: RUNNER_OUTPUT_DIR },
          ...(spec.sessionsConfigMap ? [{ name: 'drillbook-sessions', mountPath: SESSIONS_DIR, readOnly: true }] : []),
        ],
        volumes: [
          { name: 'drillbook-out', persistentVolumeClaim: { claimName: spec.outputClaim } },
          ...(spec.sessionsConfigMap ? [{ name: 'drillbook-sessions', configMap: { name: spec.sessionsConfigMap } }] : []),
        ],
      },
    },
  };
  return [configMap, testRun];
}

/**
 * A scenario (relative to the repository root) and everything it imports from load-tests/lib as ONE
 * ES2017 file (esbuild; `k6` modules stay imports), so a ConfigMap can carry it to the runners.
 */
export function scenarioSource(repoRoot: string, scenario: string): { file: string; source: string } {
  const entry = path.join(repoRoot, scenario);
  readFileSync(entry); // a missing scenario fails here, naming the file
  const out = buildSync({ entryPoints: [entry], bundle: true, format: 'esm', target: 'es2017', platform: 'neutral', external: ['k6', 'k6/*'], write: false, logLevel: 'silent', absWorkingDir: repoRoot });
  return { file: path.basename(scenario), source: `// Bundled by drillbook from ${scenario} and its imports (esbuild, ES2017) for the k6 operator.\n${out.outputFiles[0].text}` };
}

export class K6OperatorLoad {
  constructor(
    private readonly api: KubeApis,
    private readonly namespaces: NamespaceGuard,
    private readonly opts: { pollMs?: number; timeoutMs?: number } = {},
  ) {}

  async start(spec: DistributedLoadSpec): Promise<TestRunObject> {
    this.namespaces.check(spec.namespace);
    const [cm, tr] = distributedLoadObjects(spec);
    await this.api.core.createNamespacedConfigMap({ namespace: spec.namespace, body: cm });
    try {
      await this.api.custom.createNamespacedCustomObject({ group: K6_GROUP, version: K6_VERSION, namespace: spec.namespace, plural: K6_PLURAL, body: tr });
    } catch (e) {
      await this.api.core.deleteNamespacedConfigMap({ name: cm.metadata.name, namespace: spec.namespace }).catch(() => undefined);
      throw e;
    }
    return tr;
  }

  /** Waits for `status.stage` finished (or error, which throws). */
  async wait(tr: TestRunObject, signal?: AbortSignal): Promise<string> {
    const ref = { group: K6_GROUP, version: K6_VERSION, namespace: tr.metadata.namespace, plural: K6_PLURAL, name: tr.metadata.name };
    const stage = await poll(`TestRun ${tr.metadata.name} finished`, this.opts.timeoutMs ?? 30 * 60_000, this.opts.pollMs ?? 2000, async () => {
      const got = (await this.api.custom.getNamespacedCustomObject(ref)) as { status?: { stage?: string } };
      const s = got.status?.stage;
      if (s === 'error') throw new KubernetesFaultError(`TestRun ${tr.metadata.name} reports stage error`);
      return s === 'finished' ? s : null;
    }, signal);
    return stage;
  }

  /** Deletes the TestRun (its runner pods go with it) and the script ConfigMap; missing ones are fine. */
  async remove(tr: TestRunObject): Promise<void> {
    const ns = tr.metadata.namespace;
    await this.api.custom.deleteNamespacedCustomObject({ group: K6_GROUP, version: K6_VERSION, namespace: ns, plural: K6_PLURAL, name: tr.metadata.name }).catch((e) => {
      if (!isNotFound(e)) throw e;
    });
    const cm = (tr.spec.script as { configMap: { name: string } }).configMap.name;
    await this.api.core.deleteNamespacedConfigMap({ name: cm, namespace: ns }).catch((e) => {
      if (!isNotFound(e)) throw e;
    });
  }
}
