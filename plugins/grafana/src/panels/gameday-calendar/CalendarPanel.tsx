import React, { useMemo } from 'react';
import type { PanelProps } from '@grafana/data';
import { createDrillbookClient } from '../../drillbookApi';
import { GameDayCalendar, type CalendarApi } from '../../gameday/GameDayCalendar';
import type { CalendarPanelOptions } from './types';

/** The game-day calendar as a dashboard panel; it talks to the controller through the app's plugin route. */
export function CalendarPanel({ options, width, height }: PanelProps<CalendarPanelOptions>) {
  const api = useMemo(() => createDrillbookClient() as CalendarApi, []);
  return (
    <div style={{ width, height, overflow: 'auto' }}>
      <GameDayCalendar api={api} service={options.service.trim() || undefined} />
    </div>
  );
}
