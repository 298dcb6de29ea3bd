import React, { useEffect, useRef, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import LinearProgress from '@material-ui/core/LinearProgress';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { useApi } from '@backstage/core-plugin-api';
import { drillbookApiRef } from '../../drillbookApi';
import { useDrillEvents } from '../../hooks/useDrillEvents';
import { DrillbookErrorPanel } from '../common/DrillbookErrorPanel';
import { formatSeconds, formatTimestamp } from '../common/format';
import { DrillStateBadge } from './DrillStateBadge';

export interface LiveDrillPanelProps {
  drillId: string;
  runbook: string;
  canAbort: boolean;
  /** Called once when the stream's `end` event arrives. */
  onFinished?: () => void;
}

const SHOWN_EVENTS = 8;

/** Live progress of one drill over SSE: phase, load figures, latest events, and an abort button. */
export function LiveDrillPanel({ drillId, runbook, canAbort, onFinished }: LiveDrillPanelProps) {
  const api = useApi(drillbookApiRef);
  const live = useDrillEvents(drillId);
  const [abort, setAbort] = useState<{ state: 'idle' | 'sending' | 'sent' } | { state: 'failed'; error: unknown }>({ state: 'idle' });
  const finishedRef = useRef(false);

  useEffect(() => {
    if (live.ended && !finishedRef.current) {
      finishedRef.current = true;
      onFinished?.();
    }
  }, [live.ended, onFinished]);

  async function requestAbort() {
    setAbort({ state: 'sending' });
    try {
      await api.abortDrill(drillId, 'aborted from Backstage');
      setAbort({ state: 'sent' });
    } catch (error) {
      setAbort({ state: 'failed', error });
    }
  }

  const p = live.progress;
  const elapsed = typeof p?.elapsedS === 'number' ? p.elapsedS : undefined;
  const remaining = typeof p?.remainingS === 'number' ? p.remainingS : undefined;
  const total = elapsed !== undefined && remaining !== undefined ? elapsed + remaining : undefined;
  const status = live.status ?? (live.ended ? 'ended' : 'running');

  return (
    <Paper variant="outlined" style={{ padding: 12, marginBottom: 16 }} aria-label={`live drill ${drillId}`}>
      <Box display="flex" justifyContent="space-between" alignItems="center" flexWrap="wrap">
        <Typography variant="subtitle1">
          Drill {drillId} · {runbook} · <DrillStateBadge state={status} />
        </Typography>
        {!live.ended && canAbort && (
          <Button variant="contained" color="secondary" onClick={requestAbort} disabled={abort.state === 'sending' || abort.state === 'sent'}>
            {abort.state === 'sent' ? 'Abort requested' : 'Abort drill'}
          </Button>
        )}
      </Box>
      {abort.state === 'failed' && <DrillbookErrorPanel error={abort.error} prefix="Abort failed" />}
      {live.error && <DrillbookErrorPanel error={live.error} prefix="Live progress lost" />}
      <Box display="flex" flexWrap="wrap" style={{ gap: 4 }} my={1} aria-label="phases">
        {live.phasesSeen.map(phase => (
          <Chip key={phase} size="small" label={phase} color={phase === live.phase && !live.ended ? 'primary' : 'default'} />
        ))}
      </Box>
      {total !== undefined && total > 0 && !live.ended && (
        <LinearProgress variant="determinate" value={Math.min(100, ((elapsed ?? 0) / total) * 100)} aria-label="drill progress" />
      )}
      {p && (
        <Typography variant="body2" data-testid="live-figures">
          {[
            elapsed !== undefined ? `elapsed ${formatSeconds(elapsed)}` : null,
            remaining !== undefined ? `remaining ${formatSeconds(remaining)}` : null,
            typeof p.loadPhase === 'string' ? `load phase ${p.loadPhase}` : null,
            typeof p.rps === 'number' ? `${p.rps.toFixed(1)} req/s` : null,
            typeof p.requests === 'number' ? `${p.requests} requests` : null,
            typeof p.errors === 'number' ? `${p.errors} errors` : null,
            typeof p.p99Ms === 'number' ? `p99 ${p.p99Ms.toFixed(0)} ms` : null,
          ]
            .filter(Boolean)
            .join(' · ')}
        </Typography>
      )}
      <Box component="ol" style={{ listStyle: 'none', padding: 0, margin: '8px 0 0', fontFamily: 'monospace', fontSize: '0.8rem' }} aria-label="drill events">
        {live.events.length === 0 && !live.error && <li>waiting for events…</li>}
        {live.events.slice(-SHOWN_EVENTS).map(e => (
          <li key={e.seq}>
            {formatTimestamp(e.at).slice(11)} [{e.type}] {e.message}
          </li>
        ))}
      </Box>
    </Paper>
  );
}
