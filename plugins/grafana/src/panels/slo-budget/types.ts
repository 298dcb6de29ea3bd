export interface SloBudgetOptions {
  /** The SLO period window of `slo:sli_error:ratio_rate<window>` (Sloth: 30d). */
  periodWindow: string;
  showWindows: boolean;
  /** Budget remaining below this share is shown as a warning. */
  budgetWarn: number;
}

export const defaultSloBudgetOptions: SloBudgetOptions = {
  periodWindow: '30d',
  showWindows: true,
  budgetWarn: 0.25,
};
