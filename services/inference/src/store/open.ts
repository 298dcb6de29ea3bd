/** Open the model store a replica is configured with (MODEL_STORE_URL) and its cache client. */
import type { Registry } from 'prom-client';
import type { ModelRegistry } from '../registry/registry.js';
import type { StoreReader } from './backend.js';
import { ModelStoreClient, type CacheOptions } from './client.js';
import { HttpStoreReader } from './httpStore.js';
import { createStoreMetrics } from './metrics.js';
import { parseS3Url, S3Store } from './s3Store.js';

export function openStoreReader(url: string, env: NodeJS.ProcessEnv = process.env): StoreReader {
  if (url.startsWith('s3://')) {
    const { bucket, prefix } = parseS3Url(url);
    // Endpoint/credentials the AWS way (AWS_REGION, AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, ...).
    return new S3Store({ bucket, prefix, client: { forcePathStyle: env.AWS_S3_FORCE_PATH_STYLE === 'true', ...(env.AWS_ENDPOINT_URL_S3 ? { endpoint: env.AWS_ENDPOINT_URL_S3 } : {}) } });
  }
  return new HttpStoreReader({ url });
}

export function openStoreClient(opts: { url: string; cache: CacheOptions; registry: ModelRegistry; metricsRegistry: Registry; log?: (msg: string, extra?: Record<string, unknown>) => void }): ModelStoreClient {
  return new ModelStoreClient({
    registry: opts.registry,
    store: openStoreReader(opts.url),
    cache: opts.cache,
    metrics: createStoreMetrics(opts.metricsRegistry, opts.registry.name),
    log: opts.log,
  });
}
