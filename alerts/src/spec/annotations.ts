/**
 * Drillbook's annotations on an OpenSLO `SLO` (metadata.annotations). OpenSLO has no field for
 * these; annotations keep the specs valid OpenSLO documents.
 */
export const SLO_ANNOTATION = {
  /** `exclude` (default) adds `synthetic!="true"` to every selector; `include` keeps drill/load traffic. */
  syntheticTraffic: 'drillbook.dev/synthetic-traffic',
  /** Opt-in: minimum events per second over an alert's short window before a burn-rate alert may fire (default: no gate, as Sloth). */
  minEventsPerSecond: 'drillbook.dev/min-events-per-second',
  /** PascalCase prefix of the SLO's alert name: `<prefix>BurnRate` (one name, page and ticket told apart by `sloth_severity`). */
  alertName: 'drillbook.dev/alert-name',
} as const;

