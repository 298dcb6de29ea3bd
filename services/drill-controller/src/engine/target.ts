/**
 * What a drill acts on: the service's gateway, its replicas (with their admin API), process-level
 * control (the topology runner) and the model registry drills publish into. The embedded target
 * starts the reference stack itself; an external target points at a running one.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { EmbeddedStackSpec, TargetProtocol } from '@drillbook/contracts';
import type { ModelManifest } from '@drillbook/inference/registry/registry';
import { Stack, runAction, type StackAction, type StackOptions } from '@drillbook/stack';
import { TargetError } from '../errors.js';
import type { RunningPrometheus } from '@drillbook/alerts';
import { startEmbeddedPrometheus } from './embeddedPrometheus.js';
import { publishOffThread } from './publish.js';
import { readSessionsFile } from '../load/sessions.js';
import { httpTargetApi, type ReplicaRef, type TargetApi } from './targetApi.js';
import type { UndoTarget } from './undo.js';
import { ADMIN_PATHS } from '@drillbook/contracts';

export type { ReplicaRef } from './targetApi.js';

export interface DrillTarget {
  service: string;
  gatewayUrl: string;
  embedded: boolean;
  /** Bearer token of the replicas' and gateway's admin APIs. */
  adminToken: string;
  sessionsFile: string;
  prometheusUrl?: string;
  /** How the drill talks to the service (readiness, warm-up, load); undefined = drillbook. */
  protocol?: TargetProtocol;
  replicas(): ReplicaRef[];
  /** Every request the drill makes to the target goes through here. */
  api: TargetApi;
  /** Process-level faults; absent when the target offers no runner control. */
  process?: {
    act(replica: string, action: StackAction): Promise<void>;
    pid(replica: string): number | null;
    phase(replica: string): string;
  };
  /**
   * The target's remote model store (issue 23), when the drill controls it (the embedded stack with
   * spec `modelStore`): outage, corruption and disk loss, and their undo.
   */
  modelStore?: ModelStoreControl;
  /** Adding and removing replicas (scale-out); absent when the target offers no runner control. */
  scale?: ScaleControl;
  /** Publish a version derived from an existing one (signed) so replicas can deploy it (and, with a model store, into the store). */
  publish?(input: { from: string; version: string; mutation: 'none' | 'shuffle-item-embeddings' | 'zero-user-tower' }): Promise<ModelManifest>;
  close(): Promise<void>;
}

export interface ModelStoreControl {
  stop(): Promise<void>;
  start(): Promise<void>;
  up(): boolean;
  corrupt(version: string, object: 'model' | 'features' | 'manifest'): Promise<{ key: string; bytes: number; sha256Before: string }>;
  /** Put back every object corrupt() changed; resolves the keys. */
  restoreObjects(): Promise<string[]>;
  wipe(): { files: number };
  /** Re-publish every version of the backup location (or the target's own registry) into the store. */
  restore(from: 'backup' | 'registry'): Promise<{ from: string; versions: string[] }>;
  verify(): Promise<{ registered: string[]; indexed: string[]; verified: string[]; lost: Array<{ version: string; why: string }> }>;
}

export interface ScaleControl {
  add(opts: { zone?: string; warmFrom?: string; readyWithinMs?: number }): Promise<{ replica: { id: string; zone: string; url: string }; ready: boolean; warmedFrom: string | null; readiness: unknown }>;
  remove(id: string): Promise<void>;
}

/** What undoing a drill needs of its target (the rollback phase, an engine that died, crash recovery): defined once here. */
export function undoTargetOf(target: DrillTarget): UndoTarget {
  return { replicas: target.replicas(), api: target.api, process: target.process, modelStore: target.modelStore, scale: target.scale };
}

/** A drill target on a stack this process runs (the controller's long-lived embedded stack, or one started for a drill). */
export function stackTarget(stack: Stack, service: string, opts: { prometheusUrl?: string; onClose?: () => Promise<void> } = {}): DrillTarget & { stack: Stack } {
  return {
    service,
    gatewayUrl: stack.info.gatewayUrl,
    embedded: true,
    adminToken: stack.info.adminToken,
    sessionsFile: stack.info.sessionsFile,
    prometheusUrl: opts.prometheusUrl,
    replicas: () => stack.info.replicas.map((r) => ({ id: r.id, zone: r.zone, url: r.url })),
    api: httpTargetApi(stack.info.gatewayUrl, stack.info.adminToken),
    process: {
      act: (replica, action) => runAction(stack, replica, action),
      pid: (replica) => stack.replica(replica).pid,
      phase: (replica) => stack.replica(replica).phase,
    },
    ...(stack.info.modelStore
      ? {
          modelStore: {
            stop: () => stack.stopModelStore(),
            start: () => stack.startModelStore(),
            up: () => stack.modelStoreUp(),
            corrupt: (version, object) => stack.corruptStoreObject(version, object),
            restoreObjects: () => stack.restoreStoreObjects(),
            wipe: () => stack.wipeModelStore(),
            restore: (from) => stack.restoreModelStore(from),
            verify: () => stack.verifyModelStore(),
          } satisfies ModelStoreControl,
        }
      : {}),
    scale: {
      add: async (o) => {
        const r = await stack.addReplica(o);
        return { ...r, replica: { id: r.replica.id, zone: r.replica.zone, url: r.replica.url } };
      },
      remove: (id) => stack.removeReplica(id),
    },
    // With a model store, a published version is written into the store too (off this thread as well).
    publish: (input) => publishOffThread({ registryRoot: stack.info.registryRoot, backupRoot: stack.info.backupRoot, storeDir: stack.info.modelStore?.dir ?? null, ...input }),
    close: async () => {
      await opts.onClose?.();
    },
    stack,
  };
}

/** Start the embedded reference stack for a drill; closing the target stops it. */
export async function startEmbeddedTarget(opts: {
  service: string;
  spec?: EmbeddedStackSpec;
  dir?: string;
  onLog?: (line: string) => void;
  modelCache?: string;
  prometheusUrl?: string;
  /** Start a Prometheus for this stack when none is given and one is installed (default true). */
  prometheus?: boolean;
}): Promise<DrillTarget> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'drillbook-stack-'));
  const stackOpts: StackOptions = { dir, ...opts.spec, onLog: opts.onLog, modelCache: opts.modelCache, logLevel: 'warn' };
  const stack = await Stack.start(stackOpts);
  // Prometheus in the loop: a team's own (--prometheus) or, when installed, one for this stack.
  let prometheus: RunningPrometheus | null = null;
  if (!opts.prometheusUrl && opts.prometheus !== false) {
    try {
      const started = await startEmbeddedPrometheus({ endpoints: { gateway: stack.info.gatewayUrl, replicas: stack.info.replicas.map((r) => ({ id: r.id, zone: r.zone, url: r.url })) }, dir: join(dir, 'prometheus') });
      prometheus = started.prometheus;
      opts.onLog?.(started.note);
    } catch (e) {
      opts.onLog?.(`Prometheus did not start (${(e as Error).message}): alerts are not watched, detection falls back to the runbook's metric signals`);
    }
  }
  return stackTarget(stack, opts.service, {
    prometheusUrl: opts.prometheusUrl ?? prometheus?.url,
    onClose: async () => {
      await prometheus?.stop();
      await stack.stop();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  });
}

/**
 * An already running stack: gateway URL, admin token and (optionally) the runner's control API
 * (`npm run stack` prints both). With a `protocol` other than drillbook the service is one Drillbook
 * does not control: no gateway admin API is asked for replicas (there are none to address), and
 * readiness, warm-up and load speak that protocol.
 */
export async function connectTarget(opts: {
  service: string;
  gatewayUrl: string;
  adminToken: string;
  controlUrl?: string;
  sessionsFile?: string;
  prometheusUrl?: string;
  protocol?: TargetProtocol;
}): Promise<DrillTarget> {
  const foreign = opts.protocol !== undefined && opts.protocol.type !== 'drillbook';
  const auth = { authorization: `Bearer ${opts.adminToken}` };
  let replicas: ReplicaRef[] = [];
  let sessionsFile = opts.sessionsFile;
  const refresh = async () => {
    if (opts.controlUrl) {
      const r = await fetch(`${opts.controlUrl}/topology`, { headers: auth });
      if (!r.ok) throw new TargetError(`stack control ${opts.controlUrl}: ${r.status} ${await r.text()}`);
      const t = (await r.json()) as { replicas: Array<ReplicaRef & { phase: string; pid: number | null }>; sessionsFile: string };
      replicas = t.replicas.map((x) => ({ id: x.id, zone: x.zone, url: x.url }));
      sessionsFile ??= t.sessionsFile;
      return t;
    }
    if (foreign) return null;
    const r = await fetch(`${opts.gatewayUrl}${ADMIN_PATHS.upstreams}`, { headers: auth });
    if (!r.ok) throw new TargetError(`gateway ${opts.gatewayUrl}${ADMIN_PATHS.upstreams} answered ${r.status}: is the admin token right?`);
    const body = (await r.json()) as { upstreams: Array<{ id: string; zone: string; url: string }> };
    replicas = body.upstreams.map((u) => ({ id: u.id, zone: u.zone, url: u.url }));
    return null;
  };
  let topo = await refresh();
  if (!sessionsFile || !existsSync(sessionsFile)) throw new TargetError('no load sessions file: pass --sessions FILE (written by npm run model:build)');
  readSessionsFile(sessionsFile); // JSON or JSONL, checked now: a bad line is named before anything starts
  return {
    service: opts.service,
    gatewayUrl: opts.gatewayUrl,
    embedded: false,
    adminToken: opts.adminToken,
    sessionsFile,
    prometheusUrl: opts.prometheusUrl,
    ...(opts.protocol ? { protocol: opts.protocol } : {}),
    replicas: () => replicas,
    api: httpTargetApi(opts.gatewayUrl, opts.adminToken, opts.protocol),
    process: opts.controlUrl
      ? {
          act: async (replica, action) => {
            const r = await fetch(`${opts.controlUrl}/topology/replicas/${replica}/${action}`, { method: 'POST', headers: auth });
            if (!r.ok) throw new TargetError(`stack control: ${action} ${replica} answered ${r.status} ${await r.text()}`);
            topo = await refresh();
          },
          pid: (replica) => topo?.replicas.find((x) => x.id === replica)?.pid ?? null,
          phase: (replica) => topo?.replicas.find((x) => x.id === replica)?.phase ?? 'unknown',
        }
      : undefined,
    close: async () => {},
  };
}
