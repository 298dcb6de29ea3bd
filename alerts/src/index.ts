/**
 * @drillbook/alerts: SLO specs (OpenSLO v1) -> Sloth-compatible recording rules, multiwindow
 * multi-burn-rate alerts, platform alerts and the promtool tests that prove them; plus a real
 * Prometheus for tests (start, query, stop).
 */
export { ALERTS, ALERT_DRILLS, DRILLS, SLO_ALERTS, TIME_TO_DETECT_ALERT, TIME_TO_DETECT_SEVERITY } from './alertNames.js';
export type { AlertKey, AlertName, DrillName } from './alertNames.js';
export { ALERTS_CONFIG, RECOMMEND_ROUTE, RECSYS_REFERENCE, SCRAPE_JOBS, SERVICE_ALERT_CONFIGS } from './config.js';
export type { ServiceAlertConfig } from './config.js';
export { AlertsError, GenerationError, InvalidSloSpec, PrometheusError, PrometheusQueryError, formatProblem } from './errors.js';
export type { SpecLocation, SpecProblem } from './errors.js';
export { generate, sloRuleGroups, sloRulesFile, platformRulesFile, slothSpecFile, DRILLBOOK_RULES } from './generate.js';
export { slothSpec } from './output/slothSpec.js';
export type { SlothSpec, SlothSlo } from './output/slothSpec.js';
export { SLOTH_INFO } from './rules/metaRecordings.js';
export type { GenerateOptions } from './generate.js';
export type { GeneratedFile } from './output/writeFiles.js';
export { loadSloSpecs, parseSloSpecs } from './spec/loadSpecs.js';
export type { SpecFile } from './spec/loadSpecs.js';
export { SLO_ANNOTATION } from './spec/annotations.js';
export type { SloModel } from './spec/model.js';
export { slothSloName } from './spec/model.js';
export { HISTOGRAM_BUCKETS, lintBucketSelector } from './spec/buckets.js';
export { alertName, windowPairs, slothTitle, SLOTH_SUMMARY } from './rules/burnRateAlerts.js';
export { sliEventsRate } from './rules/sliRecordings.js';
export { alertWindows, guardWindows, durationMinutes } from './rules/windows.js';
export { SLO_INFO, SLO_TIME_PERIOD_DAYS } from './rules/metaRecordings.js';
export { ABORTED_STATUS, gpuBusyExpr, withHostLabel } from './rules/platform/index.js';
export { ON_CALL_DOC, runbookUrl, headingSlug, checkRunbookBase } from './rules/runbook.js';
export type { AlertingRule, RecordingRule, Rule, RuleFile, RuleGroup, Severity } from './rules/types.js';
export { startPrometheus } from './prometheus/server.js';
export type { RunningPrometheus, StartPrometheusOptions } from './prometheus/server.js';
export { PrometheusClient } from './prometheus/client.js';
export type { ActiveAlert, RangeSeries, RuleGroupStatus, RuleStatus, Sample, TargetStatus, WaitOptions } from './prometheus/client.js';
export { prometheusConfig, referenceScrapeJobs } from './prometheus/config.js';
export type { PrometheusConfigOptions, ReferenceStackEndpoints, ScrapeJob, ScrapeTarget } from './prometheus/config.js';
export { generatedRuleFiles, GENERATED_DIR, SLOS_DIR } from './generatedFiles.js';
export { writeGeneratedFiles } from './output/writeFiles.js';
export type { WriteResult } from './output/writeFiles.js';
export { prometheusBinary, startEmbeddedPrometheus } from './prometheus/embedded.js';
export type { EmbeddedPrometheusOptions } from './prometheus/embedded.js';
