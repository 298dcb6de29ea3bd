import React from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { ScorePoint } from '@drillbook/contracts';
import { Sparkline } from '../common/Sparkline';

/** Drill scores over time (oldest to newest) with the latest score and its change. */
export function ScoreTrend({ points }: { points: ScorePoint[] }) {
  const ordered = [...points].sort((a, b) => a.at.localeCompare(b.at));
  const latest = ordered[ordered.length - 1];
  if (!latest) {
    return (
      <Typography variant="body2" color="textSecondary">
        No scored drills yet.
      </Typography>
    );
  }
  const previous = ordered[ordered.length - 2];
  const delta = previous ? latest.score - previous.score : null;
  return (
    <Box display="flex" alignItems="center" style={{ gap: 16 }}>
      <div>
        <Typography variant="caption" color="textSecondary">
          Latest drill score
        </Typography>
        <Typography variant="h5" aria-label={`latest drill score ${latest.score}`}>
          {latest.score}
          <Typography component="span" variant="body2" color="textSecondary">
            {' '}
            / 100{delta !== null ? ` (${delta >= 0 ? '+' : ''}${delta} vs previous)` : ''}
          </Typography>
        </Typography>
      </div>
      <Sparkline values={ordered.map(p => p.score)} min={0} max={100} width={200} height={40} label={`drill score trend over ${ordered.length} drills`} />
    </Box>
  );
}
