import { describe, expect, it } from 'vitest';
import { ConfigReader } from '@backstage/config';
import { readDrillbookSettings } from './config';

const read = (drillbook: object | undefined) => readDrillbookSettings(new ConfigReader(drillbook ? { drillbook } : {}));

describe('readDrillbookSettings', () => {
  it('uses the /drillbook proxy endpoint and a 30 second refresh when nothing is configured', () => {
    expect(read(undefined)).toEqual({ proxyPath: '/drillbook', baseUrl: undefined, refreshIntervalMs: 30_000 });
  });

  it('accepts a custom proxy path and a direct controller URL without trailing slashes', () => {
    expect(read({ proxyPath: '/sre/drillbook/', baseUrl: 'https://drillbook.example.com/', refreshIntervalSeconds: 0 })).toEqual({
      proxyPath: '/sre/drillbook',
      baseUrl: 'https://drillbook.example.com',
      refreshIntervalMs: 0,
    });
  });

  it('switches to the backend plugin with drillbook.useBackendPlugin, and refuses it together with a direct baseUrl', () => {
    expect(read({ useBackendPlugin: true })).toMatchObject({ useBackendPlugin: true, baseUrl: undefined });
    expect(() => read({ useBackendPlugin: true, baseUrl: 'https://drillbook.example.com' })).toThrow(/drillbook.useBackendPlugin and drillbook.baseUrl cannot both be set/);
  });

  it('names drillbook.proxyPath when it is not a path', () => {
    expect(() => read({ proxyPath: 'drillbook' })).toThrow(/drillbook\.proxyPath must be a path/);
  });

  it('names drillbook.baseUrl when it is not an http URL', () => {
    expect(() => read({ baseUrl: 'controller:7070' })).toThrow(/drillbook\.baseUrl must be an absolute http\(s\) URL/);
    expect(() => read({ baseUrl: 'not a url' })).toThrow(/drillbook\.baseUrl/);
  });

  it('names drillbook.refreshIntervalSeconds when it is negative', () => {
    expect(() => read({ refreshIntervalSeconds: -5 })).toThrow(/drillbook\.refreshIntervalSeconds must be a number >= 0/);
  });
});
