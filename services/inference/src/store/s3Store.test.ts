/**
 * The S3 backend through the real AWS SDK client against a STAND-IN: there is no S3 here, so a
 * small in-process server speaks the part of the S3 REST API the store uses (path-style PUT, GET
 * with Range, HEAD, NoSuchKey). It proves the SDK wiring, ranges and error mapping, not S3 itself.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../registry/registry.js';
import { buildTestRegistry, type TestRegistry } from '../testing/fixtures.js';
import { blobKey, StoreObjectMissing } from './backend.js';
import { ModelStoreClient } from './client.js';
import { publishToStore } from './publish.js';
import { parseS3Url, S3Store } from './s3Store.js';

interface StandIn {
  url: string;
  objects: Map<string, Buffer>;
  requests: Array<{ method: string; key: string; range?: string }>;
  /** Cut the connection of the next GET of this key after this many body bytes. */
  cutNext: Map<string, number>;
  server: Server;
}

async function startS3StandIn(bucket: string): Promise<StandIn> {
  const objects = new Map<string, Buffer>();
  const requests: StandIn['requests'] = [];
  const cutNext = new Map<string, number>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [, b, ...rest] = decodeURIComponent(url.pathname).split('/');
    const key = rest.join('/');
    requests.push({ method: req.method ?? '', key, range: req.headers.range });
    const missing = () => {
      res.writeHead(404, { 'content-type': 'application/xml' });
      res.end(req.method === 'HEAD' ? undefined : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>${key}</Key></Error>`);
    };
    if (b !== bucket) return missing();
    if (req.method === 'PUT') {
      const parts: Buffer[] = [];
      req.on('data', (c) => parts.push(c));
      req.on('end', () => {
        objects.set(key, Buffer.concat(parts));
        res.writeHead(200, { etag: '"x"' });
        res.end();
      });
      return;
    }
    const obj = objects.get(key);
    if (!obj) return missing();
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'content-length': obj.length });
      return res.end();
    }
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    const body = obj.subarray(start);
    res.writeHead(m ? 206 : 200, { 'content-length': body.length, ...(m ? { 'content-range': `bytes ${start}-${obj.length - 1}/${obj.length}` } : {}) });
    const cut = cutNext.get(key);
    if (cut !== undefined) {
      cutNext.delete(key);
      res.write(body.subarray(0, cut), () => setTimeout(() => res.destroy(), 50));
      return;
    }
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, objects, requests, cutNext, server };
}

describe('S3 model store backend (AWS SDK client against an S3-API stand-in, not real S3)', () => {
  let reg: TestRegistry;
  let s3: StandIn;
  let work: string;
  const store = () =>
    new S3Store({
      bucket: 'models',
      prefix: 'team-a',
      client: {
        endpoint: s3.url,
        forcePathStyle: true,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        maxAttempts: 1,
      },
    });

  beforeAll(async () => {
    reg = await buildTestRegistry();
    s3 = await startS3StandIn('models');
    work = mkdtempSync(join(tmpdir(), 'drillbook-s3-'));
  }, 180_000);
  afterAll(async () => {
    await new Promise((r) => s3?.server.close(r));
    reg?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('parses s3:// URLs and names a bad one', () => {
    expect(parseS3Url('s3://my-bucket/models/prod/')).toEqual({ bucket: 'my-bucket', prefix: 'models/prod' });
    expect(() => parseS3Url('s3:/x')).toThrow('expected s3://<bucket>[/<prefix>]');
  });

  it('publishes under the prefix and a replica fetches, resuming a cut GET with a Range request', async () => {
    const r = await publishToStore(reg.registry, 'v1', store());
    expect(r.uploadedBytes).toBeGreaterThan(100_000);
    const sha = reg.registry.load('v1').manifest.artefacts.model.sha256;
    expect(s3.objects.has(`team-a/${blobKey(sha)}`)).toBe(true);
    s3.cutNext.set(`team-a/${blobKey(sha)}`, 100_000);
    const cache = new ModelRegistry({ root: join(work, 'cache'), publicKey: reg.keys.publicKey });
    const client = new ModelStoreClient({ registry: cache, store: store(), cache: { enabled: true, maxBytes: 1e9 }, retryDelayMs: 50 });
    const got = await client.ensure('v1');
    expect(got.resumes).toBe(1);
    expect(cache.load('v1').sha256).toBe(reg.registry.load('v1').sha256);
    expect(s3.requests.filter((q) => q.key === `team-a/${blobKey(sha)}` && q.method === 'GET').map((q) => q.range)).toEqual([undefined, 'bytes=100000-']);
  });

  it('maps a missing key to StoreObjectMissing', async () => {
    await expect(store().read('manifests/recsys-two-tower/v9.json')).rejects.toBeInstanceOf(StoreObjectMissing);
    expect(await store().exists('manifests/recsys-two-tower/v9.json')).toBe(false);
  });
});
