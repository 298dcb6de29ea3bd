/**
 * Public surface of @drillbook/inference for other packages: the replica's typed configuration
 * and the environment that carries it (the reference stack starts replicas with it), and the
 * service's errors. The replica itself runs from `src/main.ts`; deeper modules stay reachable as
 * `@drillbook/inference/<path>` (e.g. `http/util`, `model/evaluate`).
 */
export { loadConfig, replicaConfigEnv, type ReplicaConfig } from './config.js';
export { InferenceError, BadRequest, ConfigError } from './errors.js';
