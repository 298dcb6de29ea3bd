import React, { useCallback, useEffect, useMemo, useState } from 'react';
import { css, cx } from '@emotion/css';
import { useParams, useNavigate } from 'react-router-dom';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Button, ConfirmModal, Icon, Input, LoadingPlaceholder, Stack, TextLink, useStyles2 } from '@grafana/ui';
import { DRILL_PHASES, type DrillSummary, type ScorecardResponse } from '@drillbook/contracts';
import { reportHref, useDrillbookApi } from '../drillbookApi';
import { ErrorAlert } from '../components/ErrorAlert';
import { StatusBadge } from '../components/StatusBadge';
import { ROUTES, TEST_IDS, prefixRoute } from '../constants';
import { fmt, fmtSeconds, fmtTime } from '../format/format';
import { readScorecardFrames } from '../frames/readScorecardFrames';
import { scorecardToFrames } from '../frames/scorecardToFrames';
import { applyEvent, initialProgress, type DrillProgress } from '../hooks/drillProgress';
import { mayUseRoute } from '../hooks/useGrafanaRole';
import { ScorecardView } from '../panels/scorecard/ScorecardView';
import { defaultScorecardOptions } from '../panels/scorecard/types';

const RUNNING = new Set(['queued', 'running']);

/** One drill, live: phases, load progress and events over SSE, abort, then its scorecard. */
export function FollowDrillPage() {
  const { drillId = '' } = useParams();
  const api = useDrillbookApi();
  const styles = useStyles2(getStyles);
  const navigate = useNavigate();
  const [drill, setDrill] = useState<DrillSummary | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [progress, setProgress] = useState<DrillProgress>(initialProgress);
  const [streamError, setStreamError] = useState<unknown>(null);
  const [reconnects, setReconnects] = useState(0);
  const [scorecard, setScorecard] = useState<ScorecardResponse | null>(null);
  const [scorecardError, setScorecardError] = useState<unknown>(null);
  const [followRun, setFollowRun] = useState(0);

  const refresh = useCallback(async () => {
    try {
      const d = await api.getDrill(drillId);
      setDrill(d);
      setLoadError(null);
      if (!RUNNING.has(d.state) && !d.dryRun) {
        try {
          setScorecard(await api.getScorecard(drillId));
          setScorecardError(null);
        } catch (err) {
          setScorecardError(err);
        }
      }
    } catch (err) {
      setLoadError(err);
    }
  }, [api, drillId]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    const ctrl = new AbortController();
    setProgress(initialProgress);
    setStreamError(null);
    api
      .followDrill(drillId, {
        signal: ctrl.signal,
        onEvent: (e) => setProgress((p) => applyEvent(p, e)),
        onReconnect: (n) => setReconnects(n),
      })
      .then(
        (how) => {
          if (how === 'ended') {
            void refresh();
          }
        },
        (err) => !ctrl.signal.aborted && setStreamError(err)
      );
    return () => ctrl.abort();
  }, [api, drillId, refresh, followRun]);

  // Once the stream has ended, the drill fetched after it is the authority on the final state.
  const state = progress.ended && drill && !RUNNING.has(drill.state) ? drill.state : (progress.state ?? drill?.state ?? null);
  const running = state !== null && RUNNING.has(state) && !progress.ended;
  const model = useMemo(() => {
    if (!scorecard) {
      return null;
    }
    const read = readScorecardFrames(scorecardToFrames(scorecard, { reportHref: reportHref(scorecard.drill) }));
    return read.ok ? read.value : null;
  }, [scorecard, api]);

  return (
    <PluginPage>
      <div data-testid={TEST_IDS.follow.root} className={styles.root}>
        <Stack direction="row" justifyContent="space-between" alignItems="center" wrap="wrap">
          <Stack direction="row" gap={1} alignItems="center">
            <h2 className={styles.h2}>
              {drill ? `${drill.runbook} on ${drill.service}` : drillId}
            </h2>
            {state && (
              <span data-testid={TEST_IDS.follow.state}>
                <StatusBadge status={state} />
              </span>
            )}
          </Stack>
          <Stack direction="row" gap={1}>
            <Button variant="secondary" icon="arrow-left" onClick={() => navigate(prefixRoute(ROUTES.GameDays))}>
              Game days
            </Button>
            <Button variant="secondary" icon="history" onClick={() => navigate(prefixRoute(ROUTES.History))}>
              History
            </Button>
            {running && <AbortButton drillId={drillId} onAborted={setDrill} />}
          </Stack>
        </Stack>
        {drill && (
          <div className={styles.muted}>
            {drill.id} · requested by {drill.requestedBy} · created {fmtTime(Date.parse(drill.createdAt))}
            {drill.dryRun && ' · dry run'}
          </div>
        )}
        {loadError !== null && <ErrorAlert error={loadError} action="load the drill" onRetry={refresh} />}

        <Phases progress={progress} ended={!running && state !== null} />

        {progress.load && running && (
          <div className={styles.progress} data-testid={TEST_IDS.follow.progress}>
            <Figure label="load phase" value={progress.load.loadPhase ?? '—'} />
            <Figure label="elapsed" value={fmtSeconds(progress.load.elapsedS)} />
            <Figure label="remaining" value={fmtSeconds(progress.load.remainingS)} />
            <Figure label="rate" value={fmt(progress.load.rps, 'reqps', 1)} />
            <Figure label="requests" value={fmt(progress.load.requests, 'none', 0)} />
            <Figure label="errors" value={fmt(progress.load.errors, 'none', 0)} />
            <Figure label="p99" value={fmt(progress.load.p99Ms, 'ms', 0)} />
          </div>
        )}
        {progress.detection && (
          <Alert severity="info" title="Detected">
            {progress.detection}
          </Alert>
        )}
        {reconnects > 0 && !progress.ended && streamError === null && (
          <div className={styles.muted}>
            <Icon name="sync" /> event stream dropped; reconnected {reconnects} time(s), resuming after the last event seen
          </div>
        )}
        {streamError !== null && loadError === null && <ErrorAlert error={streamError} action="follow the drill's events" onRetry={() => setFollowRun((n) => n + 1)} />}

        {model && (
          <section>
            <h3>Scorecard</h3>
            <ScorecardView model={model} options={defaultScorecardOptions} />
          </section>
        )}
        {scorecardError !== null && <ErrorAlert error={scorecardError} action="load the scorecard" onRetry={refresh} />}
        {!model && !running && state !== null && scorecardError === null && !drill?.dryRun && <LoadingPlaceholder text="Loading the scorecard…" />}

        <section>
          <h3>Events</h3>
          <ol className={styles.events} data-testid={TEST_IDS.follow.events} reversed>
            {[...progress.events].reverse().map((e) => (
              <li key={e.seq} className={cx(styles.event, e.type === 'fault' && styles.fault, e.type === 'guardrail' && styles.guardrail)}>
                <span className={styles.muted}>
                  #{e.seq} {e.at.slice(11, 19)} {e.type}
                  {e.phase ? ` · ${e.phase}` : ''}
                </span>{' '}
                {e.message}
              </li>
            ))}
          </ol>
          {progress.events.length === 0 && streamError === null && <LoadingPlaceholder text="Waiting for events…" />}
        </section>
        {drill?.reportUrl && reportHref(drill) && (
          <TextLink href={reportHref(drill)!} external>
            HTML report
          </TextLink>
        )}
      </div>
    </PluginPage>
  );
}

function AbortButton({ drillId, onAborted }: { drillId: string; onAborted: (d: DrillSummary) => void }) {
  const api = useDrillbookApi();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const [requested, setRequested] = useState(false);
  const allowed = mayUseRoute('Editor');
  return (
    <>
      <Button
        variant="destructive"
        icon="ban"
        onClick={() => setOpen(true)}
        disabled={pending || requested || !allowed}
        tooltip={allowed ? undefined : 'Aborting needs the Grafana Editor role'}
        data-testid={TEST_IDS.follow.abort}
      >
        {requested ? 'Abort requested' : 'Abort drill'}
      </Button>
      <ConfirmModal
        isOpen={open}
        title="Abort this drill?"
        body={
          <Stack direction="column" gap={1}>
            <span>Load stops and every fault the drill injected is cleared; the rollback runs and the drill is scored as aborted.</span>
            <Input placeholder="Reason (recorded in the journal)" value={reason} onChange={(e) => setReason(e.currentTarget.value)} aria-label="Abort reason" />
          </Stack>
        }
        confirmText="Abort now"
        onDismiss={() => setOpen(false)}
        onConfirm={async () => {
          setOpen(false);
          setPending(true);
          setError(null);
          try {
            onAborted(await api.abortDrill(drillId, reason.trim() || undefined));
            setRequested(true);
          } catch (err) {
            setError(err);
          } finally {
            setPending(false);
          }
        }}
      />
      {error !== null && (
        <div style={{ flexBasis: '100%' }}>
          <ErrorAlert error={error} action="abort the drill" />
        </div>
      )}
    </>
  );
}

function Phases({ progress, ended }: { progress: DrillProgress; ended: boolean }) {
  const styles = useStyles2(getStyles);
  return (
    <ol className={styles.phases} aria-label="Drill phases">
      {DRILL_PHASES.map((phase, i) => {
        // The controller runs phases in this order: any phase before the latest one seen is behind us.
        const latest = Math.max(-1, ...progress.phasesSeen.map((p) => DRILL_PHASES.indexOf(p)));
        const seen = progress.phasesSeen.includes(phase) || i < latest || (ended && latest >= 0 && i <= latest);
        const current = progress.phase === phase && !ended;
        return (
          <li key={phase} className={cx(styles.phase, seen && styles.phaseSeen, current && styles.phaseCurrent)} aria-current={current ? 'step' : undefined}>
            <Icon name={current ? 'sync' : seen ? 'check' : 'circle'} /> {phase}
          </li>
        );
      })}
    </ol>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.figure} aria-label={label}>
      <div className={styles.muted}>{label}</div>
      <div className={styles.figureValue}>{value}</div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  h2: css({ margin: 0 }),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  phases: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(1), listStyle: 'none', padding: 0, margin: 0 }),
  phase: css({ padding: theme.spacing(0.5, 1), borderRadius: theme.shape.radius.pill, background: theme.colors.background.secondary, color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  phaseSeen: css({ color: theme.colors.text.primary }),
  phaseCurrent: css({ background: theme.colors.primary.transparent, color: theme.colors.primary.text, fontWeight: theme.typography.fontWeightMedium }),
  progress: css({ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(110px, 1fr))', gap: theme.spacing(1) }),
  figure: css({ background: theme.colors.background.secondary, borderRadius: theme.shape.radius.default, padding: theme.spacing(1) }),
  figureValue: css({ fontSize: theme.typography.h4.fontSize }),
  events: css({ listStyle: 'none', padding: 0, margin: 0, maxHeight: 320, overflow: 'auto', fontFamily: theme.typography.fontFamilyMonospace, fontSize: theme.typography.bodySmall.fontSize }),
  event: css({ padding: theme.spacing(0.25, 0), borderBottom: `1px solid ${theme.colors.border.weak}` }),
  fault: css({ color: theme.colors.warning.text }),
  guardrail: css({ color: theme.colors.error.text }),
});
