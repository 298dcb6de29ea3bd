/** Prometheus in the loop for the embedded stack (the implementation lives with the rules it loads, in @drillbook/alerts). */
export { prometheusBinary, startEmbeddedPrometheus } from '@drillbook/alerts';
export type { EmbeddedPrometheusOptions } from '@drillbook/alerts';
