export interface CalendarPanelOptions {
  /** A Drillbook service id; empty: every service. */
  service: string;
}

export const defaultCalendarPanelOptions: CalendarPanelOptions = { service: '' };
