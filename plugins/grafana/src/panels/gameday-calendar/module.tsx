import { PanelPlugin } from '@grafana/data';
import { CalendarPanel } from './CalendarPanel';
import { defaultCalendarPanelOptions as d, type CalendarPanelOptions } from './types';

export const plugin = new PanelPlugin<CalendarPanelOptions>(CalendarPanel).setPanelOptions((builder) =>
  builder.addTextInput({ path: 'service', name: 'Service', description: 'Drillbook service id; empty for every service', defaultValue: d.service })
);
