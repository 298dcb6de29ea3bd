/**
 * Rules on a runbook's numbers beyond the schema's per-field ranges: each objective's target within
 * what its SLI can measure, no objective that every possible measurement meets (it would pass a
 * drill by accident), abort thresholds within their SLI's range, and a load plan the engines can
 * schedule in both profiles (`load/admission.ts`).
 */
import { ABORT_SLI_RANGES, SLI_RANGES, describeRange, inRange, type Runbook } from '@drillbook/contracts';
import { admissionProblems } from '../load/admission.js';
import { durationMs } from './duration.js';
import { loadPhases } from './plan.js';

type PathPart = string | number;
type Problem = { path: PathPart[]; message: string };

/** Why an objective can never be missed, or null when it can. */
export function trivialObjective(o: { sli: keyof typeof SLI_RANGES; op: '<=' | '>='; target: number }, requestTimeoutMs: number): string | null {
  const r = SLI_RANGES[o.sli];
  if (o.op === '>=' && o.target <= r.min) return `every measurement of ${o.sli} is >= ${r.min}, so "${o.op} ${o.target}" is always met and scores nothing`;
  if (o.op === '<=' && o.target >= r.max) return `every measurement of ${o.sli} is <= ${r.max}, so "${o.op} ${o.target}" is always met and scores nothing`;
  if (o.op === '<=' && o.sli.startsWith('latency_') && o.target >= requestTimeoutMs) {
    return `the load gives up on a request after ${requestTimeoutMs} ms (load.timeout), so "${o.sli} <= ${o.target}" cannot be missed; use a target below the timeout`;
  }
  return null;
}

export function semanticLimits(rb: Runbook): Problem[] {
  const out: Problem[] = [];
  const timeoutMs = rb.load.timeout ? durationMs(rb.load.timeout) : 2000;
  rb.objectives.forEach((o, i) => {
    const r = SLI_RANGES[o.sli];
    if (!inRange(o.target, r)) {
      out.push({ path: ['objectives', i, 'target'], message: `a ${o.sli} target is ${r.unit === 'ratio' ? `a ratio, ` : ''}${describeRange(r)}${r.unit !== 'ratio' ? ` (${r.unit})` : ''}, got ${o.target}` });
      return;
    }
    const why = trivialObjective(o, timeoutMs);
    if (why) out.push({ path: ['objectives', i, 'target'], message: `objective "${o.name}" is meaningless: ${why}` });
  });
  (rb.guardrails.abortWhen ?? []).forEach((c, i) => {
    const r = ABORT_SLI_RANGES[c.sli];
    if (!inRange(c.threshold, r)) out.push({ path: ['guardrails', 'abortWhen', i, 'threshold'], message: `a ${c.sli} threshold is ${describeRange(r)}, got ${c.threshold}` });
  });
  for (const quick of [false, true]) {
    if (quick && !rb.load.quick) continue;
    for (const p of admissionProblems(loadPhases(rb, quick), null)) {
      // Point at the number to change: the (quick) rate for rates and request counts, the phases for time.
      const rateField: PathPart[] =
        quick && rb.load.quick?.rate !== undefined
          ? ['load', 'quick', 'rate']
          : p.phase && rb.load.phaseRates?.[p.phase] !== undefined
            ? ['load', 'phaseRates', p.phase]
            : ['load', 'rate'];
      const path: PathPart[] = p.kind === 'duration' ? (quick && rb.load.quick?.phases ? ['load', 'quick', 'phases'] : ['load', 'phases']) : rateField;
      out.push({ path, message: `${quick ? '--quick profile: ' : ''}${p.message}` });
    }
  }
  return out;
}
