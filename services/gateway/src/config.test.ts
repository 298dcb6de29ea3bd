import { describe, expect, it } from 'vitest';
import { DEFAULT_CANARY, DEFAULT_HEALTH_CHECK, DEFAULT_OUTLIER, parseConfig, parseUpstreams } from './config.js';
import { ConfigError } from './errors.js';

const minimal = { adminToken: 'secret' };

function keyOf(raw: unknown): string {
  try {
    parseConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.key;
    throw err;
  }
  throw new Error('parseConfig accepted the config');
}

describe('parseConfig', () => {
  it('fills every default when only the admin token is given', () => {
    const config = parseConfig(minimal);
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 0,
      upstreams: [],
      adminToken: 'secret',
      readToken: null,
      upstreamAdminToken: 'secret',
      requestTimeoutMs: 1000,
      retries: true,
      ejection: true,
      fallback: true,
      canaryAnalysis: true,
      balancer: 'p2c',
    });
    expect(config.healthCheck).toEqual(DEFAULT_HEALTH_CHECK);
    expect(config.outlier).toEqual(DEFAULT_OUTLIER);
    expect(config.canary).toEqual(DEFAULT_CANARY);
    expect(config.tryTimeoutMs).toBeLessThan(config.requestTimeoutMs);
  });

  it('keeps nested overrides and fills the rest of the section', () => {
    const config = parseConfig({ ...minimal, healthCheck: { intervalMs: 100 }, canary: { minSamples: 10 }, retries: false });
    expect(config.healthCheck).toEqual({ ...DEFAULT_HEALTH_CHECK, intervalMs: 100 });
    expect(config.canary.minSamples).toBe(10);
    expect(config.canary.minNdcgRatio).toBe(DEFAULT_CANARY.minNdcgRatio);
    expect(config.retries).toBe(false);
  });

  it('normalises upstream urls and defaults the zone', () => {
    const [u] = parseUpstreams([{ id: 'replica-1', url: 'http://127.0.0.1:8081/' }]);
    expect(u).toEqual({ id: 'replica-1', url: 'http://127.0.0.1:8081', zone: 'default' });
  });

  it.each([
    ['a missing admin token', {}, 'adminToken'],
    ['a misspelt key', { ...minimal, retry: false }, 'retry'],
    ['a non-boolean retries flag', { ...minimal, retries: 'no' }, 'retries'],
    ['a negative maxInFlight', { ...minimal, maxInFlight: -1 }, 'maxInFlight'],
    ['a try timeout longer than the request deadline', { ...minimal, requestTimeoutMs: 500, tryTimeoutMs: 900 }, 'tryTimeoutMs'],
    ['an unknown balancer', { ...minimal, balancer: 'random' }, 'balancer'],
    ['a non-loopback host', { ...minimal, host: '0.0.0.0' }, 'host'],
    ['a read token equal to the admin token', { ...minimal, readToken: 'secret' }, 'readToken'],
    ['a zero health-check interval', { ...minimal, healthCheck: { intervalMs: 0 } }, 'healthCheck.intervalMs'],
    ['an unknown health-check key', { ...minimal, healthCheck: { interval: 5 } }, 'healthCheck.interval'],
    ['a max ejection shorter than the base', { ...minimal, outlier: { baseEjectionMs: 5000, maxEjectionMs: 100 } }, 'outlier.maxEjectionMs'],
    ['an NDCG ratio above 1', { ...minimal, canary: { minNdcgRatio: 1.5 } }, 'canary.minNdcgRatio'],
    ['upstreams that are not a list', { ...minimal, upstreams: { id: 'a' } }, 'upstreams'],
    ['an upstream url with a path', { ...minimal, upstreams: [{ id: 'a', url: 'http://127.0.0.1:1/x', zone: 'z' }] }, 'upstreams[0].url'],
    ['an https upstream', { ...minimal, upstreams: [{ id: 'a', url: 'https://127.0.0.1:1', zone: 'z' }] }, 'upstreams[0].url'],
    [
      'a duplicate upstream id',
      {
        ...minimal,
        upstreams: [
          { id: 'a', url: 'http://127.0.0.1:1' },
          { id: 'a', url: 'http://127.0.0.1:2' },
        ],
      },
      'upstreams[1].id',
    ],
    ['an upstream without an id', { ...minimal, upstreams: [{ url: 'http://127.0.0.1:1' }] }, 'upstreams[0].id'],
    ['the root not being an object', [], '(root)'],
  ])('rejects %s and names the key', (_what, raw, key) => {
    expect(keyOf(raw)).toBe(key);
  });

  it('says what was expected and what it got', () => {
    expect(() => parseConfig({ ...minimal, healthCheck: { timeoutMs: 'fast' } })).toThrow('config key "healthCheck.timeoutMs": expected an integer >= 1, got "fast"');
  });
});

describe('gateway.example.json', () => {
  it('is a valid config, so the README example runs as shown', async () => {
    const { readFile } = await import('node:fs/promises');
    const raw = JSON.parse(await readFile(new URL('../gateway.example.json', import.meta.url), 'utf8')) as unknown;
    const config = parseConfig(raw);
    expect(config.upstreams.map((u) => u.zone)).toEqual(['zone-a', 'zone-b', 'zone-a']);
    expect(config.readToken).toBe('change-me-read');
  });
});
