/**
 * Kubernetes fault providers (pods and scale via @kubernetes/client-node, Chaos Mesh objects) and
 * the k6-operator load pieces. Self-contained until the common provider interface lands: each
 * provider offers plan / inject (TTL + evidence) / clear / active.
 */
export * from './types.js';
export { NamespaceGuard, labelSelector, podCount, describeMode } from './selection.js';
export { kubeApis, kubeConfigFor, defaultKubeConfig, goDuration, objectName } from './kube.js';
export type { KubeApis } from './kube.js';
export { KubernetesProvider } from './podProvider.js';
export type { KubernetesSpec, KubernetesProviderOptions } from './podProvider.js';
export { ChaosMeshProvider, chaosObject, CHAOS_PLURALS, DEFAULT_ZONE_KEY } from './chaosMesh.js';
export type { ChaosSpec, ChaosKind, ChaosObject, ChaosMeshOptions } from './chaosMesh.js';
export { distributedLoadObjects, scenarioSource, K6OperatorLoad, RUNNER_OUTPUT_DIR } from './k6Operator.js';
export type { DistributedLoadSpec, TestRunObject, ConfigMapObject } from './k6Operator.js';
export { mergeRunnerOutputs } from './k6Merge.js';
export type { RunnerOutput, MergeReport } from './k6Merge.js';
export { describeKubernetesStep, executeKubernetesStep, isKubernetesStep, planKubernetesStep, stepSpec, stepObjectName, setKubeApis } from './runbookSteps.js';
export { startDistributedLoad, distributedLoadStarter, distributedLoadMissing, OUTPUT_DIR_ENV } from './distributedLoad.js';
export type { DistributedLoadOptions } from './distributedLoad.js';
export { distributedLoadSpec } from './loadPlan.js';
