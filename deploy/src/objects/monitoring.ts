/**
 * PrometheusRule objects carrying exactly the rule groups alerts/ generates from the SLO specs (one
 * object per generated rules file), and ServiceMonitors that give the scraped series the job,
 * replica and zone labels those rules expect.
 */
import { parse } from 'yaml';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { generate, type RuleFile, type SloModel } from '@drillbook/alerts';
import { JOBS, labels, NAMES, selector, type DeployValues } from '../values.js';

/** `recsys-reference/latency.rules.yaml` -> `recsys-reference-latency`. */
export function ruleObjectName(file: string): string {
  return file.replace(/\.rules\.yaml$/, '').replace(/[^a-z0-9-]+/g, '-');
}

export function prometheusRules(v: DeployValues, slos: readonly SloModel[]): PrometheusRule[] {
  const files = generate(slos).filter((f) => f.path.endsWith('.rules.yaml') && !f.path.startsWith('tests/'));
  return files.map((f) => {
    const rules = parse(f.content) as RuleFile;
    return new PrometheusRule({
      metadata: {
        name: ruleObjectName(f.path),
        namespace: v.namespace,
        labels: { ...labels(v, 'monitoring', ruleObjectName(f.path)), ...v.prometheusSelector },
        annotations: { 'drillbook.dev/source': `alerts/generated/${f.path}` },
      },
      spec: rules as PrometheusRule['spec'],
    });
  });
}

export function serviceMonitors(v: DeployValues): ServiceMonitor[] {
  const monitor = (name: string, component: string, job: string, extra: NonNullable<ServiceMonitor['spec']['endpoints']>[number]['relabelings'] = [], node = false) =>
    new ServiceMonitor({
      metadata: { name, namespace: v.namespace, labels: { ...labels(v, component, name), ...v.prometheusSelector } },
      spec: {
        selector: { matchLabels: selector(name) },
        ...(node ? { attachMetadata: { node: true } } : {}),
        endpoints: [
          {
            port: 'http',
            path: '/metrics',
            interval: '15s',
            relabelings: [{ action: 'replace', targetLabel: 'job', replacement: job }, ...(extra ?? [])],
          },
        ],
      },
    });
  return [
    monitor(NAMES.gateway, 'gateway', JOBS.gateway),
    monitor(
      NAMES.inference,
      'inference',
      JOBS.replica,
      [
        { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'replica' },
        { action: 'replace', sourceLabels: ['__meta_kubernetes_node_label_topology_kubernetes_io_zone'], targetLabel: 'zone' },
      ],
      true,
    ),
    monitor(NAMES.controller, 'controller', JOBS.controller),
  ];
}
