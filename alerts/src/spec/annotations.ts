/**
 * Drillbook's annotations on an OpenSLO `SLO` (metadata.annotations). OpenSLO has no field for
 * these; annotations keep the specs valid OpenSLO documents.
 */
export const SLO_ANNOTATION = {
  /** `exclude` (default) adds `synthetic!="true"` to every selector; `include` keeps drill/load traffic. */
  syntheticTraffic: 'drillbook.dev/synthetic-traffic',
  /** Minimum events per second over an alert's short window before a burn-rate alert may fire (default 0.1). */
  minEventsPerSecond: 'drillbook.dev/min-events-per-second',
  /** PascalCase prefix of the SLO's alert names: `<prefix>BurnRatePage`, `<prefix>BurnRateTicket`. */
  alertName: 'drillbook.dev/alert-name',
} as const;

export const DEFAULT_MIN_EVENTS_PER_SECOND = 0.1;
