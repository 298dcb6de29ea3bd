/**
 * A replica's side of the model store: fetch a version (signed manifest, then each artefact by its
 * sha256, resuming cut downloads with range requests), verify it (signature, sha256 of every
 * artefact, then the registry's full load check) and only then put it in the local cache, which is
 * the replica's registry root. The cache has a size bound with least-recently-used eviction (the
 * versions in use are pinned), and a replica whose store is unreachable starts from it.
 *
 * Nothing unverified is ever in a version directory: downloads go to `.partial/<sha256>`, a
 * version is assembled in a temporary directory and renamed into place after its checks pass.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, openSync, closeSync, writeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { ModelIntegrityError, ModelSignatureError } from '../errors.js';
import type { ModelManifest, ModelRegistry } from '../registry/registry.js';
import { blobKey, manifestKey, StoreObjectMissing, StoreUnreachable, type StoreReader } from './backend.js';
import type { StoreMetrics } from './metrics.js';
import { readStoreIndex } from './publish.js';

export interface CacheOptions {
  /** Off: every start and deploy fetches from the store, nothing cached is reused (the scale-out drill's mutation). */
  enabled: boolean;
  /** Size bound in bytes; least recently used versions are evicted beyond it. */
  maxBytes: number;
}

export interface ModelStoreClientOptions {
  /** The replica's registry; its root is the cache directory. */
  registry: ModelRegistry;
  store: StoreReader;
  cache: CacheOptions;
  metrics?: StoreMetrics;
  /** Download attempts per artefact (the first + resumes). */
  attempts?: number;
  /** Wait before attempt n is n × this, ms. */
  retryDelayMs?: number;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

export interface EnsureResult {
  version: string;
  source: 'cache' | 'store';
  /** Bytes downloaded for this call (0 from cache). */
  downloadedBytes: number;
  /** Range requests that continued a partial download. */
  resumes: number;
  evicted: string[];
}

interface LruFile {
  schemaVersion: 1;
  lastUsed: Record<string, number>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function dirBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return total;
}

async function fileSha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(file)) h.update(c as Buffer);
  return h.digest('hex');
}

export class ModelStoreClient {
  private readonly registry: ModelRegistry;
  private readonly model: string;
  private lruTick = 0;

  constructor(private readonly opts: ModelStoreClientOptions) {
    if (!(opts.cache.maxBytes > 0)) throw new RangeError(`cache.maxBytes must be a positive number of bytes, got ${opts.cache.maxBytes}`);
    this.registry = opts.registry;
    this.model = opts.registry.name;
  }

  private get root(): string {
    return this.registry.root;
  }

  private get lruFile(): string {
    return join(this.root, this.model, '.lru.json');
  }

  private readLru(): LruFile {
    try {
      return JSON.parse(readFileSync(this.lruFile, 'utf8')) as LruFile;
    } catch {
      return { schemaVersion: 1, lastUsed: {} };
    }
  }

  private touch(version: string): void {
    const lru = this.readLru();
    // Monotonic within a process even when two touches share a millisecond.
    const now = Math.max(Date.now(), ...Object.values(lru.lastUsed).map((t) => t + 1), ++this.lruTick);
    lru.lastUsed[version] = now;
    mkdirSync(join(this.root, this.model), { recursive: true });
    const tmp = `${this.lruFile}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(lru));
    renameSync(tmp, this.lruFile);
  }

  /** Versions in the cache, least recently used first. */
  cached(): string[] {
    const lru = this.readLru().lastUsed;
    return this.registry.list().sort((a, b) => (lru[a] ?? 0) - (lru[b] ?? 0));
  }

  cacheBytes(): number {
    return this.registry.list().reduce((t, v) => t + dirBytes(this.registry.dir(v)), 0);
  }

  private storeError(reason: 'unreachable' | 'missing' | 'integrity' | 'signature', e: Error): Error {
    this.opts.metrics?.storeErrors.inc({ model: this.model, reason });
    this.opts.log?.(`model store ${reason}: ${e.message}`, { reason });
    return e;
  }

  /** Versions the store lists, oldest first. */
  async storeVersions(): Promise<string[]> {
    try {
      return (await readStoreIndex(this.opts.store, this.model)).versions.map((v) => v.version);
    } catch (e) {
      if (e instanceof StoreUnreachable) throw this.storeError('unreachable', e);
      throw e;
    }
  }

  /**
   * The version to start with when none is configured: the newest in the store; when the store is
   * unreachable, the most recently used one in the cache (cache on only).
   */
  async latest(): Promise<string | undefined> {
    try {
      const v = await this.storeVersions();
      return v[v.length - 1];
    } catch (e) {
      if (!(e instanceof StoreUnreachable) || !this.opts.cache.enabled) throw e;
      const c = this.cached();
      return c[c.length - 1];
    }
  }

  /**
   * Make `version` present and verified in the local registry, from the cache or the store.
   * `pinned` versions (the one serving) are never evicted.
   */
  async ensure(version: string, pinned: string[] = []): Promise<EnsureResult> {
    const labels = { model: this.model };
    if (this.opts.cache.enabled && this.registry.list().includes(version)) {
      try {
        this.registry.load(version);
        this.opts.metrics?.cacheHits.inc(labels);
        this.touch(version);
        return { version, source: 'cache', downloadedBytes: 0, resumes: 0, evicted: [] };
      } catch (e) {
        this.opts.log?.(`cached copy of ${version} failed verification, fetching it again: ${(e as Error).message}`);
      }
    }
    this.opts.metrics?.cacheMisses.inc(labels);
    const end = this.opts.metrics?.fetchDuration.startTimer(labels);
    const r = await this.fetch(version);
    end?.();
    this.touch(version);
    const evicted = this.evict([version, ...pinned]);
    return { ...r, evicted };
  }

  private async fetch(version: string): Promise<Omit<EnsureResult, 'evicted'>> {
    const where = `${this.opts.store.location}/${manifestKey(this.model, version)}`;
    let manifestBytes: Buffer;
    try {
      manifestBytes = await this.opts.store.read(manifestKey(this.model, version));
    } catch (e) {
      if (e instanceof StoreObjectMissing) throw this.storeError('missing', e);
      if (e instanceof StoreUnreachable) throw this.storeError('unreachable', new StoreUnreachable(`cannot fetch ${this.model}/${version}: ${e.message}`, { cause: e }));
      throw e;
    }
    let manifest: ModelManifest;
    try {
      manifest = JSON.parse(manifestBytes.toString('utf8')) as ModelManifest;
      this.registry.verifyManifest(manifest, version, where);
    } catch (e) {
      throw this.storeError('signature', e instanceof ModelSignatureError ? e : new ModelSignatureError(where, `unreadable manifest (${(e as Error).message})`));
    }
    let downloadedBytes = 0;
    let resumes = 0;
    const files: Array<{ file: string; partial: string }> = [];
    for (const entry of [manifest.artefacts.model, manifest.artefacts.features]) {
      if (!/^[0-9a-f]{64}$/.test(entry.sha256) || entry.file.includes('/') || entry.file.startsWith('.')) throw this.storeError('signature', new ModelSignatureError(where, `bad artefact entry ${JSON.stringify(entry)}`));
      const got = await this.fetchBlob(entry.sha256, entry.size);
      downloadedBytes += got.bytes;
      resumes += got.resumes;
      files.push({ file: entry.file, partial: got.path });
    }
    // Assemble the version beside its final place, rename, then run the registry's full check.
    const base = join(this.root, this.model);
    mkdirSync(base, { recursive: true });
    const tmp = join(base, `.tmp-${version}-${process.pid}-${Date.now()}`);
    mkdirSync(tmp);
    const dest = this.registry.dir(version);
    try {
      for (const f of files) renameSync(f.partial, join(tmp, f.file));
      writeFileSync(join(tmp, 'manifest.json'), manifestBytes);
      rmSync(dest, { recursive: true, force: true });
      renameSync(tmp, dest);
      this.registry.load(version);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      rmSync(dest, { recursive: true, force: true });
      throw this.storeError(e instanceof ModelSignatureError ? 'signature' : 'integrity', e as Error);
    }
    return { version, source: 'store', downloadedBytes, resumes };
  }

  /** Download one artefact into `.partial/<sha>`, resuming after cuts, and check its size and sha256. */
  private async fetchBlob(sha: string, size: number): Promise<{ path: string; bytes: number; resumes: number }> {
    const dir = join(this.root, this.model, '.partial');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, sha);
    const attempts = this.opts.attempts ?? 6;
    const url = `${this.opts.store.location}/${blobKey(sha)}`;
    let bytes = 0;
    let resumes = 0;
    let lastError: Error | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let have = existsSync(path) ? statSync(path).size : 0;
      if (have > size) {
        rmSync(path, { force: true });
        have = 0;
      }
      if (have === size) break;
      try {
        const o = await this.opts.store.open(blobKey(sha), have);
        if (have > 0 && !o.partial) have = 0; // the server ignored the range: start over
        else if (have > 0) {
          resumes++;
          this.opts.metrics?.fetchResumes.inc({ model: this.model });
          this.opts.log?.(`resuming ${url} from byte ${have} of ${size}`);
        }
        if (Number.isFinite(o.total) && o.total !== size) {
          for await (const _ of o.body) break;
          rmSync(path, { force: true });
          throw this.storeError('integrity', new ModelIntegrityError(url, `${size} bytes`, `${o.total} bytes`, 'size'));
        }
        const fd = openSync(path, have > 0 ? 'r+' : 'w');
        try {
          ftruncateSync(fd, have);
          let pos = have;
          for await (const chunk of o.body) {
            const c = chunk as Uint8Array;
            writeSync(fd, c, 0, c.length, pos);
            pos += c.length;
            bytes += c.length;
            if (pos > size) break;
          }
        } finally {
          closeSync(fd);
        }
        lastError = undefined;
      } catch (e) {
        if (!(e instanceof StoreUnreachable)) throw e;
        lastError = e;
        this.opts.log?.(`download of ${url} cut (attempt ${attempt}/${attempts}): ${e.message}`);
        if (attempt < attempts) await sleep((this.opts.retryDelayMs ?? 500) * attempt);
      }
    }
    const have = existsSync(path) ? statSync(path).size : 0;
    if (have !== size) {
      if (lastError) throw this.storeError('unreachable', new StoreUnreachable(`cannot fetch ${url} after ${attempts} attempts (${have} of ${size} bytes): ${lastError.message}`, { cause: lastError }));
      rmSync(path, { force: true });
      throw this.storeError('integrity', new ModelIntegrityError(url, `${size} bytes`, `${have} bytes`, 'size'));
    }
    const actual = await fileSha256(path);
    if (actual !== sha) {
      rmSync(path, { force: true });
      throw this.storeError('integrity', new ModelIntegrityError(url, sha, actual));
    }
    return { path, bytes, resumes };
  }

  /** Evict least recently used versions until the cache is under its bound; never `keep`. */
  evict(keep: string[] = []): string[] {
    const evicted: string[] = [];
    const sizes = new Map(this.registry.list().map((v) => [v, dirBytes(this.registry.dir(v))]));
    let total = [...sizes.values()].reduce((a, b) => a + b, 0);
    const limit = this.opts.cache.enabled ? this.opts.cache.maxBytes : 0;
    for (const v of this.cached()) {
      if (total <= limit) break;
      if (keep.includes(v)) continue;
      rmSync(this.registry.dir(v), { recursive: true, force: true });
      total -= sizes.get(v) ?? 0;
      evicted.push(v);
      this.opts.metrics?.cacheEvictions.inc({ model: this.model });
    }
    if (evicted.length) {
      const lru = this.readLru();
      for (const v of evicted) delete lru.lastUsed[v];
      writeFileSync(this.lruFile, JSON.stringify(lru));
      this.opts.log?.(`evicted ${evicted.join(', ')} from the model cache (bound ${this.opts.cache.maxBytes} bytes)`);
    }
    this.opts.metrics?.cacheBytes.set({ model: this.model }, total);
    return evicted;
  }
}
