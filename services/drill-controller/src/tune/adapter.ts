/**
 * ConfigAdapter: how `drillbook tune` turns a candidate (knob -> value) into a running target and
 * into a configuration file the target accepts. A target that is not the reference stack brings its
 * own adapter (knobs it supports, how to start a fresh instance, what file to write); the reference
 * stack's adapter below is the first implementation.
 */
import { mergeStackSpec, STACK_MODEL_VARIANTS, stackConfigFile, type EmbeddedStackSpec, type StackConfigFile, type StackModelVariant } from '@drillbook/contracts';
import type { Assignment, KnobValue } from './search.js';

export interface KnobDef {
  name: string;
  description: string;
  type: 'integer' | 'boolean' | 'enum';
  min?: number;
  max?: number;
  /** An `enum` knob's names (a space file's values must be among them). */
  options?: readonly string[];
}

/** A fresh instance of the target, started for one measurement. */
export interface TunedInstance {
  gatewayUrl: string;
  sessionsFile: string;
  close(): Promise<void>;
}

export interface ConfigAdapter<Config = unknown> {
  /** `reference` for the embedded stack. */
  name: string;
  knobs: readonly KnobDef[];
  /** Settings asked for by the issue that this target cannot tune yet, and why (refused in a space file, listed in the report). */
  notKnobs: ReadonlyArray<{ name: string; why: string }>;
  /** The current default value of every knob (the baseline the gain is measured against). */
  defaults(): Assignment;
  /** The target's configuration for a candidate, on top of the space's fixed `base` settings. */
  configOf(candidate: Assignment, base: Config | undefined): Config;
  /** Start a fresh, quiet instance with that configuration. */
  start(config: Config, opts: { dir: string; log?: (line: string) => void }): Promise<TunedInstance>;
  /** The file `recommended.json` holds for a configuration. */
  configFile(config: Config, extra: Record<string, unknown>): unknown;
}

const clampInt = (v: KnobValue) => v as number;

/** The embedded reference stack: knobs map onto `EmbeddedStackSpec` (a runbook's `stack:` section). */
export const referenceStackAdapter: ConfigAdapter<EmbeddedStackSpec> = {
  name: 'reference',
  knobs: [
    { name: 'maxBatch', description: 'dynamic batching: most requests per batch (stack.replica.maxBatch, BATCH_MAX)', type: 'integer', min: 1, max: 1024 },
    { name: 'maxQueueDelayMs', description: 'dynamic batching: longest wait for a batch to fill, ms (stack.replica.maxDelayMs, BATCH_DELAY_MS)', type: 'integer', min: 0, max: 1000 },
    { name: 'intraOpThreads', description: 'onnxruntime intra-op threads per replica (stack.replica.ortThreads, ORT_THREADS)', type: 'integer', min: 1, max: 64 },
    { name: 'inferenceWorkers', description: 'inference workers per replica, each with its own onnxruntime session, as many batches at once (stack.replica.ortWorkers, ORT_WORKERS)', type: 'integer', min: 1, max: 16 },
    { name: 'replicas', description: 'inference replicas behind the gateway (stack.replicas)', type: 'integer', min: 1, max: 12 },
    { name: 'gatewayRetries', description: 'the gateway retries a failed request once on another replica (stack.gateway.retries)', type: 'boolean' },
    { name: 'loadShedThreshold', description: 'requests in flight at the gateway above which new ones are shed with 503 + retry-after (stack.gateway.maxInFlight)', type: 'integer', min: 1, max: 100_000 },
    { name: 'modelVariant', description: 'the model export the replicas serve: fp32, or a compressed variant of the same weights served as <version>-<variant> (stack.model.variant)', type: 'enum', options: STACK_MODEL_VARIANTS },
  ],
  notKnobs: [
    { name: 'retryBudget', why: 'the gateway retries at most once per request (on/off: gatewayRetries); it has no retry budget ratio yet' },
    { name: 'hedgingDelayMs', why: 'the gateway does not hedge requests yet' },
  ],
  defaults: () => ({ maxBatch: 32, maxQueueDelayMs: 2, intraOpThreads: 1, inferenceWorkers: 1, replicas: 3, gatewayRetries: true, loadShedThreshold: 512, modelVariant: 'fp32' }),
  configOf(c, base) {
    const spec: EmbeddedStackSpec = {};
    const replica: NonNullable<EmbeddedStackSpec['replica']> = {};
    const gateway: NonNullable<EmbeddedStackSpec['gateway']> = {};
    if (c.maxBatch !== undefined) replica.maxBatch = clampInt(c.maxBatch);
    if (c.maxQueueDelayMs !== undefined) replica.maxDelayMs = clampInt(c.maxQueueDelayMs);
    if (c.intraOpThreads !== undefined) replica.ortThreads = clampInt(c.intraOpThreads);
    if (c.inferenceWorkers !== undefined) replica.ortWorkers = clampInt(c.inferenceWorkers);
    if (c.replicas !== undefined) spec.replicas = clampInt(c.replicas);
    if (c.gatewayRetries !== undefined) gateway.retries = c.gatewayRetries as boolean;
    if (c.loadShedThreshold !== undefined) gateway.maxInFlight = clampInt(c.loadShedThreshold);
    if (c.modelVariant !== undefined) spec.model = { variant: c.modelVariant as StackModelVariant };
    if (Object.keys(replica).length) spec.replica = replica;
    if (Object.keys(gateway).length) spec.gateway = gateway;
    return mergeStackSpec({ shoppers: false, ...base }, spec);
  },
  async start(config, opts) {
    const { Stack } = await import('@drillbook/stack');
    const stack = await Stack.start({ dir: opts.dir, ...config, logLevel: 'warn', onLog: opts.log });
    return { gatewayUrl: stack.info.gatewayUrl, sessionsFile: stack.info.sessionsFile, close: () => stack.stop() };
  },
  // The background shoppers are off only while a candidate is measured (a quiet stack); the file a
  // user runs leaves them at the stack's default, so the SLO alerts have traffic to watch.
  configFile: ({ shoppers: _measuredQuiet, ...config }, extra): StackConfigFile => stackConfigFile(config, extra),
};

export const CONFIG_ADAPTERS: Record<string, ConfigAdapter<any>> = { reference: referenceStackAdapter };
