/**
 * The reference inference stack: replicas spread across zones (topologySpreadConstraints, readiness
 * on /readyz) behind the gateway. The gateway sees the replicas through their Service: in a cluster,
 * kube-proxy balances over ready pods and readiness takes a failing replica out.
 */
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { labels, NAMES, selector, type DeployValues } from '../values.js';

export function referenceStackObjects(v: DeployValues) {
  const meta = (name: string, component: string) => ({ name, namespace: v.namespace, labels: labels(v, component, name) });
  const inference = new Deployment({
    metadata: meta(NAMES.inference, 'inference'),
    spec: {
      replicas: v.replicas.inference,
      selector: { matchLabels: selector(NAMES.inference) },
      template: {
        metadata: { labels: { ...labels(v, 'inference', NAMES.inference), 'drillbook.dev/service': v.service } },
        spec: {
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: v.zoneKey, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: selector(NAMES.inference) } },
            { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector(NAMES.inference) } },
          ],
          securityContext: { runAsNonRoot: true, runAsUser: 10001 },
          containers: [
            {
              name: 'replica',
              image: v.images.inference,
              ports: [{ name: 'http', containerPort: v.ports.inference }],
              env: [
                { name: 'HOST', value: '0.0.0.0' },
                { name: 'PORT', value: String(v.ports.inference) },
                // Pod names are DNS labels, which the replica accepts as its id. REPLICA_ZONE is not
                // set: a node's zone label is not visible through the downward API (and node names
                // may contain dots the replica refuses); Prometheus attaches `zone` from the node
                // (service-monitors.yaml), which is where the rules read it.
                { name: 'REPLICA_ID', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'ADMIN_TOKEN', valueFrom: { secretKeyRef: { name: NAMES.inferenceSecret, key: 'admin-token' } } },
              ],
              readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 2, failureThreshold: 2 },
              livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10, failureThreshold: 6 },
              resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '2Gi' } },
            },
          ],
        },
      },
    },
  });
  const inferenceService = new Service({
    metadata: meta(NAMES.inference, 'inference'),
    spec: { selector: selector(NAMES.inference), ports: [{ name: 'http', port: v.ports.inference, targetPort: 'http' }] },
  });
  const inferencePdb = new PodDisruptionBudget({
    metadata: meta(NAMES.inference, 'inference'),
    spec: { maxUnavailable: 1, selector: { matchLabels: selector(NAMES.inference) } },
  });
  const gateway = new Deployment({
    metadata: meta(NAMES.gateway, 'gateway'),
    spec: {
      replicas: v.replicas.gateway,
      selector: { matchLabels: selector(NAMES.gateway) },
      template: {
        metadata: { labels: { ...labels(v, 'gateway', NAMES.gateway), 'drillbook.dev/service': v.service } },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 10001 },
          containers: [
            {
              name: 'gateway',
              image: v.images.gateway,
              ports: [{ name: 'http', containerPort: v.ports.gateway }],
              env: [{ name: 'GATEWAY_CONFIG', value: '/etc/gateway/gateway.json' }],
              readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 2 },
              livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10, failureThreshold: 6 },
              resources: { requests: { cpu: '500m', memory: '256Mi' }, limits: { memory: '512Mi' } },
              volumeMounts: [{ name: 'config', mountPath: '/etc/gateway', readOnly: true }],
            },
          ],
          // gateway.json carries tokens, so it is a Secret the team creates (README), not generated.
          volumes: [{ name: 'config', secret: { secretName: NAMES.gatewaySecret } }],
        },
      },
    },
  });
  const gatewayService = new Service({
    metadata: meta(NAMES.gateway, 'gateway'),
    spec: { selector: selector(NAMES.gateway), ports: [{ name: 'http', port: v.ports.gateway, targetPort: 'http' }] },
  });
  return [inference, inferenceService, inferencePdb, gateway, gatewayService];
}
