/**
 * Step: status, in this order — the first that applies wins:
 * interrupted, aborted; `invalid` when the drill proves nothing (no fault evidence, load not
 * delivered, steady state not established, or a load generator / host too weak to judge a drill
 * that missed or could not decide something — a late generator only inflates latency, so a pass
 * despite it stands); `failed` when an
 * objective was missed; `inconclusive` when none was missed but one could not be decided (a latency
 * interval that straddles its target) or could not be measured at all by this set-up (detection with
 * no alert source, quality with no ground truth, an objective on the service's PromQL SLI that got no
 * figure from Prometheus — see UNMEASURABLE_WHEN_ABSENT); `failed`
 * when the load's thresholds were crossed; otherwise `passed`.
 */
import type { DrillJournal, DrillStatus, ObjectiveResult, Scorecard } from '@drillbook/contracts';
import type { LoadResult } from '../../load/index.js';
import { fmt } from './objectives.js';
import type { ProofStep } from './proof.js';

export interface StatusInput {
  journal: DrillJournal;
  proof: ProofStep;
  generator: Scorecard['load']['generator'];
  steadyState: Scorecard['steadyState'];
  objectives: ObjectiveResult[];
  load: LoadResult | null;
}

/**
 * SLIs whose missing figure says the drill could not measure them — detection with no Prometheus and
 * no metric signal, NDCG with no ground truth in the sessions — not that the service failed: their
 * `no-data` makes a drill `inconclusive`, never `failed`. Every other `no-data` (no recovery before the
 * end, a probe that never answered) is a miss.
 */
const UNMEASURED_WHY: Partial<Record<ObjectiveResult['sli'], string>> = {
  undetected_impact: 'no alert source: no Prometheus watched the alerts and the runbook names no metric signal',
  alert_noise: 'no Prometheus watched the alerts',
  ndcg_ratio: 'no served NDCG@10: the sessions carry no ground truth, or no answer was scored',
};

export const UNMEASURABLE_WHEN_ABSENT: ReadonlySet<ObjectiveResult['sli']> = new Set(['undetected_impact', 'alert_noise', 'ndcg_ratio', 'promql']);

/** Why an unmeasurable objective got no figure; a PromQL SLI's explanation says what Prometheus returned. */
function unmeasuredWhy(o: ObjectiveResult): string {
  if (o.sli === 'promql') return `the service's metrics gave no figure: ${o.explanation.replace(/^no data from the service's metrics: /, '').replace(/; not scored.*$/, '')}`;
  return UNMEASURED_WHY[o.sli] ?? 'no data';
}

export function statusStep({ journal: j, proof, generator, steadyState, objectives, load }: StatusInput): { status: DrillStatus; statusReason: string } {
  const { faultObserved, loadDelivered } = proof.proof;
  const unmeasured = objectives.filter((o) => o.verdict === 'no-data' && UNMEASURABLE_WHEN_ABSENT.has(o.sli));
  const missed = objectives.filter((o) => o.verdict === 'missed' || (o.verdict === 'no-data' && !UNMEASURABLE_WHEN_ABSENT.has(o.sli)));
  const inconclusive = objectives.filter((o) => o.verdict === 'inconclusive');
  const thresholds = load?.thresholds ?? [];
  const figure = (o: ObjectiveResult) => `"${o.name}" (${o.measured === null ? 'no data' : fmt(o.measured, o.sli)} vs ${o.op} ${fmt(o.target, o.sli)}${o.interval ? `, 95% interval ${fmt(o.interval[0], o.sli)}-${fmt(o.interval[1], o.sli)}` : ''})`;
  if (j.status === 'interrupted') return { status: 'interrupted', statusReason: 'the controller stopped mid-drill; rollbacks ran on restart' };
  if (j.abort) return { status: 'aborted', statusReason: `aborted by ${j.abort.source}: ${j.abort.reason}` };
  if (!faultObserved.ok) return { status: 'invalid', statusReason: proof.faultSteps.length ? `no evidence at the target that ${proof.unproven.join(', ')} took effect` : 'no fault was injected' };
  if (!loadDelivered.ok) return { status: 'invalid', statusReason: `the planned load did not arrive (${loadDelivered.sentRequests} of ${loadDelivered.plannedRequests} requests, ${loadDelivered.droppedIterations} dropped)` };
  // A late generator only ever adds latency (measured from the scheduled send time) and bunches
  // requests: it can turn a healthy service's verdict into a miss, never a miss into a pass. So it
  // invalidates the drill when something was missed or undecided, and leaves a pass standing.
  const judgedBad = missed.length > 0 || inconclusive.length > 0 || unmeasured.length > 0 || !steadyState.established || (!!load && !load.thresholdsOk);
  if (generator.saturated && judgedBad) return { status: 'invalid', statusReason: generator.reason };
  if (!steadyState.established) return { status: 'invalid', statusReason: steadyState.reason };
  if (missed.length) return { status: 'failed', statusReason: `missed ${missed.map(figure).join(', ')}` };
  if (inconclusive.length || unmeasured.length) {
    const parts: string[] = [];
    if (inconclusive.length) parts.push(`the samples cannot decide ${inconclusive.map((o) => `${figure(o)}${o.requestsToDecide ? `: about ${o.requestsToDecide} requests would` : ''}`).join(', ')}`);
    if (unmeasured.length) parts.push(`this drill could not measure ${unmeasured.map((o) => `"${o.name}" (${unmeasuredWhy(o)})`).join(', ')}`);
    return { status: 'inconclusive', statusReason: `no objective missed, but ${parts.join('; and ')}` };
  }
  if (load && !load.thresholdsOk) return { status: 'failed', statusReason: `load thresholds crossed: ${thresholds.filter((t) => !t.ok).map((t) => `${t.metric} ${t.expr}`).join(', ')}` };
  return { status: 'passed', statusReason: `every objective met (${objectives.length}), fault proven at the target, load delivered, steady state held${generator.saturated ? ` — although the load generator fell behind (${generator.reason.replace(/^load generator saturated: /, '')}), which only adds to the latency measured` : ''}` };
}
