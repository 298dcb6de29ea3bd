/**
 * `npm run model:build`: generate the synthetic world, train the two-tower model, export it to
 * ONNX, evaluate it through onnxruntime against the popularity baseline, and publish it signed into
 * the registry (plus the load sessions file the drills replay).
 *
 *   npm run model:build -- [--items N] [--users N] [--version V] [--registry DIR] [--backup DIR] [--seed N] [--epochs N] [--force]
 *                          [--variants int8,fp16]   also publish compressed variants as <V>-int8, <V>-fp16
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildModel } from '../model/build.js';
import { publishVariants } from '../model/publishVariants.js';
import { parseVariants, type ModelVariant } from '../model/variants.js';
import { encryptionKeyFromEnv, loadOrCreateSigningKeys } from '../registry/crypto.js';
import { ModelRegistry } from '../registry/registry.js';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '20000' },
    users: { type: 'string', default: '4000' },
    version: { type: 'string', default: 'v1' },
    registry: { type: 'string', default: '.drillbook/models' },
    backup: { type: 'string' },
    seed: { type: 'string', default: '7' },
    epochs: { type: 'string' },
    force: { type: 'boolean', default: false },
    variants: { type: 'string', default: '' },
    help: { type: 'boolean', default: false },
  },
});

function positive(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) {
    process.stderr.write(`--${name} must be a positive integer, got "${v}"\n`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  if (values.help) {
    process.stdout.write('usage: model:build [--items N] [--users N] [--version V] [--registry DIR] [--backup DIR] [--seed N] [--epochs N] [--force] [--variants int8,fp16]\n');
    return;
  }
  const root = values.registry!;
  const keys = loadOrCreateSigningKeys(join(root, '.keys'));
  const registry = new ModelRegistry({ root, backupRoot: values.backup, publicKey: keys.publicKey, privateKey: keys.privateKey, encryptionKey: encryptionKeyFromEnv() });
  const version = values.version!;
  let variants: ModelVariant[];
  try {
    variants = parseVariants(values.variants ?? '');
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  for (const v of [version, ...variants.filter((x) => x !== 'fp32').map((x) => `${version}-${x}`)]) {
    if (!existsSync(registry.dir(v))) continue;
    if (!values.force) {
      process.stderr.write(`version ${v} already exists in ${join(root, registry.name)} (use --force to rebuild it)\n`);
      process.exit(2);
    }
    rmSync(registry.dir(v), { recursive: true, force: true });
  }
  const started = Date.now();
  const result = await buildModel(registry, {
    version,
    world: { items: positive('items', values.items), users: positive('users', values.users), seed: positive('seed', values.seed) },
    train: { epochs: positive('epochs', values.epochs) },
    sessionsFile: join(root, 'load-sessions.json'),
    onProgress: (m) => process.stdout.write(`[model:build] ${m}\n`),
  });
  const r = result.report;
  process.stdout.write(
    `\noffline evaluation on ${r.model.evaluated} held-out purchases:\n` +
      `  model       NDCG@10 ${r.model.ndcgAt10.toFixed(4)}  recall@50 ${r.model.recallAt50.toFixed(4)}\n` +
      `  popularity  NDCG@10 ${r.popularity.ndcgAt10.toFixed(4)}  recall@50 ${r.popularity.recallAt50.toFixed(4)}\n` +
      `published ${registry.name}/${version} (sha256 ${result.manifest.artefacts.model.sha256.slice(0, 16)}…) to ${join(root, registry.name, version)}` +
      `${values.backup ? ` and backup ${values.backup}` : ''} in ${((Date.now() - started) / 1000).toFixed(1)}s\n` +
      `load sessions: ${result.sessionsFile}\n`,
  );
  if (variants.some((v) => v !== 'fp32')) {
    const out = await publishVariants(registry, {
      baseVersion: version,
      world: result.world,
      weights: result.weights,
      features: result.features,
      variants,
      onProgress: (m) => process.stdout.write(`[model:build] ${m}\n`),
    });
    for (const v of out) process.stdout.write(`published ${registry.name}/${v.version} (${v.variant}, ${v.manifest.artefacts.model.size} bytes vs ${result.manifest.artefacts.model.size} fp32)\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`model:build failed: ${(e as Error).message}\n`);
  process.exit(1);
});
