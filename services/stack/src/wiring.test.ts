import { describe, expect, it } from 'vitest';
import { gatewayConfigEnv, parseConfig } from '@drillbook/gateway/config';
import { ConfigError, loadConfig, replicaConfigEnv } from '@drillbook/inference';
import { stackGatewayConfig, stackReplicaConfig } from './wiring.js';

const slot = { id: 'r1', zone: 'zone-b', port: 0, registryDir: '/tmp/stack/r1/models', stateFile: '/tmp/stack/r1/state.json' };
const info = { backupRoot: '/tmp/stack/backup', publicKeyFile: '/tmp/stack/keys/signing.pub.pem', adminToken: 'stack-admin' };

describe("the stack's replica config", () => {
  it('is what the replica loader reads back from the environment the stack writes', () => {
    const c = stackReplicaConfig({}, slot, info);
    expect(loadConfig(replicaConfigEnv(c))).toEqual(c);
    expect(c).toMatchObject({
      id: 'r1',
      zone: 'zone-b',
      host: '127.0.0.1',
      registry: { root: slot.registryDir, backup: info.backupRoot, publicKeyFile: info.publicKeyFile, stateFile: slot.stateFile },
      adminToken: 'stack-admin',
      ortThreads: 1,
      logLevel: 'info',
    });
    // No shared publish location and no pinned version: a replica serves what its registry and state file say.
    expect(c.registry.source).toBeUndefined();
    expect(c.registry.version).toBeUndefined();
  });

  it('takes the tuned batching queue delay and onnxruntime threads (drillbook tune knobs) through to the replica environment', () => {
    const c = stackReplicaConfig({ replica: { maxDelayMs: 0, ortThreads: 2 } }, slot, info);
    expect(c.serving.maxDelayMs).toBe(0);
    expect(c.ortThreads).toBe(2);
    expect(replicaConfigEnv(c)).toMatchObject({ BATCH_DELAY_MS: '0', ORT_THREADS: '2' });
    expect(stackReplicaConfig({}, slot, info).serving.maxDelayMs).toBe(loadConfig({}).serving.maxDelayMs);
  });

  it('gives each replica the tuned number of inference workers, and as many batches at once (drillbook tune knob)', () => {
    const c = stackReplicaConfig({ replica: { ortWorkers: 3 } }, slot, info);
    expect(c.ortWorkers).toBe(3);
    expect(c.serving.maxConcurrentBatches).toBe(3);
    expect(replicaConfigEnv(c)).toMatchObject({ ORT_WORKERS: '3', BATCH_CONCURRENCY: '3' });
    expect(loadConfig(replicaConfigEnv(c))).toEqual(c);
    const d = stackReplicaConfig({}, slot, info);
    expect(d.ortWorkers).toBe(1);
    expect(d.serving.maxConcurrentBatches).toBe(loadConfig({}).serving.maxConcurrentBatches);
  });

  it("applies the runbook's stack.replica tuning and keeps the replica's defaults for the rest", () => {
    const d = loadConfig({});
    const c = stackReplicaConfig({ replica: { fallback: false, drift: false, maxQueue: 32, deadlineMs: 120, featureTimeoutMs: 15, maxBatch: 4, batchMs: 10, driftWindow: 300 }, logLevel: 'warn' }, slot, info);
    expect(c.serving).toEqual({ ...d.serving, fallback: false, drift: { enabled: false, window: 300 }, maxQueue: 32, deadlineMs: 120, featureTimeoutMs: 15, maxBatch: 4, emulatedBatchMs: 10 });
    expect(c.logLevel).toBe('warn');
    expect(loadConfig(replicaConfigEnv(c))).toEqual(c);
  });

  it('applies replicaEnv last, typed by the loader, and refuses a bad value naming the variable', () => {
    const c = stackReplicaConfig({ replicaEnv: { BATCH_MAX: '7', ADMIN_API: 'off', ORT_THREADS: '2' } }, slot, info);
    expect(c.serving.maxBatch).toBe(7);
    expect(c.adminApi).toBe(false);
    expect(c.ortThreads).toBe(2);
    expect(c.id).toBe('r1');
    expect(() => stackReplicaConfig({ replicaEnv: { BATCH_MAX: 'lots' } }, slot, info)).toThrow(ConfigError);
    expect(() => stackReplicaConfig({ replicaEnv: { BATCH_MAX: 'lots' } }, slot, info)).toThrow(/config BATCH_MAX: expected an integer/);
  });
});

describe("the stack's gateway config", () => {
  const replicas = [
    { id: 'r0', url: 'http://127.0.0.1:4001', zone: 'zone-a' },
    { id: 'r1', url: 'http://127.0.0.1:4002', zone: 'zone-b' },
  ];

  it('is what the gateway parser reads back from GATEWAY_CONFIG', () => {
    const input = stackGatewayConfig({ gateway: { retries: false, maxInFlight: 64 }, logLevel: 'warn' }, 'stack-admin', replicas);
    const env = gatewayConfigEnv(input);
    const read = parseConfig(JSON.parse(env.GATEWAY_CONFIG));
    expect(read).toEqual(parseConfig(input));
    expect(read).toMatchObject({ host: '127.0.0.1', port: 0, adminToken: 'stack-admin', upstreamAdminToken: 'stack-admin', upstreams: replicas, retries: false, ejection: true, fallback: true, canaryAnalysis: true, maxInFlight: 64, logLevel: 'warn' });
  });

  it('fails in the stack, naming the key, when the gateway would refuse the config', () => {
    const input = stackGatewayConfig({ logLevel: 'loud' }, 'stack-admin', replicas);
    expect(() => gatewayConfigEnv(input)).toThrow(/logLevel/);
  });
});
