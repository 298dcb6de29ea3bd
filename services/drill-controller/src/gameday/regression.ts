/**
 * Regression tracking: a finished drill against its recent passed history for the same
 * (service, runbook). Regressed when any of: the score is more than `scoreDrop` points below the
 * recent median; an objective met in every recent passed drill is missed now; time to recover or
 * error budget consumed is more than `worseRatio` above the recent median (or the drill never
 * recovered where history always did). No history: nothing to compare, never regressed.
 */
import type { Regression, Scorecard } from '@drillbook/contracts';

export interface RegressionRules {
  history: number;
  scoreDrop: number;
  worseRatio: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const r2 = (x: number) => Math.round(x * 100) / 100;

/** `history`: earlier scorecards of the same (service, runbook), any order; only passed ones count. */
export function compareWithHistory(sc: Scorecard, history: readonly Scorecard[], rules: RegressionRules): Regression {
  const past = history
    .filter((h) => h.drillId !== sc.drillId && h.status === 'passed' && h.service === sc.service && h.runbook.name === sc.runbook.name)
    .sort((a, b) => Date.parse(b.endedAt) - Date.parse(a.endedAt))
    .slice(0, rules.history);
  const reasons: string[] = [];
  if (past.length) {
    const m = median(past.map((p) => p.score));
    if (sc.score < m - rules.scoreDrop) reasons.push(`score ${r2(sc.score)} is ${r2(m - sc.score)} below the recent median ${r2(m)} (tolerance ${rules.scoreDrop})`);
    for (const o of sc.objectives) {
      if (o.verdict !== 'missed') continue;
      const before = past.map((p) => p.objectives.find((x) => x.name === o.name));
      if (before.every((b) => b?.verdict === 'met')) reasons.push(`objective "${o.name}" is newly missed: ${o.measured ?? 'no value'} ${o.unit} against ${o.op} ${o.target}, met in the last ${past.length} passed drill(s)`);
    }
    const worse = (label: string, now: number | null, was: Array<number | null>, unit: string) => {
      const known = was.filter((x): x is number => x !== null && Number.isFinite(x));
      if (!known.length) return;
      const base = median(known);
      if (now === null) {
        if (known.length === was.length) reasons.push(`${label}: none this time (never reached), ${r2(base)}${unit} median before`);
        return;
      }
      if (now > base * (1 + rules.worseRatio) && now - base > 1e-9) reasons.push(`${label} ${r2(now)}${unit} is more than ${Math.round(rules.worseRatio * 100)}% above the recent median ${r2(base)}${unit}`);
    };
    worse('time to recover', sc.timeToRecoverS, past.map((p) => p.timeToRecoverS), ' s');
    worse('error budget consumed', sc.errorBudget.consumed, past.map((p) => p.errorBudget.consumed), '');
  }
  return { drillId: sc.drillId, service: sc.service, runbook: sc.runbook.name, at: sc.endedAt, regressed: reasons.length > 0, reasons, comparedWith: past.map((p) => p.drillId) };
}
