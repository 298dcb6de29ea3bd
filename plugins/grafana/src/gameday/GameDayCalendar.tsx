/**
 * The game-day calendar: upcoming scheduled runs by day (marked when they fall in a blackout),
 * blackout windows, pending approvals (approve / reject for approver and admin tokens; the
 * controller enforces the two-person rule), regression badges and each service's resilience-score
 * trend. Used by the app page (`/a/<id>/calendar`) and the calendar panel.
 */
import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Badge, Button, LoadingPlaceholder, Stack, useStyles2 } from '@grafana/ui';
import type { CalendarResponse, ResilienceSample, WhoAmI } from '@drillbook/contracts';
import type { DrillbookApi, GameDaysApi } from '@drillbook/client';
import { ErrorAlert } from '../components/ErrorAlert';
import { useLoad } from '../hooks/useLoad';

export type CalendarApi = Pick<DrillbookApi, 'me' | 'listServices'> & GameDaysApi;

interface Data {
  me: WhoAmI;
  calendar: CalendarResponse;
  trends: Array<{ service: string; current: ResilienceSample; history: ResilienceSample[] }>;
}

const day = (iso: string) => new Date(iso).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
const time = (iso: string) => `${iso.slice(11, 16)} UTC`;

export function Sparkline({ points, width = 160, height = 32 }: { points: number[]; width?: number; height?: number }) {
  if (points.length < 2) {
    return <span style={{ opacity: 0.7 }}>{points.length ? 'one sample so far' : 'no history yet'}</span>;
  }
  const xs = points.map((_, i) => (i / (points.length - 1)) * width);
  const ys = points.map((p) => height - (Math.max(0, Math.min(100, p)) / 100) * height);
  return (
    <svg width={width} height={height} role="img" aria-label={`resilience trend ${points.map((p) => p.toFixed(0)).join(', ')}`}>
      <polyline fill="none" stroke="currentColor" strokeWidth={2} points={xs.map((x, i) => `${x},${ys[i]}`).join(' ')} />
    </svg>
  );
}

export function GameDayCalendar({ api, service }: { api: CalendarApi; service?: string }) {
  const styles = useStyles2(getStyles);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [load, reload] = useLoad<Data>(async () => {
    const [me, calendar, services] = await Promise.all([api.me(), api.gameDayCalendar(service ? { service } : {}), api.listServices()]);
    const ids = service ? [service] : services.map((s) => s.id);
    const trends = await Promise.all(ids.map(async (id) => ({ service: id, ...(await api.resilience(id)) })));
    return { me, calendar, trends };
  }, [api, service]);

  if (load.status === 'loading' && !load.value) {
    return <LoadingPlaceholder text="Loading the game-day calendar…" />;
  }
  if (load.status === 'error') {
    return <ErrorAlert error={load.error} action="load the game-day calendar" onRetry={reload} />;
  }
  const { me, calendar, trends } = load.value!;
  const mayDecide = me.role === 'approver' || me.role === 'admin';
  const byDay = new Map<string, CalendarResponse['upcoming']>();
  for (const u of calendar.upcoming) {
    byDay.set(day(u.at), [...(byDay.get(day(u.at)) ?? []), u]);
  }
  const decide = async (id: string, how: 'approve' | 'reject') => {
    setBusy(id);
    setActionError(null);
    try {
      if (how === 'approve') {
        await api.approveDrill(id);
      } else {
        await api.rejectDrill(id, 'rejected from Grafana');
      }
      reload();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className={styles.root} data-testid="drillbook-calendar">
      {actionError !== null && <ErrorAlert error={actionError} action="decide on the approval" />}
      <section>
        <h3>Pending approvals</h3>
        {calendar.approvals.length === 0 && <div className={styles.muted}>No drill waits for approval.</div>}
        {calendar.approvals.map((a) => (
          <div key={a.id} className={styles.row} data-testid="drillbook-calendar-approval">
            <Badge color="orange" text="pending-approval" />
            <span>
              <strong>{a.runbook}</strong> on {a.service}, requested by {a.requestedBy}; expires {day(a.expiresAt)} {time(a.expiresAt)}
            </span>
            {mayDecide ? (
              <Stack direction="row" gap={1}>
                <Button size="sm" icon="check" disabled={busy === a.id} onClick={() => decide(a.id, 'approve')}>
                  Approve
                </Button>
                <Button size="sm" variant="destructive" icon="times" disabled={busy === a.id} onClick={() => decide(a.id, 'reject')}>
                  Reject
                </Button>
              </Stack>
            ) : (
              <span className={styles.muted}>an approver decides (your token: {me.role})</span>
            )}
          </div>
        ))}
      </section>
      <section>
        <h3>Upcoming runs</h3>
        {calendar.upcoming.length === 0 && <div className={styles.muted}>No scheduled run between {day(calendar.from)} and {day(calendar.to)}.</div>}
        <div className={styles.days}>
          {[...byDay.entries()].map(([d, runs]) => (
            <div key={d} className={styles.day} data-testid="drillbook-calendar-day">
              <div className={styles.dayHead}>{d}</div>
              {runs.map((u) => (
                <div key={`${u.scheduleId}@${u.at}`} className={u.blackout ? styles.blocked : styles.run}>
                  {time(u.at)} {u.runbook}
                  <div className={styles.muted}>{u.service}</div>
                  {u.blackout && <Badge color="red" icon="lock" text={`blackout: ${u.blackout}`} />}
                </div>
              ))}
            </div>
          ))}
        </div>
      </section>
      <section>
        <h3>Blackout windows</h3>
        {calendar.blackouts.length === 0 && <div className={styles.muted}>None.</div>}
        {calendar.blackouts.map((b) => (
          <div key={b.id} className={styles.row}>
            <Badge color="red" icon="lock" text={b.name} />
            <span>
              {b.service ?? 'every service'} ·{' '}
              {b.weekly ? `every ${b.weekly.days.join(', ')} ${b.weekly.from}–${b.weekly.to} ${b.weekly.timeZone}` : `${b.start} → ${b.end}`}
              {b.reason ? ` — ${b.reason}` : ''}
            </span>
          </div>
        ))}
      </section>
      <section>
        <h3>Resilience and regressions</h3>
        {trends.map((t) => {
          const regressed = calendar.regressions.filter((r) => r.service === t.service && r.regressed);
          return (
            <div key={t.service} className={styles.row} data-testid="drillbook-calendar-resilience">
              <strong>{t.service}</strong>
              <span>score {t.current.score === null ? 'n/a (no scored drill)' : t.current.score.toFixed(1)}</span>
              <Sparkline points={t.history.map((h) => h.score ?? 0)} />
              {regressed.length > 0 ? (
                regressed.slice(0, 3).map((r) => <Badge key={r.drillId} color="red" icon="arrow-down" text={`regressed: ${r.runbook}`} tooltip={r.reasons.join('; ')} />)
              ) : (
                <Badge color="green" text="no regression" />
              )}
            </div>
          );
        })}
      </section>
      {calendar.upcoming.some((u) => u.blackout) && (
        <Alert severity="info" title="Some scheduled runs fall in a blackout window">
          They will be refused when due (recorded as refused), unless the window is removed.
        </Alert>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  muted: css({ color: theme.colors.text.secondary }),
  row: css({ display: 'flex', gap: theme.spacing(1), alignItems: 'center', flexWrap: 'wrap', padding: theme.spacing(0.5, 0) }),
  days: css({ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(150px, 1fr))', gap: theme.spacing(1) }),
  day: css({ border: `1px solid ${theme.colors.border.weak}`, borderRadius: theme.shape.radius.default, padding: theme.spacing(1) }),
  dayHead: css({ fontWeight: theme.typography.fontWeightMedium, marginBottom: theme.spacing(0.5) }),
  run: css({ padding: theme.spacing(0.5), marginBottom: theme.spacing(0.5), background: theme.colors.background.secondary }),
  blocked: css({ padding: theme.spacing(0.5), marginBottom: theme.spacing(0.5), background: theme.colors.error.transparent }),
});
