/**
 * The drill controller: Deployment (2 replicas sharing PostgreSQL), Service, ConfigMap with its
 * controller.yaml, Secret references, and a ServiceAccount whose Role grants only what its
 * Kubernetes, Chaos Mesh and k6-operator providers call.
 */
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import type { IPolicyRule } from 'kubernetes-models/rbac.authorization.k8s.io/v1/PolicyRule';
import { stringify } from 'yaml';
import { K6_OUTPUT_MOUNT, labels, NAMES, selector, type DeployValues } from '../values.js';

/**
 * Every API call the providers make (services/drill-controller/src/providers/kubernetes), and
 * nothing else: no cluster-wide rights, no secrets, no exec.
 */
export const CONTROLLER_RULES: IPolicyRule[] = [
  // Kubernetes provider: choose pods by label and delete them; read them back for evidence.
  { apiGroups: [''], resources: ['pods'], verbs: ['list', 'delete'] },
  // Kubernetes provider: scale a Deployment or StatefulSet and restore it; read ready replicas.
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: ['get'] },
  { apiGroups: ['apps'], resources: ['deployments/scale', 'statefulsets/scale'], verbs: ['get', 'patch'] },
  // Chaos Mesh provider: create with duration = TTL, read status conditions, delete on clear.
  { apiGroups: ['chaos-mesh.org'], resources: ['podchaos', 'networkchaos', 'stresschaos', 'httpchaos'], verbs: ['get', 'list', 'create', 'delete'] },
  // k6-operator: the TestRun and the ConfigMap holding its script.
  { apiGroups: ['k6.io'], resources: ['testruns'], verbs: ['get', 'create', 'delete'] },
  { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'delete'] },
];

export function controllerConfigYaml(v: DeployValues): string {
  const config = {
    listen: { host: '0.0.0.0', port: v.ports.controller },
    dataDir: '/var/lib/drillbook',
    database: { urlEnv: 'DRILLBOOK_DATABASE_URL' },
    runbooks: ['/app/runbooks'],
    sloSpecs: '/app/alerts/slos',
    refreshIntervalS: 5,
    loadEngine: 'k6',
    prometheus: { url: 'http://prometheus-operated:9090' },
    services: [
      {
        id: v.service,
        owner: 'team-recsys',
        gateway: { url: `http://${NAMES.gateway}:${v.ports.gateway}`, adminTokenEnv: 'RECSYS_GATEWAY_ADMIN_TOKEN' },
      },
    ],
  };
  return stringify(config, { lineWidth: 0 });
}

export function controllerObjects(v: DeployValues) {
  const meta = (name: string) => ({ name, namespace: v.namespace, labels: labels(v, 'controller', NAMES.controller) });
  const serviceAccount = new ServiceAccount({ metadata: meta(NAMES.controller) });
  const role = new Role({ metadata: meta(NAMES.controller), rules: CONTROLLER_RULES });
  const binding = new RoleBinding({
    metadata: meta(NAMES.controller),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: NAMES.controller },
    subjects: [{ kind: 'ServiceAccount', name: NAMES.controller, namespace: v.namespace }],
  });
  const config = new ConfigMap({ metadata: meta(NAMES.controllerConfig), data: { 'controller.yaml': controllerConfigYaml(v) } });
  const secretEnv = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: NAMES.controllerSecret, key } } });
  const deployment = new Deployment({
    metadata: meta(NAMES.controller),
    spec: {
      replicas: v.replicas.controller,
      selector: { matchLabels: selector(NAMES.controller) },
      template: {
        metadata: { labels: labels(v, 'controller', NAMES.controller) },
        spec: {
          serviceAccountName: NAMES.controller,
          securityContext: { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001 },
          containers: [
            {
              name: 'controller',
              image: v.images.controller,
              args: ['serve', '--config', '/etc/drillbook/controller.yaml'],
              ports: [{ name: 'http', containerPort: v.ports.controller }],
              env: [
                secretEnv('DRILLBOOK_DATABASE_URL', 'database-url'),
                secretEnv('DRILLBOOK_TOKENS', 'tokens'),
                secretEnv('RECSYS_GATEWAY_ADMIN_TOKEN', 'gateway-admin-token'),
                { name: 'DRILLBOOK_KUBE_NAMESPACES', value: v.namespace },
                // Distributed load: where the runners' outputs are read from (the same claim they write to).
                ...(v.k6OutputClaim ? [{ name: 'DRILLBOOK_K6_OUTPUT_DIR', value: K6_OUTPUT_MOUNT }] : []),
              ],
              readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
              livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10, failureThreshold: 6 },
              resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '1Gi' } },
              volumeMounts: [
                { name: 'config', mountPath: '/etc/drillbook', readOnly: true },
                { name: 'data', mountPath: '/var/lib/drillbook' },
                ...(v.k6OutputClaim ? [{ name: 'k6-out', mountPath: K6_OUTPUT_MOUNT }] : []),
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: NAMES.controllerConfig } },
            { name: 'data', emptyDir: {} },
            ...(v.k6OutputClaim ? [{ name: 'k6-out', persistentVolumeClaim: { claimName: v.k6OutputClaim } }] : []),
          ],
        },
      },
    },
  });
  const service = new Service({
    metadata: meta(NAMES.controller),
    spec: { selector: selector(NAMES.controller), ports: [{ name: 'http', port: v.ports.controller, targetPort: 'http' }] },
  });
  return [serviceAccount, role, binding, config, deployment, service];
}
