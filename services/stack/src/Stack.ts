/**
 * The embedded reference deployment, all on 127.0.0.1 and all separate processes: N inference
 * replicas labelled across zones, the health-checked gateway in front of them, and low, steady
 * background shopper traffic (no synthetic header). A supervisor restarts a replica that dies
 * (like a Kubernetes restart policy), process-level faults (SIGKILL, SIGSTOP/SIGCONT, restart,
 * local registry loss) are offered here, and stop() leaves no process behind. Children hold an IPC
 * channel to this process and exit when it disappears, even if it is SIGKILLed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { EmbeddedStackSpec } from '@drillbook/contracts';
import { gatewayConfigEnv } from '@drillbook/gateway/config';
import { replicaConfigEnv } from '@drillbook/inference';
import { DEFAULT_STACK_MODEL, ensureStackModel, type StackModelSpec } from './model.js';
import { terminate } from './terminate.js';
import { ModelRegistry } from '@drillbook/inference/registry/registry';
import { publicKeyFrom } from '@drillbook/inference/registry/crypto';
import { FolderStore } from '@drillbook/inference/store/fileStore';
import { startNginxStore, type NginxStore } from '@drillbook/inference/store/nginx';
import { publishToStore, readStoreIndex, restoreStoreFrom } from '@drillbook/inference/store/publish';
import { blobKey, manifestKey } from '@drillbook/inference/store/backend';
import { HttpStoreReader } from '@drillbook/inference/store/httpStore';
import type { ModelManifest } from '@drillbook/inference/registry/registry';
import { createHash } from 'node:crypto';
import { stackGatewayConfig, stackReplicaConfig } from './wiring.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const INFERENCE_MAIN = join(REPO, 'services/inference/src/main.ts');
const GATEWAY_MAIN = join(REPO, 'services/gateway/src/main.ts');
const SHOPPERS_MAIN = join(REPO, 'services/stack/src/shoppers.ts');
const MODEL_NAME = 'recsys-two-tower';

export interface StackOptions extends EmbeddedStackSpec {
  /** Working directory of this stack (registries, backup, state, logs). */
  dir: string;
  /** Where built models are cached across stacks. Default `<repo>/.drillbook/model-cache`. */
  modelCache?: string;
  model?: Partial<StackModelSpec>;
  /** Background shopper rate (requests/s). */
  shopperRate?: number;
  restartPolicy?: 'always' | 'never';
  restartDelayMs?: number;
  adminToken?: string;
  /** Extra environment for every replica (e.g. BATCH_MAX). */
  replicaEnv?: Record<string, string>;
  logLevel?: string;
  onLog?: (line: string) => void;
}

export type ReplicaPhase = 'starting' | 'running' | 'paused' | 'stopped' | 'restarting';

export interface ReplicaHandle {
  id: string;
  zone: string;
  port: number;
  url: string;
  pid: number | null;
  phase: ReplicaPhase;
  registryDir: string;
  stateFile: string;
  restarts: number;
}

interface Managed {
  handle: ReplicaHandle;
  child: ChildProcess | null;
  /** Exit was asked for (stop/kill-without-restart); the supervisor leaves it down. */
  expectedExit: boolean;
}

export interface StackInfo {
  gatewayUrl: string;
  replicas: ReplicaHandle[];
  zones: string[];
  dir: string;
  registryRoot: string;
  backupRoot: string | null;
  publicKeyFile: string;
  sessionsFile: string;
  modelVersion: string;
  adminToken: string;
  shoppers: { enabled: boolean; rate: number };
  /** The nginx model store (spec `modelStore`): its URL and the folder it serves. */
  modelStore?: { url: string; dir: string } | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function spawnTs(entry: string, env: Record<string, string | undefined>, log: WriteStream): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  return child;
}

/** Resolve with the URL a child prints as `... listening on <url>`. */
function listeningUrl(child: ChildProcess, what: string, timeoutMs = 120_000, pattern = /listening on (http:\/\/[0-9.]+:[0-9]+)/): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const onOut = (d: Buffer) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m) {
        cleanup();
        resolve(m[1]);
      }
    };
    const onErr = (d: Buffer) => (err = (err + d.toString()).slice(-4000));
    const onExit = (code: number | null, sig: string | null) => {
      cleanup();
      reject(new Error(`${what} exited (${code ?? sig}) before listening: ${err.trim().split('\n').slice(-3).join(' | ')}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${what} did not start listening within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout!.off('data', onOut);
      child.stderr!.off('data', onErr);
      child.off('exit', onExit);
    };
    child.stdout!.on('data', onOut);
    child.stderr!.on('data', onErr);
    child.once('exit', onExit);
  });
}

export class Stack {
  private managed: Managed[] = [];
  private gateway: ChildProcess | null = null;
  private shoppers: ChildProcess | null = null;
  private logs: WriteStream[] = [];
  private stopping = false;
  private nginx: NginxStore | null = null;
  /** Store objects a drill corrupted: key -> original bytes, put back by restoreStoreObjects(). */
  private corrupted = new Map<string, Buffer>();
  private storeRunning = false;
  /** Replicas added by addReplica (scale-out), in order. */
  private added: string[] = [];
  info!: StackInfo;

  private constructor(private readonly opts: StackOptions) {}

  static async start(opts: StackOptions): Promise<Stack> {
    const s = new Stack(opts);
    try {
      await s.boot();
    } catch (e) {
      await s.stop();
      throw e;
    }
    return s;
  }

  private say(line: string): void {
    this.opts.onLog?.(line);
  }

  private logStream(name: string): WriteStream {
    const w = createWriteStream(join(this.opts.dir, 'logs', `${name}.log`), { flags: 'a' });
    this.logs.push(w);
    return w;
  }

  private async boot(): Promise<void> {
    const o = this.opts;
    const n = o.replicas ?? 3;
    const zones = o.zones ?? ['zone-a', 'zone-b'];
    const adminToken = o.adminToken ?? randomBytes(16).toString('hex');
    mkdirSync(join(o.dir, 'logs'), { recursive: true });
    const published = await ensureStackModel(o.modelCache ?? join(REPO, '.drillbook', 'model-cache'), { ...DEFAULT_STACK_MODEL, ...o.model }, (m) => this.say(m));

    // The stack's own registry (drills publish into it) and its backup location.
    const registryRoot = join(o.dir, 'registry');
    const backupOn = o.replica?.backup !== false;
    const backupRoot = backupOn ? join(o.dir, 'backup') : null;
    if (!existsSync(join(registryRoot, MODEL_NAME, published.version))) {
      mkdirSync(registryRoot, { recursive: true });
      cpSync(join(published.root, '.keys'), join(registryRoot, '.keys'), { recursive: true });
      cpSync(join(published.root, MODEL_NAME, published.version), join(registryRoot, MODEL_NAME, published.version), { recursive: true });
    }
    const copyVersions = (to: string) => {
      for (const v of readdirSync(join(registryRoot, MODEL_NAME))) {
        if (v.startsWith('.') || existsSync(join(to, MODEL_NAME, v))) continue;
        cpSync(join(registryRoot, MODEL_NAME, v), join(to, MODEL_NAME, v), { recursive: true });
      }
    };
    if (backupRoot) copyVersions(backupRoot);

    this.info = {
      gatewayUrl: '',
      replicas: [],
      zones,
      dir: o.dir,
      registryRoot,
      backupRoot,
      publicKeyFile: join(registryRoot, '.keys', 'signing.pub.pem'),
      sessionsFile: published.sessionsFile,
      modelVersion: published.version,
      adminToken,
      shoppers: { enabled: o.shoppers !== false, rate: o.shopperRate ?? 5 },
    };

    if (o.modelStore) await this.startModelStoreFirst();

    for (let i = 0; i < n; i++) {
      const id = `r${i}`;
      const dir = join(o.dir, 'replicas', id);
      const registryDir = join(dir, 'models');
      // With a model store, replicas start with an empty cache and fetch from the store.
      if (!o.modelStore && !existsSync(join(registryDir, MODEL_NAME, published.version))) {
        mkdirSync(join(registryDir, MODEL_NAME), { recursive: true });
        copyVersions(registryDir);
      }
      const handle: ReplicaHandle = { id, zone: zones[i % zones.length], port: 0, url: '', pid: null, phase: 'starting', registryDir, stateFile: join(dir, 'state.json'), restarts: 0 };
      this.managed.push({ handle, child: null, expectedExit: false });
    }
    this.info.replicas = this.managed.map((m) => m.handle);
    await Promise.all(this.managed.map((m) => this.spawnReplica(m)));
    this.say(`replicas up: ${this.managed.map((m) => `${m.handle.id}@${m.handle.zone} ${m.handle.url}`).join(', ')}`);

    await this.startGateway();
    await this.waitGatewayReady();
    if (this.info.shoppers.enabled) await this.startShoppers();
  }

  /** Publish every registry version into the store folder and start nginx on it. */
  private async startModelStoreFirst(): Promise<void> {
    const dir = join(this.opts.dir, 'model-store');
    await this.publishToModelStore(undefined, dir);
    this.nginx = await startNginxStore({ root: dir });
    this.storeRunning = true;
    this.info.modelStore = { url: this.nginx.url, dir };
    this.say(`model store: nginx serving ${dir} at ${this.nginx.url}`);
  }

  /** Publish one version (default: every version of the stack registry) into the model store folder. */
  async publishToModelStore(version?: string, dir = this.info.modelStore?.dir): Promise<void> {
    if (!dir) throw new Error('this stack runs without a model store (spec modelStore)');
    const registry = new ModelRegistry({ root: this.info.registryRoot, publicKey: publicKeyFrom(readFileSync(this.info.publicKeyFile, 'utf8')) });
    const store = new FolderStore(dir);
    for (const v of version ? [version] : registry.list()) await publishToStore(registry, v, store);
  }

  /** Model store outage: stop nginx (open downloads are cut). */
  async stopModelStore(): Promise<void> {
    if (!this.nginx) throw new Error('this stack runs without a model store (spec modelStore)');
    await this.nginx.stop();
    this.storeRunning = false;
    this.say('model store: nginx stopped');
  }

  async startModelStore(): Promise<void> {
    if (!this.nginx) throw new Error('this stack runs without a model store (spec modelStore)');
    if (this.storeRunning) return;
    await this.nginx.start();
    this.storeRunning = true;
    this.say('model store: nginx started again');
  }

  private storeDir(): string {
    if (!this.nginx || !this.info.modelStore) throw new Error('this stack runs without a model store (spec modelStore)');
    return this.info.modelStore.dir;
  }

  private stackRegistry(root = this.info.registryRoot): ModelRegistry {
    return new ModelRegistry({ root, publicKey: publicKeyFrom(readFileSync(this.info.publicKeyFile, 'utf8')) });
  }

  /** Whether the store server is up (nginx running). */
  modelStoreUp(): boolean {
    return !!this.nginx && this.storeRunning;
  }

  /**
   * Corrupt one object of a version in the store folder (drills): a blob keeps its size with 64 bytes
   * in the middle inverted (sha256 mismatch), a manifest gets a field its signature does not cover
   * (signature mismatch). The original bytes are kept; corrupting the same object again is a no-op.
   */
  async corruptStoreObject(version: string, object: 'model' | 'features' | 'manifest' = 'model'): Promise<{ key: string; bytes: number; sha256Before: string }> {
    const dir = this.storeDir();
    const store = new FolderStore(dir);
    const mKey = manifestKey(MODEL_NAME, version);
    if (!(await store.exists(mKey))) throw new Error(`the model store has no version ${version} (${mKey})`);
    const key = object === 'manifest' ? mKey : blobKey((JSON.parse((this.corrupted.get(mKey) ?? (await store.read(mKey))).toString('utf8')) as ModelManifest).artefacts[object].sha256);
    const original = this.corrupted.get(key) ?? (await store.read(key));
    let bad: Buffer;
    if (object === 'manifest') {
      const m = JSON.parse(original.toString('utf8')) as ModelManifest & { tampered?: string };
      bad = Buffer.from(JSON.stringify({ ...m, tampered: 'drillbook store.corrupt' }, null, 2) + '\n');
    } else {
      bad = Buffer.from(original);
      const at = Math.max(0, Math.floor(bad.length / 2) - 32);
      for (let i = at; i < Math.min(bad.length, at + 64); i++) bad[i] = bad[i] ^ 0xff;
    }
    if (!this.corrupted.has(key)) this.corrupted.set(key, original);
    await store.write(key, bad);
    this.say(`model store: ${key} (${object} of ${version}) corrupted`);
    return { key, bytes: bad.length, sha256Before: createHash('sha256').update(original).digest('hex') };
  }

  /** Put back the original bytes of every object corruptStoreObject changed (a wiped store is left to restoreModelStore). */
  async restoreStoreObjects(): Promise<string[]> {
    const store = new FolderStore(this.storeDir());
    const keys = [...this.corrupted.keys()];
    for (const [key, bytes] of this.corrupted) await store.write(key, bytes);
    this.corrupted.clear();
    if (keys.length) this.say(`model store: ${keys.length} corrupted object(s) restored`);
    return keys;
  }

  /** Store disk loss: delete every object in the store folder (nginx keeps running and answers 404). */
  wipeModelStore(): { files: number } {
    const dir = this.storeDir();
    let files = 0;
    const count = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) count(join(d, e.name));
        else files++;
      }
    };
    count(dir);
    for (const e of readdirSync(dir)) rmSync(join(dir, e), { recursive: true, force: true });
    this.corrupted.clear(); // the objects are gone with the disk
    this.say(`model store: ${dir} wiped (${files} objects)`);
    return { files };
  }

  /**
   * Re-publish every version of a registry into the store (restoreStoreFrom): `backup` is the stack's
   * backup location (the RPO drill's recovery; fails when the stack has none), `registry` its own
   * registry (the drill's undo).
   */
  async restoreModelStore(from: 'backup' | 'registry'): Promise<{ from: string; versions: string[] }> {
    const dir = this.storeDir();
    const root = from === 'backup' ? this.info.backupRoot : this.info.registryRoot;
    if (!root) throw new Error('no backup location (spec replica.backup is off): nothing to restore the model store from');
    const reports = await restoreStoreFrom(this.stackRegistry(root), new FolderStore(dir));
    this.say(`model store: restored ${reports.length} version(s) from ${root}`);
    return { from: root, versions: reports.map((r) => r.version) };
  }

  /**
   * What a replica would find in the store, over HTTP: for every version the stack registry holds,
   * is it in the index, is its manifest signed by the trusted key, and does every artefact have the
   * size and sha256 the manifest names. `lost` lists the versions that fail, with why.
   */
  async verifyModelStore(): Promise<{ registered: string[]; indexed: string[]; verified: string[]; lost: Array<{ version: string; why: string }> }> {
    if (!this.info.modelStore) throw new Error('this stack runs without a model store (spec modelStore)');
    const registry = this.stackRegistry();
    const registered = registry.list();
    const reader = new HttpStoreReader({ url: this.info.modelStore.url });
    const verified: string[] = [];
    const lost: Array<{ version: string; why: string }> = [];
    let indexed: string[] = [];
    try {
      indexed = (await readStoreIndex(reader, MODEL_NAME)).versions.map((v) => v.version);
    } catch (e) {
      return { registered, indexed, verified, lost: registered.map((version) => ({ version, why: `index unreadable: ${(e as Error).message}` })) };
    }
    for (const version of registered) {
      try {
        if (!indexed.includes(version)) throw new Error('not in the store index');
        const manifest = JSON.parse((await reader.read(manifestKey(MODEL_NAME, version))).toString('utf8')) as ModelManifest;
        registry.verifyManifest(manifest, version, `${reader.location}/${manifestKey(MODEL_NAME, version)}`);
        for (const a of [manifest.artefacts.model, manifest.artefacts.features]) {
          const bytes = await reader.read(blobKey(a.sha256));
          const sha = createHash('sha256').update(bytes).digest('hex');
          if (bytes.length !== a.size || sha !== a.sha256) throw new Error(`${a.file}: ${bytes.length} bytes sha256 ${sha.slice(0, 12)}…, manifest says ${a.size} bytes ${a.sha256.slice(0, 12)}…`);
        }
        verified.push(version);
      } catch (e) {
        lost.push({ version, why: (e as Error).message });
      }
    }
    return { registered, indexed, verified, lost };
  }

  /**
   * Scale out by one replica (next free id, `zone` or the next in rotation). `warmFrom`: copy a
   * running replica's model cache and state file into the new replica's before it starts — the
   * embedded stand-in for a node-local cache volume or a pre-pulled cache image; the copy is not
   * trusted, the replica verifies every cached version (signature, sha256) before serving it.
   * Once the replica is ready (within `readyWithinMs`) it joins the gateway's upstreams; one that
   * is not ready stays out of the gateway (a readiness gate) and keeps running until removed.
   */
  async addReplica(opts: { zone?: string; warmFrom?: string; readyWithinMs?: number } = {}): Promise<{ replica: ReplicaHandle; ready: boolean; warmedFrom: string | null; readiness: unknown }> {
    let i = this.managed.length;
    while (this.managed.some((m) => m.handle.id === `r${i}`)) i++;
    const id = `r${i}`;
    const zone = opts.zone ?? this.info.zones[i % this.info.zones.length];
    const dir = join(this.opts.dir, 'replicas', id);
    rmSync(dir, { recursive: true, force: true });
    const registryDir = join(dir, 'models');
    const handle: ReplicaHandle = { id, zone, port: 0, url: '', pid: null, phase: 'starting', registryDir, stateFile: join(dir, 'state.json'), restarts: 0 };
    let warmedFrom: string | null = null;
    if (opts.warmFrom) {
      const peer = this.find(opts.warmFrom).handle;
      mkdirSync(dir, { recursive: true });
      if (existsSync(peer.registryDir)) cpSync(peer.registryDir, registryDir, { recursive: true, filter: (src) => !/[\\/]\.(partial|tmp-)/.test(src) });
      if (existsSync(peer.stateFile)) cpSync(peer.stateFile, handle.stateFile);
      warmedFrom = peer.id;
    } else if (!this.opts.modelStore) {
      mkdirSync(join(registryDir, MODEL_NAME), { recursive: true });
      for (const v of readdirSync(join(this.info.registryRoot, MODEL_NAME))) if (!v.startsWith('.')) cpSync(join(this.info.registryRoot, MODEL_NAME, v), join(registryDir, MODEL_NAME, v), { recursive: true });
    }
    const m: Managed = { handle, child: null, expectedExit: false };
    this.managed.push(m);
    this.info.replicas = this.managed.map((x) => x.handle);
    this.added.push(id);
    await this.spawnReplica(m);
    this.say(`replica ${id}@${zone} added${warmedFrom ? ` (cache warmed from ${warmedFrom})` : ''}: ${handle.url}`);
    const end = Date.now() + (opts.readyWithinMs ?? 20_000);
    let readiness: unknown = null;
    let ready = false;
    while (Date.now() < end && m.child) {
      try {
        const r = await fetch(`${handle.url}/readyz`, { signal: AbortSignal.timeout(1500) });
        readiness = await r.json().catch(() => null);
        if (r.status === 200) {
          ready = true;
          break;
        }
      } catch (e) {
        readiness = (e as Error).message;
      }
      await sleep(200);
    }
    if (ready) await this.putUpstreams();
    return { replica: handle, ready, warmedFrom, readiness };
  }

  /** Undo a scale-out: take the replica out of the gateway, stop it, delete its folder. */
  async removeReplica(id: string): Promise<void> {
    const m = this.find(id);
    this.managed = this.managed.filter((x) => x !== m);
    this.info.replicas = this.managed.map((x) => x.handle);
    this.added = this.added.filter((x) => x !== id);
    await this.putUpstreams().catch((e) => this.say(`gateway upstreams not updated: ${(e as Error).message}`));
    await this.terminate(m);
    m.handle.phase = 'stopped';
    rmSync(join(this.opts.dir, 'replicas', id), { recursive: true, force: true });
    this.say(`replica ${id} removed`);
  }

  /** Replicas added by addReplica and not removed yet. */
  addedReplicas(): string[] {
    return [...this.added];
  }

  private async putUpstreams(): Promise<void> {
    const upstreams = this.managed.filter((x) => x.handle.url).map((x) => ({ id: x.handle.id, url: x.handle.url, zone: x.handle.zone }));
    const r = await fetch(`${this.info.gatewayUrl}/admin/upstreams`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${this.info.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ upstreams }),
      signal: AbortSignal.timeout(3000),
    });
    if (!r.ok) throw new Error(`gateway PUT /admin/upstreams answered ${r.status}: ${(await r.text()).slice(0, 200)}`);
  }

  private async spawnReplica(m: Managed): Promise<void> {
    m.expectedExit = false;
    m.handle.phase = 'starting';
    const config = stackReplicaConfig(this.opts, m.handle, this.info);
    // A spec that names its model variant is served from the first start, whatever a reused directory's state file recorded.
    if (this.opts.model?.variant && m.handle.restarts === 0) config.registry.version = this.info.modelVersion;
    const child = spawnTs(INFERENCE_MAIN, replicaConfigEnv(config), this.logStream(m.handle.id));
    m.child = child;
    m.handle.pid = child.pid ?? null;
    child.once('exit', (code, signal) => this.onReplicaExit(m, child, code, signal));
    const url = await listeningUrl(child, `replica ${m.handle.id}`);
    m.handle.url = url;
    m.handle.port = Number(new URL(url).port);
    m.handle.phase = 'running';
  }

  private onReplicaExit(m: Managed, child: ChildProcess, code: number | null, signal: string | null): void {
    if (m.child !== child) return;
    m.child = null;
    m.handle.pid = null;
    if (this.stopping || m.expectedExit || this.opts.restartPolicy === 'never') {
      m.handle.phase = 'stopped';
      return;
    }
    m.handle.phase = 'restarting';
    this.say(`replica ${m.handle.id} exited (${code ?? signal}); restarting in ${this.opts.restartDelayMs ?? 1000} ms`);
    setTimeout(() => {
      if (this.stopping || m.child) return;
      m.handle.restarts++;
      this.spawnReplica(m).catch((e) => this.say(`replica ${m.handle.id} restart failed: ${(e as Error).message}`));
    }, this.opts.restartDelayMs ?? 1000).unref();
  }

  private async startGateway(): Promise<void> {
    const child = spawnTs(
      GATEWAY_MAIN,
      gatewayConfigEnv(stackGatewayConfig(this.opts, this.info.adminToken, this.managed.map((m) => m.handle))),
      this.logStream('gateway'),
    );
    this.gateway = child;
    this.info.gatewayUrl = await listeningUrl(child, 'gateway');
    child.once('exit', (code, signal) => {
      if (!this.stopping) this.say(`gateway exited unexpectedly (${code ?? signal})`);
    });
    this.say(`gateway up: ${this.info.gatewayUrl}`);
  }

  private async waitGatewayReady(timeoutMs = 60_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      try {
        if ((await fetch(`${this.info.gatewayUrl}/readyz`)).status === 200) return;
      } catch {
        /* not yet */
      }
      await sleep(100);
    }
    throw new Error(`gateway ${this.info.gatewayUrl} not ready within ${timeoutMs / 1000} s`);
  }

  private async startShoppers(): Promise<void> {
    const child = spawnTs(
      SHOPPERS_MAIN,
      { GATEWAY_URL: this.info.gatewayUrl, SHOPPER_RATE: String(this.info.shoppers.rate), SESSIONS_FILE: this.info.sessionsFile },
      this.logStream('shoppers'),
    );
    this.shoppers = child;
    await listeningUrl(child, 'shoppers', 30_000, /shoppers sending to (http:\/\/[0-9.]+:[0-9]+)/);
    this.say(`background shoppers: ${this.info.shoppers.rate} req/s to ${this.info.gatewayUrl} (not synthetic)`);
  }

  replica(id: string): ReplicaHandle {
    const m = this.find(id);
    return m.handle;
  }

  private find(id: string): Managed {
    const m = this.managed.find((x) => x.handle.id === id);
    if (!m) throw new Error(`no replica ${id} (have ${this.managed.map((x) => x.handle.id).join(', ')})`);
    return m;
  }

  /** SIGKILL (or another signal). The supervisor restarts it unless `restart: false`. */
  kill(id: string, signal: NodeJS.Signals = 'SIGKILL', opts: { restart?: boolean } = {}): void {
    const m = this.find(id);
    if (!m.child) throw new Error(`replica ${id} is not running (${m.handle.phase})`);
    if (opts.restart === false) m.expectedExit = true;
    m.child.kill(signal);
  }

  pause(id: string): void {
    const m = this.find(id);
    if (!m.child) throw new Error(`replica ${id} is not running`);
    m.child.kill('SIGSTOP');
    m.handle.phase = 'paused';
  }

  resume(id: string): void {
    const m = this.find(id);
    if (!m.child) throw new Error(`replica ${id} is not running`);
    m.child.kill('SIGCONT');
    m.handle.phase = 'running';
  }

  /** Stop (SIGTERM, then SIGKILL) and start again on the same port; resolves when it listens. */
  async restart(id: string): Promise<void> {
    const m = this.find(id);
    await this.terminate(m);
    m.handle.restarts++;
    await this.spawnReplica(m);
  }

  /** Model-store loss: delete the replica's local registry, then restart it so it must restore from backup. */
  async wipeRegistry(id: string, opts: { restart?: boolean } = {}): Promise<void> {
    const m = this.find(id);
    rmSync(m.handle.registryDir, { recursive: true, force: true });
    this.say(`replica ${id}: local registry ${m.handle.registryDir} wiped`);
    if (opts.restart !== false) await this.restart(id);
  }

  private async terminate(m: Managed): Promise<void> {
    const child = m.child;
    if (!child) return;
    m.expectedExit = true;
    await terminate(child);
  }

  /** Stop everything: shoppers, gateway, replicas. Resolves when no child is left. */
  async stop(): Promise<void> {
    this.stopping = true;
    const children = [this.shoppers, this.gateway, ...this.managed.map((m) => m.child)].filter((c): c is ChildProcess => !!c && c.exitCode === null && c.signalCode === null);
    await Promise.all(children.map((c) => terminate(c)));
    await this.nginx?.close();
    for (const m of this.managed) {
      m.child = null;
      m.handle.pid = null;
      m.handle.phase = 'stopped';
    }
    await Promise.all(this.logs.map((l) => new Promise<void>((r) => l.end(() => r()))));
  }

  /** PIDs of the gateway and shopper processes (replica PIDs are on their handles). */
  processes(): { gateway: number | null; shoppers: number | null } {
    return { gateway: this.gateway?.pid ?? null, shoppers: this.shoppers?.pid ?? null };
  }

  /** Child PIDs still alive (for tests and shutdown checks). */
  pids(): number[] {
    return [this.shoppers, this.gateway, ...this.managed.map((m) => m.child)].filter((c): c is ChildProcess => !!c && c.exitCode === null && c.signalCode === null).map((c) => c.pid!);
  }
}
