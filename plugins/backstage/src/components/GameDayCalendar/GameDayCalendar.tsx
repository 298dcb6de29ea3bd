/**
 * The game-day calendar for Backstage: upcoming scheduled runs by day (marked when they fall in a
 * blackout), blackout windows, pending approvals with approve / reject for approver and admin
 * tokens (the controller enforces the two-person rule and says so), regression badges and the
 * resilience-score trend. `GameDayCalendar` shows every service (the Drillbook page);
 * `EntityGameDayCalendarCard` the entity's service.
 */
import React, { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { CalendarResponse, ResilienceSample, WhoAmI } from '@drillbook/contracts';
import type { DrillbookApi, GameDaysApi } from '@drillbook/client';
import { drillbookApiRef } from '../../drillbookApi';
import { usePolled } from '../../hooks/usePolled';
import { DrillbookErrorPanel } from '../common/DrillbookErrorPanel';
import { useEntityServiceId } from '../common/useEntityServiceId';

type CalendarApi = Pick<DrillbookApi, 'me' | 'listServices'> & GameDaysApi;

interface Data {
  me: WhoAmI;
  calendar: CalendarResponse;
  trends: Array<{ service: string; current: ResilienceSample; history: ResilienceSample[] }>;
}

const day = (iso: string) => new Date(iso).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
const time = (iso: string) => `${iso.slice(11, 16)} UTC`;

function Sparkline({ points }: { points: number[] }) {
  if (points.length < 2) return <Typography variant="caption" color="textSecondary">{points.length ? 'one sample so far' : 'no history yet'}</Typography>;
  const w = 160;
  const h = 32;
  const pts = points.map((p, i) => `${(i / (points.length - 1)) * w},${h - (Math.max(0, Math.min(100, p)) / 100) * h}`).join(' ');
  return (
    <svg width={w} height={h} role="img" aria-label={`resilience trend ${points.map(p => p.toFixed(0)).join(', ')}`}>
      <polyline fill="none" stroke="#1976d2" strokeWidth={2} points={pts} />
    </svg>
  );
}

function CalendarBody({ service }: { service?: string }) {
  const api = useApi(drillbookApiRef) as unknown as CalendarApi;
  const [nonce, setNonce] = useState(0);
  const [actionError, setActionError] = useState<unknown>(null);
  const data = usePolled<Data>(
    async () => {
      const [me, calendar, services] = await Promise.all([api.me(), api.gameDayCalendar(service ? { service } : {}), api.listServices()]);
      const ids = service ? [service] : services.map(s => s.id);
      const trends = await Promise.all(ids.map(async id => ({ service: id, ...(await api.resilience(id)) })));
      return { me, calendar, trends };
    },
    [api, service, nonce],
    30_000,
  );
  if (data.loading && !data.value) return <Progress />;
  if (data.error && !data.value) return <DrillbookErrorPanel error={data.error} prefix="Game-day calendar" />;
  const { me, calendar, trends } = data.value!;
  const mayDecide = me.role === 'approver' || me.role === 'admin';
  const byDay = new Map<string, CalendarResponse['upcoming']>();
  for (const u of calendar.upcoming) byDay.set(day(u.at), [...(byDay.get(day(u.at)) ?? []), u]);
  const decide = async (id: string, how: 'approve' | 'reject') => {
    setActionError(null);
    try {
      if (how === 'approve') await api.approveDrill(id);
      else await api.rejectDrill(id, 'rejected from Backstage');
      setNonce(n => n + 1);
    } catch (e) {
      setActionError(e);
    }
  };
  return (
    <Box data-testid="drillbook-calendar">
      {actionError !== null && <DrillbookErrorPanel error={actionError} prefix="Approval" />}
      <Typography variant="h6">Pending approvals</Typography>
      {calendar.approvals.length === 0 && <Typography color="textSecondary">No drill waits for approval.</Typography>}
      {calendar.approvals.map(a => (
        <Box key={a.id} display="flex" alignItems="center" flexWrap="wrap" my={0.5} style={{ gap: 8 }}>
          <Chip size="small" label="pending-approval" style={{ background: '#ffb74d' }} />
          <Typography variant="body2">
            <strong>{a.runbook}</strong> on {a.service}, requested by {a.requestedBy}; expires {day(a.expiresAt)} {time(a.expiresAt)}
          </Typography>
          {mayDecide ? (
            <>
              <Button size="small" variant="contained" color="primary" onClick={() => decide(a.id, 'approve')}>
                Approve
              </Button>
              <Button size="small" variant="outlined" color="secondary" onClick={() => decide(a.id, 'reject')}>
                Reject
              </Button>
            </>
          ) : (
            <Typography variant="caption" color="textSecondary">
              an approver decides (your token: {me.role})
            </Typography>
          )}
        </Box>
      ))}
      <Box mt={2}>
        <Typography variant="h6">Upcoming runs</Typography>
        {calendar.upcoming.length === 0 && <Typography color="textSecondary">No scheduled run between {day(calendar.from)} and {day(calendar.to)}.</Typography>}
        <Grid container spacing={1}>
          {[...byDay.entries()].map(([d, runs]) => (
            <Grid item key={d} xs={6} sm={4} md={2}>
              <Box border={1} borderColor="grey.300" borderRadius={4} p={1} data-testid="drillbook-calendar-day">
                <Typography variant="subtitle2">{d}</Typography>
                {runs.map(u => (
                  <Box key={`${u.scheduleId}@${u.at}`} my={0.5} p={0.5} style={{ background: u.blackout ? '#ffebee' : '#f5f5f5' }}>
                    <Typography variant="body2">
                      {time(u.at)} {u.runbook}
                    </Typography>
                    <Typography variant="caption" color="textSecondary">
                      {u.service}
                    </Typography>
                    {u.blackout && <Chip size="small" label={`blackout: ${u.blackout}`} style={{ background: '#e57373', color: 'white' }} />}
                  </Box>
                ))}
              </Box>
            </Grid>
          ))}
        </Grid>
      </Box>
      <Box mt={2}>
        <Typography variant="h6">Blackout windows</Typography>
        {calendar.blackouts.length === 0 && <Typography color="textSecondary">None.</Typography>}
        {calendar.blackouts.map(b => (
          <Box key={b.id} display="flex" alignItems="center" my={0.5} style={{ gap: 8 }}>
            <Chip size="small" label={b.name} style={{ background: '#e57373', color: 'white' }} />
            <Typography variant="body2">
              {b.service ?? 'every service'} · {b.weekly ? `every ${b.weekly.days.join(', ')} ${b.weekly.from}–${b.weekly.to} ${b.weekly.timeZone}` : `${b.start} → ${b.end}`}
              {b.reason ? ` — ${b.reason}` : ''}
            </Typography>
          </Box>
        ))}
      </Box>
      <Box mt={2}>
        <Typography variant="h6">Resilience and regressions</Typography>
        {trends.map(t => {
          const regressed = calendar.regressions.filter(r => r.service === t.service && r.regressed);
          return (
            <Box key={t.service} display="flex" alignItems="center" flexWrap="wrap" my={0.5} style={{ gap: 12 }} data-testid="drillbook-calendar-resilience">
              <Typography variant="body2">
                <strong>{t.service}</strong> score {t.current.score === null ? 'n/a (no scored drill)' : t.current.score.toFixed(1)}
              </Typography>
              <Sparkline points={t.history.map(h => h.score ?? 0)} />
              {regressed.length ? (
                regressed.slice(0, 3).map(r => <Chip key={r.drillId} size="small" title={r.reasons.join('; ')} label={`regressed: ${r.runbook}`} style={{ background: '#d32f2f', color: 'white' }} />)
              ) : (
                <Chip size="small" label="no regression" style={{ background: '#81c784' }} />
              )}
            </Box>
          );
        })}
      </Box>
    </Box>
  );
}

/** Every service's calendar (the Drillbook page). */
export function GameDayCalendar() {
  return (
    <InfoCard title="Game-day calendar" subheader="Scheduled drills, blackout windows, approvals, resilience">
      <CalendarBody />
    </InfoCard>
  );
}

/** Entity card: the calendar of the entity's Drillbook service. */
export function EntityGameDayCalendarCard() {
  const serviceId = useEntityServiceId();
  return (
    <InfoCard title="Game-day calendar" subheader={serviceId ?? 'no drillbook.dev/service-id annotation'}>
      {serviceId ? <CalendarBody service={serviceId} /> : <Typography color="textSecondary">Add the drillbook.dev/service-id annotation to see this service&apos;s game days.</Typography>}
    </InfoCard>
  );
}
