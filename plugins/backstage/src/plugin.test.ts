// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { ConfigReader } from '@backstage/config';
import { drillbookApiFactory, drillbookPlugin } from './plugin';
import { DrillbookClient } from '@drillbook/client';
import { startTestServer } from './testing/httpServer';

describe('drillbookPlugin', () => {
  it('is the drillbook plugin and registers exactly the Drillbook API', () => {
    expect(drillbookPlugin.getId()).toBe('drillbook');
    expect([...drillbookPlugin.getApis()].map(f => f.api.id)).toEqual(['plugin.drillbook.service']);
  });

  it('builds a client that goes through the configured proxy endpoint', async () => {
    const server = await startTestServer((_req, res) => res.end(JSON.stringify({ items: [] })));
    try {
      const api = drillbookApiFactory.factory({
        discoveryApi: { getBaseUrl: async (id: string) => `${server.url}/api/${id}` },
        fetchApi: { fetch: (i: RequestInfo | URL, init?: RequestInit) => fetch(i, init) },
        configApi: new ConfigReader({ drillbook: { proxyPath: '/team-drillbook' } }),
      });
      expect(api).toBeInstanceOf(DrillbookClient);
      await api.listRunbooks();
      expect(server.requests[0].url).toBe('/api/proxy/team-drillbook/api/v1/runbooks');
    } finally {
      await server.close();
    }
  });

  it('refuses a bad drillbook.baseUrl when the API is created, naming the key', () => {
    expect(() =>
      drillbookApiFactory.factory({
        discoveryApi: { getBaseUrl: async () => '' },
        fetchApi: { fetch },
        configApi: new ConfigReader({ drillbook: { baseUrl: 'ftp://controller' } }),
      }),
    ).toThrow(/drillbook\.baseUrl/);
  });
});
