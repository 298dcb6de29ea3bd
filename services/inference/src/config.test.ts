import { describe, expect, it } from 'vitest';
import { loadConfig, replicaConfigEnv, type ReplicaConfig } from './index.js';
import { ConfigError } from './errors.js';

describe('replicaConfigEnv: a typed replica config as the environment the replica reads', () => {
  it('round-trips the defaults', () => {
    const d = loadConfig({});
    expect(loadConfig(replicaConfigEnv(d))).toEqual(d);
  });

  it('round-trips a config where every value differs from its default', () => {
    const c: ReplicaConfig = {
      id: 'r7',
      zone: 'zone-c',
      host: '127.0.0.1',
      port: 18080,
      registry: { root: '/tmp/reg', backup: '/tmp/backup', source: '/tmp/src', publicKeyFile: '/tmp/k.pem', version: 'v3', stateFile: '/tmp/state.json' },
      serving: {
        maxBatch: 8,
        maxDelayMs: 5,
        maxQueue: 64,
        maxConcurrentBatches: 2,
        deadlineMs: 350,
        featureTimeoutMs: 20,
        fallback: false,
        emulatedBatchMs: 12,
        drift: { enabled: false, window: 500 },
      },
      ortThreads: 3,
      ortWorkers: 1,
      ortSpin: true,
      ortInWorker: false,
      adminApi: false,
      adminToken: 'admin-t',
      readOnlyToken: 'read-t',
      logLevel: 'debug',
      tracesExporter: 'console',
      gpu: { pollMs: 0, executable: '/usr/local/bin/fake-smi' },
    };
    const env = replicaConfigEnv(c);
    expect(loadConfig(env)).toEqual(c);
    // Every value is a string the loader reads, and nothing is left to the parent's environment.
    expect(Object.values(env).every((v) => typeof v === 'string')).toBe(true);
    expect(env).toMatchObject({ ADMIN_API: 'false', ORT_WORKER: 'false', FALLBACK: 'false', DRIFT: 'false', MODEL_VERSION: 'v3' });
  });

  it('writes absent optional settings as empty values, which the loader reads as absent', () => {
    const d = loadConfig({ MODEL_REGISTRY: '/tmp/r' });
    const env = replicaConfigEnv(d);
    expect(env).toMatchObject({ MODEL_BACKUP: '', MODEL_SOURCE: '', MODEL_VERSION: '', STATE_FILE: '', READONLY_TOKEN: '' });
    expect(loadConfig(env).registry).toEqual({ root: '/tmp/r', backup: undefined, source: undefined, publicKeyFile: '/tmp/r/.keys/signing.pub.pem', version: undefined, stateFile: undefined });
  });

  it('does not launder a bad config: what the loader refuses it still refuses', () => {
    const bad = { ...loadConfig({}), id: 'Not A Name' };
    expect(() => loadConfig(replicaConfigEnv(bad))).toThrow(ConfigError);
    expect(() => loadConfig(replicaConfigEnv(bad))).toThrow(/REPLICA_ID/);
  });
});
