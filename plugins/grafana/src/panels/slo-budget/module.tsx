import { PanelPlugin } from '@grafana/data';
import { SLO_WINDOWS } from '@drillbook/contracts';
import { SloBudgetPanel } from './SloBudgetPanel';
import { defaultSloBudgetOptions as d, type SloBudgetOptions } from './types';

export const plugin = new PanelPlugin<SloBudgetOptions>(SloBudgetPanel).setPanelOptions((builder) =>
  builder
    .addSelect({
      path: 'periodWindow',
      name: 'SLO period window',
      description: 'Window of slo:sli_error:ratio_rate<window> used for attainment',
      defaultValue: d.periodWindow,
      settings: { options: SLO_WINDOWS.map((w) => ({ value: w, label: w })) },
    })
    .addBooleanSwitch({ path: 'showWindows', name: 'Multiwindow burn rates', description: 'Page and ticket alert windows with their current burn rates', defaultValue: d.showWindows })
    .addSliderInput({ path: 'budgetWarn', name: 'Budget warning below', defaultValue: d.budgetWarn, settings: { min: 0, max: 1, step: 0.05 } })
);
