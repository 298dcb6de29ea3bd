/**
 * From findings to actions: one rule table mapping a scorecard's missed objectives (and the load
 * generator's verdict) to concrete recommended actions, each linking the on-call section that
 * explains it. Shared by the drill controller (HTML report, terminal summary, `drillbook tune`)
 * and both plugins' scorecard views, so every surface says the same thing.
 */
import type { ObjectiveSli } from './runbook.js';
import type { Scorecard } from './scorecard.js';

/** Where the on-call guide lives in the repository (`runbooks/on-call.md`). */
export const ON_CALL_GUIDE = 'runbooks/on-call.md';

export interface RecommendedAction {
  /** Stable id, e.g. `enable-gateway-retries`. */
  id: string;
  /** One imperative sentence. */
  action: string;
  /** The on-call section that explains it: `runbooks/on-call.md#<anchor>`. */
  onCall: string;
}

export interface ActionRule {
  /** Stable id of the rule. */
  id: string;
  /** The finding, in words. */
  finding: string;
  /** SLIs whose missed objective triggers the rule (any of them). */
  slis: readonly ObjectiveSli[];
  /** Extra condition on what the scorecard says about the deployment; absent = always. */
  when?: (ctx: ActionContext) => boolean;
  actions: readonly RecommendedAction[];
}

/** What the rules may look at beyond the missed objective. */
export interface ActionContext {
  /** The gateway's retry setting during the drill (undefined: not known). */
  gatewayRetries?: boolean;
  /** The load generator (or host) was saturated: latency findings are about the generator. */
  generatorSaturated?: boolean;
}

/** One finding with its actions, ready to show. */
export interface ActionFinding {
  rule: string;
  finding: string;
  /** The missed objectives (names) that triggered it; `generator` for the generator rule. */
  objectives: string[];
  actions: RecommendedAction[];
}

const link = (anchor: string) => `${ON_CALL_GUIDE}#${anchor.toLowerCase()}`;

/** The rule table, first match per objective wins in this order (more specific rules first). */
export const ACTION_RULES: readonly ActionRule[] = [
  {
    id: 'failed-requests-retries-off',
    finding: 'requests failed while the gateway retries were off',
    slis: ['failed_requests', 'availability', 'error_rate'],
    when: (c) => c.gatewayRetries === false,
    actions: [
      { id: 'enable-gateway-retries', action: 'Enable gateway retries (stack.gateway.retries: true) so a request on a dead replica is retried on a healthy one.', onCall: link('RecsysAvailabilityBurnRate') },
      { id: 'check-outlier-ejection', action: 'Keep outlier ejection on (stack.gateway.ejection: true) so a failing replica stops receiving traffic within a second.', onCall: link('RecsysUpstreamDown') },
    ],
  },
  {
    id: 'failed-requests',
    finding: 'clients saw failed requests',
    slis: ['failed_requests', 'availability', 'error_rate', 'error_budget_consumed'],
    actions: [
      { id: 'add-replica-headroom', action: 'Add replica headroom (one spare replica per zone) so losing one does not overload the rest.', onCall: link('RecsysUpstreamDown') },
      { id: 'lower-load-shed-threshold', action: 'Lower the gateway load-shed threshold (stack.gateway.maxInFlight) so overload is answered with a quick 503 + retry-after instead of timeouts.', onCall: link('RecsysAvailabilityBurnRate') },
    ],
  },
  {
    id: 'slow-recovery',
    finding: 'time to recover (or to detect) above target',
    slis: ['time_to_recover_s', 'interruption_s', 'recovery_rate', 'time_to_detect_s'],
    actions: [
      { id: 'faster-health-checks', action: 'Run the gateway health checks more often (at least every 200 ms) so a dead replica is noticed at once.', onCall: link('RecsysUpstreamDown') },
      { id: 'outlier-ejection', action: 'Turn outlier ejection on and shorten its window so a failing replica is taken out of rotation quickly.', onCall: link('RecsysUpstreamDown') },
    ],
  },
  {
    id: 'latency',
    finding: 'tail latency above target',
    slis: ['latency_p99_ms', 'latency_p95_ms', 'latency_p50_ms'],
    when: (c) => !c.generatorSaturated,
    actions: [
      { id: 'tune-batching', action: 'Tune dynamic batching (max batch size, max queue delay) with `drillbook tune`: a smaller queue delay cuts tail latency at low load, a larger batch raises capacity.', onCall: link('RecsysLatencyBurnRate') },
      { id: 'add-capacity', action: 'Add replicas or inference threads where the accelerator is saturated.', onCall: link('RecsysAcceleratorSaturated') },
    ],
  },
  {
    id: 'degraded',
    finding: 'degraded (fallback) share high',
    slis: ['degraded_share'],
    actions: [
      { id: 'fallback-settings', action: 'Review the fallback settings: the replica deadline (stack.replica.deadlineMs) and feature-store timeout decide when the popularity fallback answers.', onCall: link('RecsysDegradedServingBurnRate') },
      { id: 'fallback-cause', action: 'Find why the model did not answer in time (model not loaded, dependency slow) before raising deadlines.', onCall: link('RecsysFallbackRateHigh') },
    ],
  },
  {
    id: 'quality',
    finding: 'served ranking quality (NDCG@10) dropped',
    slis: ['ndcg_ratio'],
    actions: [
      { id: 'rollback-model', action: 'Roll back to the last good model version and check the input drift alerts.', onCall: link('RecsysInputDriftPsi') },
      { id: 'fallback-share', action: 'Check the fallback share: popularity answers lower NDCG.', onCall: link('RecsysFallbackRateHigh') },
    ],
  },
  {
    id: 'throughput',
    finding: 'throughput below target',
    slis: ['throughput_ratio'],
    actions: [{ id: 'tune-capacity', action: 'Measure the SLO-compliant throughput with `drillbook tune` and raise replicas, batch size or threads.', onCall: link('RecsysAcceleratorSaturated') }],
  },
  {
    id: 'service-reported-errors',
    finding: "the service's own metrics reported errors",
    slis: ['promql'],
    actions: [
      { id: 'read-service-sli', action: "Read the objective's source query over the fault window: the service counted failures the clients may not have seen (retries or the fallback hid them); find the failing replica or model and add headroom or a faster failover.", onCall: link('RecsysAvailabilityBurnRate') },
    ],
  },
  {
    id: 'probe',
    finding: 'a verification probe failed',
    slis: ['probe'],
    actions: [{ id: 'replica-readmission', action: 'Check that the supervisor restarts a dead replica and the gateway re-admits it (gateway_upstream_up).', onCall: link('RecsysUpstreamDown') }],
  },
];

/** The generator rule: not about an objective, about whether the measurement could be trusted. */
export const GENERATOR_RULE: ActionRule = {
  id: 'generator-saturated',
  finding: 'the load generator (or host) was saturated',
  slis: [],
  actions: [{ id: 'more-load-capacity', action: 'Give the load more capacity: run k6 on another host or distributed (load.distributed), or lower the rate; the latency figures are not the service\'s.', onCall: link('DrillbookDrillAborted') }],
};

/** The part of a scorecard the rules read. */
export type ScorecardFindings = Pick<Scorecard, 'objectives'> & { load?: { generator?: { saturated?: boolean } } };

/** Every missed objective mapped to its actions (grouped per rule, table order), plus the generator finding. */
export function recommendActions(sc: ScorecardFindings, ctx: ActionContext = {}): ActionFinding[] {
  const c: ActionContext = { ...ctx, generatorSaturated: ctx.generatorSaturated ?? sc.load?.generator?.saturated ?? false };
  const byRule = new Map<string, ActionFinding>();
  for (const o of sc.objectives) {
    if (o.verdict !== 'missed') continue;
    const rule = ACTION_RULES.find((r) => r.slis.includes(o.sli) && (!r.when || r.when(c)));
    if (!rule) continue;
    const f = byRule.get(rule.id) ?? { rule: rule.id, finding: rule.finding, objectives: [], actions: [...rule.actions] };
    f.objectives.push(o.name);
    byRule.set(rule.id, f);
  }
  const out = ACTION_RULES.map((r) => byRule.get(r.id)).filter((f): f is ActionFinding => !!f);
  if (c.generatorSaturated) out.push({ rule: GENERATOR_RULE.id, finding: GENERATOR_RULE.finding, objectives: ['generator'], actions: [...GENERATOR_RULE.actions] });
  return out;
}

/** Where teams publish the on-call guide (the same placeholder as the alerts' `runbook_url`s). */
export const ON_CALL_PUBLISHED_URL = 'https://drillbook.example.com/runbooks/on-call.md';

/** An action's on-call link under a published base (`<base>#<anchor>`), for views outside this checkout. */
export function onCallHref(a: RecommendedAction, base: string = ON_CALL_PUBLISHED_URL): string {
  return `${base}#${a.onCall.split('#')[1]}`;
}
