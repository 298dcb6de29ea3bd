/**
 * @drillbook/deploy: Drillbook and the reference stack as Kubernetes objects (kubernetes-models),
 * generated to deploy/generated; validators for the Kubernetes OpenAPI schema and upstream CRDs.
 */
export { generateDeploy, objectGroups, toYamlDocuments, STAMP_TEXT } from './generate.js';
export type { KubeObject, ObjectGroup } from './generate.js';
export { BASE_VALUES, K6_OUTPUT_MOUNT, NAMES } from './values.js';
export type { DeployValues } from './values.js';
export { CONTROLLER_RULES } from './objects/controller.js';
export { CrdValidator, CRD_FIXTURES_DIR, crdFixturesPresent } from './validate/crd.js';
export type { CrdProblem } from './validate/crd.js';
export { isBuiltIn, validateBuiltIn } from './validate/openapi.js';
