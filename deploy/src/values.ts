/**
 * What the base manifests are built from: names, images, replica counts, ports and zones. The
 * kustomize overlay under deploy/generated/overlays/example shows how a team changes namespace,
 * images and replica counts without touching the generated base.
 */
import { RECSYS_REFERENCE, SCRAPE_JOBS } from '@drillbook/alerts';

export const GENERATOR = '@drillbook/deploy';

export interface DeployValues {
  namespace: string;
  /** Value of `app.kubernetes.io/part-of` on every object. */
  partOf: string;
  service: string;
  images: { controller: string; inference: string; gateway: string };
  replicas: { controller: number; inference: number; gateway: number };
  ports: { controller: number; inference: number; gateway: number };
  /** Label the scheduler spreads inference replicas over. */
  zoneKey: string;
  /** The release label the prometheus-operator's Prometheus selects rules and monitors by. */
  prometheusSelector: Record<string, string>;
  /** The Grafana sidecar's label for dashboard ConfigMaps (kube-prometheus-stack default). */
  grafanaDashboardLabel: string;
  /**
   * ReadWriteMany PersistentVolumeClaim, in the controller's namespace, that k6-operator runners
   * write their outputs to (a runbook's `load.distributed.outputClaim`): mounted into the controller
   * at K6_OUTPUT_MOUNT and named by DRILLBOOK_K6_OUTPUT_DIR. Unset (the base): no mount, and
   * distributed load is refused by the controller (a missing claim would keep its pods Pending).
   */
  k6OutputClaim?: string;
}

/** Where the controller mounts `k6OutputClaim` (DRILLBOOK_K6_OUTPUT_DIR). */
export const K6_OUTPUT_MOUNT = '/var/lib/drillbook-k6-out';

export const BASE_VALUES: DeployValues = {
  namespace: 'drillbook',
  partOf: 'drillbook',
  service: RECSYS_REFERENCE.service,
  images: {
    controller: 'ghcr.io/drillbook/drill-controller:0.1.0',
    inference: 'ghcr.io/drillbook/inference:0.1.0',
    gateway: 'ghcr.io/drillbook/gateway:0.1.0',
  },
  replicas: { controller: 2, inference: 3, gateway: 2 },
  ports: { controller: 7070, inference: 8081, gateway: 8080 },
  zoneKey: 'topology.kubernetes.io/zone',
  prometheusSelector: { release: 'kube-prometheus-stack' },
  grafanaDashboardLabel: 'grafana_dashboard',
};

/** Object names, shared by every generator so Services, monitors and the Role agree. */
export const NAMES = {
  controller: 'drillbook-controller',
  controllerConfig: 'drillbook-controller-config',
  controllerSecret: 'drillbook-controller-secrets',
  inference: 'recsys-replica',
  gateway: 'recsys-gateway',
  gatewaySecret: 'recsys-gateway-config',
  inferenceSecret: 'recsys-replica-secrets',
} as const;

/** The scrape jobs the generated rules expect (alerts/src/config.ts): ServiceMonitors set `jobLabel` accordingly. */
export const JOBS = SCRAPE_JOBS;

export function labels(v: DeployValues, component: string, name: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': v.partOf,
    'app.kubernetes.io/managed-by': 'drillbook-deploy',
  };
}

/** Labels a Deployment's selector matches (stable: never change them on a running Deployment). */
export function selector(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name };
}
