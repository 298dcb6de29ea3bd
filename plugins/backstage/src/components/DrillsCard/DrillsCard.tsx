import React, { useCallback, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { InfoCard, Progress, WarningPanel } from '@backstage/core-components';
import { MissingAnnotationEmptyState, useEntity } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { drillbookAbortPermission, drillbookLaunchPermission } from '../../permissions';
import { DrillbookPermission } from '../common/DrillbookPermission';
import { useApi } from '@backstage/core-plugin-api';
import type { DrillSummary, EmergencyStopState, RunbookSummary, ServiceSummary, WhoAmI } from '@drillbook/contracts';
import { drillbookApiRef } from '../../drillbookApi';
import { DRILLBOOK_SERVICE_ID_ANNOTATION } from '../../constants';
import { useDrillbookSettings } from '../../hooks/useDrillbookSettings';
import { usePolled } from '../../hooks/usePolled';
import { DrillbookErrorPanel } from '../common/DrillbookErrorPanel';
import { formatTimestamp } from '../common/format';
import { useEntityServiceId } from '../common/useEntityServiceId';
import { DrillHistoryTable } from './DrillHistoryTable';
import { LaunchDrillDialog } from './LaunchDrillDialog';
import { LiveDrillPanel } from './LiveDrillPanel';
import { ScoreTrend } from './ScoreTrend';

/** How many past drills the card lists. */
export const DRILL_HISTORY_LIMIT = 20;

interface DrillsData {
  service: ServiceSummary;
  drills: DrillSummary[];
  runbooks: RunbookSummary[];
  me?: WhoAmI;
  emergencyStop?: EmergencyStopState;
}

/** Why a real drill cannot start now; dry runs stay possible whatever this says. */
function launchBlock(data: DrillsData, running: DrillSummary | undefined, backstage: { allowed: boolean; entityRef: string }): string | undefined {
  const { service, me, emergencyStop } = data;
  if (!backstage.allowed) return `You may not launch drills on ${backstage.entityRef} (Backstage permission ${drillbookLaunchPermission.name}).`;
  if (!service.permissions.launch) {
    // Through the backend plugin the controller answers for the person ("bob via backstage"); through the proxy, for its token.
    if (me?.person) return `You (${me.subject}, Drillbook role ${me.role}) may not launch drills on ${service.id}.`;
    const who = me ? ` (${me.subject}, role ${me.role})` : '';
    return `Your Drillbook token${who} may not launch drills on ${service.id}.`;
  }
  if (emergencyStop?.active) {
    const by = [emergencyStop.by ? `set by ${emergencyStop.by}` : '', emergencyStop.since ? `at ${formatTimestamp(emergencyStop.since)}` : ''].filter(Boolean).join(' ');
    return `Emergency stop is active${by ? ` (${by})` : ''}${emergencyStop.reason ? `: ${emergencyStop.reason}` : ''}. No drill can start until an admin releases it.`;
  }
  if (running) return `Drill ${running.id} is already running on ${service.id}.`;
  return undefined;
}

function DrillsView({ serviceId, entityRef, canLaunch, canAbort }: { serviceId: string; entityRef: string; canLaunch: boolean; canAbort: boolean }) {
  const api = useApi(drillbookApiRef);
  const { refreshIntervalMs } = useDrillbookSettings();
  const { value, error, loading, refresh } = usePolled<DrillsData>(
    async () => {
      const [service, drills, runbooks, me, emergencyStop] = await Promise.all([
        api.getService(serviceId),
        api.listDrills({ service: serviceId, limit: DRILL_HISTORY_LIMIT }),
        api.listRunbooks(),
        api.me().catch(() => undefined),
        api.getEmergencyStop().catch(() => undefined),
      ]);
      return { service, drills, runbooks: runbooks.filter(r => r.service === serviceId), me, emergencyStop };
    },
    [api, serviceId],
    refreshIntervalMs,
  );
  const [dialogOpen, setDialogOpen] = useState(false);
  const [launched, setLaunched] = useState<DrillSummary>();
  const onFinished = useCallback(() => refresh(), [refresh]);

  if (loading) return <Progress />;
  if (!value) return <DrillbookErrorPanel error={error} prefix={`Drills of "${serviceId}"`} />;

  const running = value.drills.find(d => (d.state === 'running' || d.state === 'queued') && !d.dryRun);
  const blocked = launchBlock(value, running, { allowed: canLaunch, entityRef });
  const active = launched ?? running;

  return (
    <>
      {error && <DrillbookErrorPanel error={error} prefix="Showing the last figures read; refresh failed" />}
      {value.emergencyStop?.active && <WarningPanel severity="warning" title="Emergency stop is active" message={value.emergencyStop.reason ?? undefined} />}
      <Box display="flex" justifyContent="space-between" alignItems="flex-start" flexWrap="wrap" mb={2} style={{ gap: 8 }}>
        <ScoreTrend points={value.service.scoreTrend} />
        <Box textAlign="right" maxWidth={360}>
          <Button variant="contained" color="primary" disabled={value.runbooks.length === 0} onClick={() => setDialogOpen(true)}>
            {canLaunch ? 'Launch drill' : 'Plan a drill (dry run only)'}
          </Button>
          {value.runbooks.length === 0 && (
            <Typography variant="body2" color="textSecondary" style={{ marginTop: 4 }}>
              No runbook targets {serviceId}.
            </Typography>
          )}
          {blocked && (
            <Typography variant="body2" color="textSecondary" data-testid="launch-refusal" style={{ marginTop: 4 }}>
              {blocked} Dry runs are still possible.
            </Typography>
          )}
        </Box>
      </Box>
      {active && (
        <LiveDrillPanel key={active.id} drillId={active.id} runbook={active.runbook} canAbort={value.service.permissions.abort && canAbort} onFinished={onFinished} />
      )}
      <DrillHistoryTable drills={value.drills} />
      {value.runbooks.length > 0 && (
        <LaunchDrillDialog
          open={dialogOpen}
          serviceId={serviceId}
          runbooks={value.runbooks}
          launchBlockedReason={blocked}
          onClose={() => setDialogOpen(false)}
          onLaunched={drill => {
            setLaunched(drill);
            refresh();
          }}
        />
      )}
    </>
  );
}

/** Launch and abort as Backstage's permission framework decides them for this entity (allowed when the app has no permission API). */
function PermittedDrillsView({ serviceId }: { serviceId: string }) {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  return (
    <DrillbookPermission permission={drillbookLaunchPermission} resourceRef={entityRef}>
      {launch => (
        <DrillbookPermission permission={drillbookAbortPermission} resourceRef={entityRef}>
          {abort =>
            launch.loading || abort.loading ? <Progress /> : <DrillsView serviceId={serviceId} entityRef={entityRef} canLaunch={launch.allowed} canAbort={abort.allowed} />
          }
        </DrillbookPermission>
      )}
    </DrillbookPermission>
  );
}

/** Entity card (or tab content): drill history with score trend, launch flow and live progress. */
export function DrillsCard() {
  const serviceId = useEntityServiceId();
  return (
    <InfoCard title="Game-day drills" subheader="Drillbook">
      {serviceId ? <PermittedDrillsView serviceId={serviceId} /> : <MissingAnnotationEmptyState annotation={DRILLBOOK_SERVICE_ID_ANNOTATION} />}
    </InfoCard>
  );
}
