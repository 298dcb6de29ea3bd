export type ObjectiveOrder = 'defined' | 'missed-first' | 'contribution';

export interface ScorecardOptions {
  showObjectives: boolean;
  showTimings: boolean;
  showBudget: boolean;
  showQuality: boolean;
  objectiveOrder: ObjectiveOrder;
  /** Score at or above which the score is green. */
  passMark: number;
  /** Score at or above which the score is orange rather than red. */
  warnMark: number;
  /** Prometheus drill metrics only: pick the drill by label (dashboard variables allowed). */
  service: string;
  runbook: string;
}

export const defaultScorecardOptions: ScorecardOptions = {
  showObjectives: true,
  showTimings: true,
  showBudget: true,
  showQuality: true,
  objectiveOrder: 'missed-first',
  passMark: 80,
  warnMark: 50,
  service: '',
  runbook: '',
};
