/**
 * `npm run stack`: start the embedded reference deployment and keep it running until Ctrl-C.
 *
 *   npm run stack -- [--replicas 3] [--zones zone-a,zone-b] [--no-shoppers] [--shopper-rate 5]
 *                    [--items 5000] [--dir .drillbook/stack] [--no-retries] [--no-fallback] [--no-backup]
 *                    [--model-variant fp32|int8|fp16]   (serve a compressed export of the same model: <version>-<variant>)
 *                    [--config FILE]   (a StackConfig JSON, e.g. `drillbook tune`'s recommended.json; flags given win)
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Stack } from './Stack.js';
import { startEmbeddedPrometheus, type RunningPrometheus } from '@drillbook/alerts';
import { startControl } from './control.js';
import { readStackConfig } from './stackConfig.js';
import { STACK_MODEL_VARIANTS, type StackModelVariant } from '@drillbook/contracts';

const { values, tokens } = parseArgs({
  tokens: true,
  options: {
    config: { type: 'string' },
    replicas: { type: 'string', default: '3' },
    zones: { type: 'string', default: 'zone-a,zone-b' },
    'no-shoppers': { type: 'boolean', default: false },
    'shopper-rate': { type: 'string', default: '5' },
    items: { type: 'string', default: '5000' },
    users: { type: 'string', default: '2000' },
    'model-variant': { type: 'string' },
    dir: { type: 'string', default: join('.drillbook', 'stack') },
    'no-retries': { type: 'boolean', default: false },
    'no-fallback': { type: 'boolean', default: false },
    'no-backup': { type: 'boolean', default: false },
    'admin-token': { type: 'string' },
    'no-prometheus': { type: 'boolean', default: false },
  },
});

async function main(): Promise<void> {
  const given = new Set(tokens!.filter((t) => t.kind === 'option').map((t) => (t as { name: string }).name));
  const file = values.config ? readStackConfig(values.config).spec : {};
  const replicas = given.has('replicas') || file.replicas === undefined ? Number(values.replicas) : file.replicas;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 12) throw new Error(`--replicas must be 1..12, got ${values.replicas}`);
  const variant = values['model-variant'] ?? file.model?.variant;
  if (variant !== undefined && !(STACK_MODEL_VARIANTS as readonly string[]).includes(variant)) throw new Error(`--model-variant must be one of ${STACK_MODEL_VARIANTS.join(', ')}, got ${variant}`);
  if (values.config) process.stdout.write(`[stack] settings from ${values.config}: ${JSON.stringify(file)}\n`);
  const stack = await Stack.start({
    dir: values.dir!,
    ...file,
    replicas,
    zones: given.has('zones') || !file.zones ? values.zones!.split(',').map((z) => z.trim()).filter(Boolean) : file.zones,
    shoppers: given.has('no-shoppers') ? false : (file.shoppers ?? true),
    shopperRate: Number(values['shopper-rate']),
    model: { items: Number(values.items), users: Number(values.users), ...(variant ? { variant: variant as StackModelVariant } : {}) },
    gateway: { ...file.gateway, ...(given.has('no-retries') ? { retries: false } : {}) },
    replica: { ...file.replica, ...(given.has('no-fallback') ? { fallback: false } : {}), ...(given.has('no-backup') ? { backup: false } : {}) },
    adminToken: values['admin-token'] ?? process.env.DRILLBOOK_STACK_TOKEN,
    onLog: (l) => process.stdout.write(`[stack] ${l}\n`),
  });
  const control = await startControl(stack);
  // Prometheus in the loop (when installed): the generated rules on this stack, for drills run against it.
  let prometheus: RunningPrometheus | null = null;
  let promNote = 'off (--no-prometheus)';
  if (!values['no-prometheus']) {
    try {
      const started = await startEmbeddedPrometheus({ endpoints: { gateway: stack.info.gatewayUrl, replicas: stack.info.replicas.map((r) => ({ id: r.id, zone: r.zone, url: r.url })) }, dir: join(values.dir!, 'prometheus') });
      prometheus = started.prometheus;
      promNote = started.prometheus ? `${started.prometheus.url} (pass --prometheus ${started.prometheus.url} to drillbook run)` : started.note;
    } catch (e) {
      promNote = `did not start: ${(e as Error).message}`;
    }
  }
  let stopping = false;
  const stop = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${sig}: stopping the stack...\n`);
    control.server.close();
    await prometheus?.stop();
    await stack.stop();
    process.stdout.write('stopped; no processes left behind.\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Only once the handlers are in place: a wrapper that signals as soon as it reads this must get a clean stop.
  process.stdout.write(
    `\nreference stack running\n  gateway   ${stack.info.gatewayUrl}\n` +
      stack.info.replicas.map((r) => `  replica   ${r.id} (${r.zone}) ${r.url}\n`).join('') +
      `  control   ${control.url} (bearer: the admin token)\n  prometheus ${promNote}\n  admin token ${stack.info.adminToken}\n  logs      ${join(values.dir!, 'logs')}\nCtrl-C stops everything.\n`,
  );
}

main().catch((e) => {
  process.stderr.write(`stack failed: ${(e as Error).message}\n`);
  process.exit(1);
});
