import React from 'react';
import Grid from '@material-ui/core/Grid';
import { DrillsCard } from './DrillsCard/DrillsCard';
import { GpuCard } from './GpuCard/GpuCard';
import { SloCard } from './SloCard/SloCard';
import { EntityGameDayCalendarCard } from './GameDayCalendar/GameDayCalendar';

/** Entity tab: the three Drillbook cards, drills full width. */
export function EntityDrillbookContent() {
  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12} md={7}>
        <SloCard />
      </Grid>
      <Grid item xs={12} md={5}>
        <GpuCard />
      </Grid>
      <Grid item xs={12}>
        <DrillsCard />
      </Grid>
      <Grid item xs={12}>
        <EntityGameDayCalendarCard />
      </Grid>
    </Grid>
  );
}
