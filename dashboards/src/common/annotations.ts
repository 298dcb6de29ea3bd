/**
 * Dashboard annotations: the drill controller's own annotations (tag `drillbook`) from Grafana's
 * annotation store, and firing alerts from Prometheus' ALERTS series.
 */
import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import { AnnotationQueryBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { GRAFANA_ANNOTATIONS, PROMETHEUS } from './datasource.js';

/** The tag the drill controller puts on its drill start/fault/recovery/end annotations. */
export const DRILL_ANNOTATION_TAG = 'drillbook';

interface GrafanaTagsQuery extends Dataquery {
  type: 'tags';
  tags: string[];
  matchAny: boolean;
  limit: number;
}

/** The Grafana data source's "filter by tags" annotation query (the SDK has no builder for it). */
class GrafanaTagsQueryBuilder implements Builder<Dataquery> {
  constructor(private readonly tags: string[]) {}
  build(): GrafanaTagsQuery {
    return { type: 'tags', tags: this.tags, matchAny: false, limit: 100, _implementsDataqueryVariant() {} };
  }
}

export function drillAnnotations(): AnnotationQueryBuilder {
  return new AnnotationQueryBuilder()
    .name('Drills')
    .datasource(GRAFANA_ANNOTATIONS)
    .enable(true)
    .iconColor('purple')
    .target(new GrafanaTagsQueryBuilder([DRILL_ANNOTATION_TAG]));
}

/**
 * Firing alerts matching `selector` (inside ALERTS{...}), one annotation region per alert.
 * `severityLabel`: `sloth_severity` for SLO alerts (Sloth's label), `severity` for platform alerts.
 */
export function alertAnnotations(name: string, selector: string, color: string, severityLabel: 'severity' | 'sloth_severity' = 'severity'): AnnotationQueryBuilder {
  return new AnnotationQueryBuilder()
    .name(name)
    .datasource(PROMETHEUS)
    .enable(true)
    .iconColor(color)
    .expr(`ALERTS{alertstate="firing", ${selector}}`)
    .step('30s')
    .titleFormat('{{alertname}}')
    .textFormat(`{{${severityLabel}}}`)
    .tagKeys(`alertname,${severityLabel}`);
}
