import { PanelPlugin } from '@grafana/data';
import { ScorecardPanel } from './ScorecardPanel';
import { defaultScorecardOptions as d, type ScorecardOptions } from './types';

export const plugin = new PanelPlugin<ScorecardOptions>(ScorecardPanel).setPanelOptions((builder) =>
  builder
    .addBooleanSwitch({ path: 'showObjectives', name: 'Objectives', description: 'Each objective: measured vs target, verdict, contribution', defaultValue: d.showObjectives, category: ['Sections'] })
    .addBooleanSwitch({ path: 'showTimings', name: 'Time to detect / recover', defaultValue: d.showTimings, category: ['Sections'] })
    .addBooleanSwitch({ path: 'showBudget', name: 'Error budget burned', defaultValue: d.showBudget, category: ['Sections'] })
    .addBooleanSwitch({ path: 'showQuality', name: 'Ranking quality impact', defaultValue: d.showQuality, category: ['Sections'] })
    .addRadio({
      path: 'objectiveOrder',
      name: 'Objective order',
      defaultValue: d.objectiveOrder,
      category: ['Sections'],
      settings: {
        options: [
          { value: 'missed-first', label: 'Missed first' },
          { value: 'contribution', label: 'By weight' },
          { value: 'defined', label: 'As in runbook' },
        ],
      },
    })
    .addNumberInput({ path: 'passMark', name: 'Pass mark', description: 'Scores at or above are green', defaultValue: d.passMark, category: ['Score colours'], settings: { min: 0, max: 100, integer: true } })
    .addNumberInput({ path: 'warnMark', name: 'Warn mark', description: 'Scores at or above (and below the pass mark) are orange; lower scores red', defaultValue: d.warnMark, category: ['Score colours'], settings: { min: 0, max: 100, integer: true } })
    .addTextInput({ path: 'service', name: 'Service', description: 'Prometheus drill metrics only: the `service` label to show (variables allowed, e.g. $service)', defaultValue: d.service, category: ['Prometheus drill metrics'] })
    .addTextInput({ path: 'runbook', name: 'Runbook', description: 'Prometheus drill metrics only: the `runbook` label to show', defaultValue: d.runbook, category: ['Prometheus drill metrics'] })
);
