import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import { useNavigate, Link } from 'react-router-dom';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Badge, Button, Card, LoadingPlaceholder, Stack, Tag, Tooltip, useStyles2 } from '@grafana/ui';
import type { EmergencyStopState, RunbookSummary, ServiceSummary, WhoAmI } from '@drillbook/contracts';
import { useDrillbookApi } from '../drillbookApi';
import { ErrorAlert } from '../components/ErrorAlert';
import { StatusBadge } from '../components/StatusBadge';
import { ROUTES, TEST_IDS, prefixRoute } from '../constants';
import { fmtBurn, fmtPercent } from '../format/format';
import { mayUseRoute } from '../hooks/useGrafanaRole';
import { useLoad } from '../hooks/useLoad';
import { EmergencyStopButton } from './EmergencyStopButton';
import { LaunchDrillModal } from './LaunchDrillModal';

interface Catalogue {
  me: WhoAmI;
  services: ServiceSummary[];
  runbooks: RunbookSummary[];
  stop: EmergencyStopState;
}

/** Services and their runbooks, with the guarded launch flow and the emergency stop. */
export function GameDaysPage() {
  const api = useDrillbookApi();
  const styles = useStyles2(getStyles);
  const navigate = useNavigate();
  const [load, reload] = useLoad<Catalogue>(async () => {
    const [me, services, runbooks, stop] = await Promise.all([api.me(), api.listServices(), api.listRunbooks(), api.getEmergencyStop()]);
    return { me, services, runbooks, stop };
  }, [api]);
  const [stop, setStop] = useState<EmergencyStopState | null>(null);
  const [launch, setLaunch] = useState<{ service: ServiceSummary; runbook: RunbookSummary } | null>(null);
  useEffect(() => {
    if (load.status === 'done') {
      setStop(load.value.stop);
    }
  }, [load]);

  const editor = mayUseRoute('Editor');
  return (
    <PluginPage>
      <div data-testid={TEST_IDS.gameDays.root} className={styles.root}>
        {load.status === 'loading' && !load.value && <LoadingPlaceholder text="Loading services and runbooks…" />}
        {load.status === 'error' && <ErrorAlert error={load.error} action="load the game-day catalogue" onRetry={reload} />}
        {load.value && (
          <>
            <Stack direction="row" justifyContent="space-between" alignItems="center" wrap="wrap">
              {load.value.me.person ? (
                // Grafana forwards the signed-in user (send_user_header) and the controller answers for that person.
                <div className={styles.muted} data-testid="drillbook-identity">
                  Signed in as <strong>{load.value.me.subject}</strong> — Drillbook role <strong>{load.value.me.role}</strong>
                  {load.value.me.role === 'viewer'
                    ? ': you may follow drills and plan dry runs; launching and aborting need an operator grant'
                    : `: you may launch and abort drills on ${load.value.me.services.includes('*') ? 'every service' : load.value.me.services.join(', ') || 'no service'}${load.value.me.role === 'admin' ? ', and release the emergency stop' : ''}`}
                </div>
              ) : (
                <div className={styles.muted}>
                  Controller token: <strong>{load.value.me.role}</strong> ({load.value.me.subject})
                  {load.value.me.role === 'viewer' && ' — read only: launching and aborting need an operator token'}
                </div>
              )}
              <Stack direction="row" gap={1}>
                <Button variant="secondary" icon="history" onClick={() => navigate(prefixRoute(ROUTES.History))}>
                  Drill history
                </Button>
                <EmergencyStopButton disabled={!editor || load.value.me.role === 'viewer' || stop?.active === true} onChange={setStop} />
              </Stack>
            </Stack>
            {stop?.active && (
              <Alert severity="error" title="Emergency stop is active">
                New drills are refused{stop.reason ? `: ${stop.reason}` : ''}
                {stop.by ? ` (by ${stop.by}` : ''}
                {stop.since ? ` since ${stop.since})` : stop.by ? ')' : ''}. An admin releases it with DELETE /api/v1/emergency-stop or `drillbook` CLI.
              </Alert>
            )}
            {load.value.services.length === 0 && <Alert severity="info" title="The controller knows no services yet" />}
            {load.value.services.map((service) => (
              <ServiceCard
                key={service.id}
                service={service}
                runbooks={load.value!.runbooks.filter((r) => r.service === service.id)}
                launchBlocked={
                  stop?.active
                    ? 'the emergency stop is active'
                    : !editor
                      ? 'your Grafana role is Viewer: launching needs Editor'
                      : !service.permissions.launch
                        ? load.value!.me.person
                          ? `you (${load.value!.me.subject}, Drillbook role ${load.value!.me.role}) may not launch drills on ${service.id}`
                          : `the controller token (${load.value!.me.role}) may not launch drills on ${service.id}`
                        : null
                }
                onLaunch={(runbook) => setLaunch({ service, runbook })}
              />
            ))}
          </>
        )}
        {launch && (
          <LaunchDrillModal
            service={launch.service}
            runbook={launch.runbook}
            onDismiss={() => setLaunch(null)}
            onStarted={(drill) => {
              setLaunch(null);
              navigate(prefixRoute(`${ROUTES.Drill}/${encodeURIComponent(drill.id)}`));
            }}
          />
        )}
      </div>
    </PluginPage>
  );
}

function ServiceCard({
  service,
  runbooks,
  launchBlocked,
  onLaunch,
}: {
  service: ServiceSummary;
  runbooks: RunbookSummary[];
  launchBlocked: string | null;
  onLaunch: (r: RunbookSummary) => void;
}) {
  const styles = useStyles2(getStyles);
  const ready = service.replicas.filter((r) => r.ready).length;
  return (
    <section className={styles.service} data-testid={TEST_IDS.gameDays.service} aria-label={service.title}>
      <Stack direction="row" justifyContent="space-between" alignItems="flex-start" wrap="wrap">
        <div>
          <h3 className={styles.title}>{service.title}</h3>
          <div className={styles.muted}>
            {service.id} · owner {service.owner} · model {service.modelVersion ?? 'unknown'} · {ready}/{service.replicas.length} replicas ready
          </div>
          <Stack direction="row" gap={0.5}>
            {service.tags.map((t) => (
              <Tag key={t} name={t} />
            ))}
          </Stack>
        </div>
        <div className={styles.lastDrill}>
          {service.lastDrill ? (
            <>
              <span className={styles.muted}>last drill </span>
              <StatusBadge status={service.lastDrill.state} />{' '}
              <Link className={styles.link} to={prefixRoute(`${ROUTES.Drill}/${encodeURIComponent(service.lastDrill.id)}`)}>
                {service.lastDrill.runbook}
                {service.lastDrill.score !== null ? ` · score ${service.lastDrill.score}` : ''}
              </Link>
            </>
          ) : (
            <span className={styles.muted}>no drill yet</span>
          )}
        </div>
      </Stack>
      <div className={styles.slos}>
        {service.slos.length === 0 && <span className={styles.muted}>no SLOs reported</span>}
        {service.slos.map((slo) => (
          <Tooltip key={slo.name} content={`${slo.name}; source ${slo.source.kind}${slo.source.detail ? `: ${slo.source.detail}` : ''}`}>
            <div className={styles.slo}>
              <strong>{slo.title}</strong>
              <span>attainment {fmtPercent(slo.attainment, 3)}</span>
              <span>budget left {fmtPercent(slo.errorBudgetRemaining, 0)}</span>
              <span>
                burn {fmtBurn(slo.burnRate)}{' '}
                {slo.burnRate !== null && slo.burnRate >= Math.min(...slo.thresholds.page) && <Badge text="page" color="red" />}
              </span>
            </div>
          </Tooltip>
        ))}
      </div>
      <div className={styles.runbooks}>
        {runbooks.length === 0 && <span className={styles.muted}>no runbooks target this service</span>}
        {runbooks.map((r) => (
          <Card key={r.name} noMargin>
            <Card.Heading>{r.title}</Card.Heading>
            <Card.Meta>{[r.name, `${r.durationS} s`, r.faults.join(', ') || 'no faults', `${r.objectives.length} objectives`]}</Card.Meta>
            <Card.Description>{r.hypothesis}</Card.Description>
            <Card.Actions>
              {launchBlocked ? (
                <Tooltip content={`Launch disabled: ${launchBlocked}`}>
                  <span>
                    <Button icon="fire" variant="primary" disabled data-testid={TEST_IDS.gameDays.launch} aria-label={`Launch ${r.name}`}>
                      Launch…
                    </Button>
                  </span>
                </Tooltip>
              ) : (
                <Button icon="fire" variant="primary" onClick={() => onLaunch(r)} data-testid={TEST_IDS.gameDays.launch} aria-label={`Launch ${r.name}`}>
                  Launch…
                </Button>
              )}
            </Card.Actions>
          </Card>
        ))}
      </div>
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  service: css({
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(2),
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1.5),
  }),
  title: css({ margin: 0 }),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  lastDrill: css({ fontSize: theme.typography.bodySmall.fontSize }),
  slos: css({ display: 'flex', gap: theme.spacing(1), flexWrap: 'wrap' }),
  runbooks: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
  link: css({ color: theme.colors.text.link, '&:hover': { textDecoration: 'underline' } }),
  slo: css({
    display: 'flex',
    flexDirection: 'column',
    background: theme.colors.background.secondary,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1),
    fontSize: theme.typography.bodySmall.fontSize,
    minWidth: 180,
  }),
});
