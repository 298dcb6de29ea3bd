/**
 * `npm run model:publish`: publish verified registry versions into the model store — a folder that
 * nginx serves (the HTTP store) or an S3 bucket — as content-addressed artefacts + signed manifest
 * + index. `--all` re-publishes every version (restoring a store that lost its disk from the backup
 * location: `--registry <backup> --all`).
 *
 *   npm run model:publish -- --registry DIR --store DIR|s3://bucket/prefix (--version V ... | --all)
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encryptionKeyFromEnv, loadOrCreateSigningKeys, publicKeyFrom } from '../registry/crypto.js';
import { ModelRegistry } from '../registry/registry.js';
import { FolderStore } from '../store/fileStore.js';
import { publishToStore } from '../store/publish.js';
import { parseS3Url, S3Store } from '../store/s3Store.js';
import { existsSync, readFileSync } from 'node:fs';

const usage = 'usage: model:publish --registry DIR --store DIR|s3://bucket/prefix [--public-key FILE] (--version V ... | --all)\n';
const { values } = parseArgs({
  options: {
    registry: { type: 'string', default: '.drillbook/models' },
    store: { type: 'string' },
    'public-key': { type: 'string' },
    version: { type: 'string', multiple: true },
    all: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

function fail(msg: string): never {
  process.stderr.write(`model:publish: ${msg}\n${usage}`);
  process.exit(2);
}

async function main(): Promise<void> {
  if (values.help) return void process.stdout.write(usage);
  if (!values.store) fail('--store is required');
  if (!values.all && !values.version?.length) fail('name --version V (repeatable) or --all');
  const root = values.registry!;
  const keyFile = values['public-key'] ?? join(root, '.keys', 'signing.pub.pem');
  const publicKey = existsSync(keyFile) ? publicKeyFrom(readFileSync(keyFile, 'utf8')) : loadOrCreateSigningKeys(join(root, '.keys')).publicKey;
  const registry = new ModelRegistry({ root, publicKey, encryptionKey: encryptionKeyFromEnv() });
  const store = values.store.startsWith('s3://')
    ? new S3Store({ ...parseS3Url(values.store), client: { forcePathStyle: process.env.AWS_S3_FORCE_PATH_STYLE === 'true', ...(process.env.AWS_ENDPOINT_URL_S3 ? { endpoint: process.env.AWS_ENDPOINT_URL_S3 } : {}) } })
    : new FolderStore(values.store);
  const versions = values.all ? registry.list() : values.version!;
  if (!versions.length) fail(`no versions in ${join(root, registry.name)}`);
  for (const v of versions) {
    const r = await publishToStore(registry, v, store);
    process.stdout.write(`published ${registry.name}/${v} to ${store.location}: ${r.uploadedBytes} bytes uploaded, ${r.skippedBlobs} artefact(s) already there\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`model:publish failed: ${(e as Error).message}\n`);
  process.exit(1);
});
