import React from 'react';
import { PluginPage } from '@grafana/runtime';
import { useDrillbookApi } from '../drillbookApi';
import { GameDayCalendar, type CalendarApi } from '../gameday/GameDayCalendar';

/** App page: the game-day calendar for every service. */
export function CalendarPage() {
  // The app's client is the shared DrillbookClient, which also implements GameDaysApi.
  const api = useDrillbookApi() as unknown as CalendarApi;
  return (
    <PluginPage>
      <GameDayCalendar api={api} />
    </PluginPage>
  );
}
