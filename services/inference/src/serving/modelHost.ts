/**
 * Holds the model a replica serves: verified load from the registry, warm-up, hot swap on deploy,
 * rollback to the previous version. A version that fails verification or loading is refused and
 * the version already serving stays up. Model faults (load failure, corrupted file, slow warm-up)
 * act here.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_LOAD_FAILURE_REASONS, type ModelState } from '@drillbook/contracts';
import { ModelRegistryError, ModelUnavailable } from '../errors.js';
import type { ModelRegistry, ServingFeatures, ModelManifest } from '../registry/registry.js';
import { OnnxScorer, PooledScorer, type Scorer } from './session.js';
import type { Logger } from '../telemetry/logger.js';
import type { ReplicaMetrics } from '../telemetry/metrics.js';
import type { FaultRegistry } from '../faults/faults.js';

export interface ServingModel {
  version: string;
  sha256: string;
  scorer: Scorer;
  features: ServingFeatures;
  manifest: ModelManifest;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ModelHost {
  private current: ServingModel | null = null;
  /** Versions served, oldest first; the last one is the current or last good version. */
  readonly history: string[] = [];
  private loading: Promise<unknown> | null = null;
  /** Features of the last verified version, kept for the popularity fallback when no model is loaded. */
  lastFeatures: ServingFeatures | null = null;
  lastError: string | null = null;
  private corrupted: { file: string; original: Buffer } | null = null;

  constructor(
    private readonly deps: {
      registry: ModelRegistry;
      faults: FaultRegistry;
      metrics: ReplicaMetrics;
      logger: Logger;
      replica: string;
      ortThreads?: number;
      /** Inference workers, each with its own session (ORT_WORKERS). */
      ortWorkers?: number;
      ortSpin?: boolean;
      /** Run the onnxruntime session in a worker thread (default), so a batch does not stop the event loop. */
      ortInWorker?: boolean;
      onSwap?: (m: ServingModel | null) => void;
      /** Make a version present and verified locally before it is loaded (the model store fetch); throws to refuse it. */
      prepare?: (version: string, serving: string | undefined) => Promise<void>;
    },
  ) {
    // The known refusal reasons exist at 0 from the start, so Prometheus's increase() sees the first
    // refusal (RecsysModelLoadFailed) even from a Prometheus that started after this process.
    for (const reason of MODEL_LOAD_FAILURE_REASONS) deps.metrics.modelLoadFailures.inc({ model: this.name, reason }, 0);
  }

  get model(): ServingModel | null {
    return this.current;
  }

  get ready(): boolean {
    return this.current !== null;
  }

  get name(): string {
    return this.deps.registry.name;
  }

  state(): ModelState {
    return {
      replica: this.deps.replica,
      serving: this.current ? { name: this.name, version: this.current.version, sha256: this.current.sha256 } : null,
      history: [...this.history],
      available: this.deps.registry.list(),
    };
  }

  /**
   * Verify, load and warm `version`, then swap it in. Throws (ModelRegistryError or a runtime
   * error) without touching the serving model when anything fails.
   */
  async deploy(version: string, why = 'deploy'): Promise<ModelState> {
    // One load at a time: a deploy during a load waits for it.
    while (this.loading) await this.loading.catch(() => {});
    const p = this.load(version, why);
    this.loading = p;
    try {
      await p;
    } finally {
      this.loading = null;
    }
    return this.state();
  }

  private async load(version: string, why: string): Promise<void> {
    const log = this.deps.logger.child({ version, why });
    if (this.deps.faults.has('model-load-failure')) {
      this.deps.metrics.modelLoadFailures.inc({ model: this.name, reason: 'fault' });
      throw new ModelUnavailable(`cannot load ${version}: model-load-failure fault is active`);
    }
    let loaded;
    try {
      if (this.deps.prepare) await this.deps.prepare(version, this.current?.version);
      loaded = this.deps.registry.load(version);
    } catch (e) {
      this.lastError = (e as Error).message;
      this.deps.metrics.modelLoadFailures.inc({ model: this.name, reason: e instanceof ModelRegistryError ? e.name : 'error' });
      log.error({ err: (e as Error).message }, 'model version refused; serving version unchanged');
      throw e;
    }
    if (loaded.restoredFromBackup) this.recordRestore(version, loaded.localError);
    this.lastFeatures = loaded.features;
    const opts = { intraOpThreads: this.deps.ortThreads, spin: this.deps.ortSpin };
    const scorer: Scorer =
      this.deps.ortInWorker === false
        ? await OnnxScorer.create(loaded.modelBytes, loaded.manifest.shape, opts)
        : await PooledScorer.create(loaded.modelBytes, loaded.manifest.shape, { ...opts, workers: this.deps.ortWorkers ?? 1 });
    const slow = this.deps.faults.active('slow-warmup');
    if (slow?.latencyMs) await sleep(slow.latencyMs);
    await scorer.score([{ userRow: 0, query: 'warm up' }, { userRow: 1 }], 10); // first run allocates buffers
    const previous = this.current;
    this.current = { version, sha256: loaded.sha256, scorer, features: loaded.features, manifest: loaded.manifest };
    if (this.history[this.history.length - 1] !== version) this.history.push(version);
    this.lastError = null;
    // The serving version's restore series exists at 0, so increase() sees a restore after a restart (RecsysModelRestoredFromBackup).
    this.deps.metrics.registryRestores.inc({ model: this.name, version }, 0);
    this.deps.onSwap?.(this.current);
    log.info({ sha256: loaded.sha256, restored: loaded.restoredFromBackup }, 'model serving');
    if (previous && previous.scorer !== scorer) setTimeout(() => void previous.scorer.release().catch(() => {}), 2000).unref();
  }

  /** A local copy that failed verification (or was missing) and was restored from the backup location. */
  private recordRestore(version: string, localError?: { name: string; message: string }): void {
    this.deps.metrics.registryRestores.inc({ model: this.name, version });
    if (localError && localError.name !== 'ModelNotFound') this.deps.metrics.modelLoadFailures.inc({ model: this.name, reason: localError.name });
    this.deps.logger.warn({ version, localError: localError?.message }, 'local registry copy missing or invalid: restored from backup and re-verified');
  }

  /** Back to the version served before the current one. */
  async rollback(): Promise<ModelState> {
    const cur = this.current?.version;
    const hist = [...this.history];
    while (hist.length && hist[hist.length - 1] === cur) hist.pop();
    const target = hist[hist.length - 1];
    if (!target) throw new ModelRegistryError('nothing to roll back to: no earlier version was served');
    const saved = this.history.splice(0, this.history.length, ...hist);
    try {
      await this.deploy(target, 'rollback');
    } catch (e) {
      this.history.splice(0, this.history.length, ...saved);
      throw e;
    }
    return this.state();
  }

  /** Drop the model (model-load-failure fault): the replica serves the fallback until a reload. */
  async unload(reason: string): Promise<void> {
    const m = this.current;
    this.current = null;
    this.deps.onSwap?.(null);
    this.deps.logger.warn({ reason }, 'model unloaded');
    if (m) setTimeout(() => void m.scorer.release().catch(() => {}), 2000).unref();
  }

  /** Reload the last good version (after a model fault ends). */
  async reload(why: string): Promise<void> {
    const v = this.history[this.history.length - 1];
    if (!v) return;
    await this.deploy(v, why);
  }

  /** corrupt-model fault: damage the stored model file and try to reload it — the check must refuse it. */
  async corruptStoredModel(): Promise<string> {
    const v = this.current?.version ?? this.history[this.history.length - 1];
    if (!v) throw new ModelUnavailable('no model version to corrupt');
    const manifest = JSON.parse(readFileSync(join(this.deps.registry.dir(v), 'manifest.json'), 'utf8')) as ModelManifest;
    const file = join(this.deps.registry.dir(v), manifest.artefacts.model.file);
    const original = readFileSync(file);
    const damaged = Buffer.from(original);
    for (let i = Math.floor(damaged.length / 2); i < Math.min(damaged.length, Math.floor(damaged.length / 2) + 64); i++) damaged[i] ^= 0xff;
    writeFileSync(file, damaged);
    this.corrupted = { file, original };
    try {
      const loaded = this.deps.registry.load(v);
      if (!loaded.restoredFromBackup) return 'corrupted file was NOT detected';
      this.recordRestore(v, loaded.localError);
      this.corrupted = null; // the restore replaced the damaged file
      return `corrupted file refused (${loaded.localError?.message}); restored from backup and re-verified`;
    } catch (e) {
      this.deps.metrics.modelLoadFailures.inc({ model: this.name, reason: (e as Error).name });
      this.deps.logger.error({ err: (e as Error).message }, 'corrupted model refused; serving version unchanged');
      return (e as Error).message;
    }
  }

  restoreCorrupted(): void {
    if (!this.corrupted) return;
    writeFileSync(this.corrupted.file, this.corrupted.original);
    this.corrupted = null;
  }

  async close(): Promise<void> {
    const m = this.current;
    this.current = null;
    if (m) await m.scorer.release().catch(() => {});
  }
}
